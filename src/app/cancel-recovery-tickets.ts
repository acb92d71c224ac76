// Recovery must not be a free weapon (issue 11 #4): whoever passes the
// account's second factor on the second-factor step — the owner, who still
// holds a factor — sees the account's open recovery tickets and cancels them,
// which ends a full verification's freeze. The login challenge proves the
// password; the second factor goes through the one gate, and the challenge
// stays usable for signing in afterwards.
import { accountFrozen } from '../domain/account-freeze.ts';
import { DomainError } from '../domain/errors.ts';
import { cancel, isOpen, type TicketKind, type TicketStatus } from '../domain/recovery-ticket.ts';
import { lockAccountRow } from '../storage/accounts-repository.ts';
import { appendAudit } from '../storage/events-repository.ts';
import type { Executor } from '../storage/executor.ts';
import { listOpenTickets, markCancelled, type TicketRow } from '../storage/recovery-repository.ts';
import type { AppContext, RequestOrigin } from './context.ts';
import { openLoginChallenge } from './login-challenge.ts';
import { notifyEmail, recoveryNotices } from './notifications.ts';
import { passSecondFactor, type SecondFactorOutcome } from './second-factor-gate.ts';
import { ticketFacts } from './ticket-facts.ts';

export interface OpenTicketSummary {
  readonly ticketId: string;
  readonly kind: TicketKind;
  readonly status: TicketStatus;
  readonly openedAt: string;
  readonly reviewDueBy: string | null;
}

async function openTickets(db: Executor, accountId: string, now: Date): Promise<TicketRow[]> {
  return (await listOpenTickets(db, accountId)).filter((t) => isOpen(ticketFacts(t), now));
}

function summary(ticket: TicketRow): OpenTicketSummary {
  return {
    ticketId: ticket.id,
    kind: ticket.kind,
    status: ticket.status,
    openedAt: ticket.created_at,
    reviewDueBy: ticket.review_due_by,
  };
}

/** What the second-factor step shows: the account's open tickets (the challenge proves the password). */
export async function openTicketsForChallenge(
  ctx: AppContext,
  challenge: string,
): Promise<{ tickets: OpenTicketSummary[] }> {
  // A recovery-only challenge (password proved, second-factor step locked) may look too.
  const { account } = await openLoginChallenge(ctx, challenge, 'recovery');
  return { tickets: (await openTickets(ctx.storage.db, account.id, ctx.clock.now())).map(summary) };
}

/**
 * Cancels the account's open tickets (all but `exceptId`) inside the caller's
 * transaction, holding the account's row; audited and emailed. Returns their ids.
 */
export async function cancelOpenTickets(
  ctx: AppContext,
  trx: Executor,
  account: { id: string; email: string },
  why: 'second_factor' | 'superseded',
  exceptId?: string,
): Promise<string[]> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  await lockAccountRow(trx, account.id);
  const note =
    why === 'second_factor'
      ? "Cancelled by someone who passed the account's second factor."
      : 'Closed: another recovery ticket of this account was approved.';
  const cancelled: string[] = [];
  for (const ticket of await openTickets(trx, account.id, now)) {
    if (ticket.id === exceptId) continue;
    cancel(ticketFacts(ticket), now);
    const from = ticket.status === 'in_review' ? 'in_review' : 'awaiting_evidence';
    if (!(await markCancelled(trx, ticket.id, from, at, note))) continue;
    cancelled.push(ticket.id);
    await appendAudit(trx, {
      accountId: account.id,
      event: 'recovery_ticket_cancelled',
      details: { ticketId: ticket.id, kind: ticket.kind, from, why },
      at,
    });
  }
  if (cancelled.length > 0) {
    await notifyEmail(ctx, trx, account, recoveryNotices.ticketsCancelled(cancelled.length, now, why));
  }
  return cancelled;
}

export async function cancelTicketsWithSecondFactor(
  ctx: AppContext,
  input: { challenge: string; method: string; code?: string | undefined; response?: unknown },
  origin: RequestOrigin,
): Promise<SecondFactorOutcome & { cancelled: string[] }> {
  const { challenge, account, frozen } = await openLoginChallenge(ctx, input.challenge);
  // The owner's freeze says the factors may be in other hands: what they prove
  // counts for nothing until support has reviewed a ticket (which this would cancel).
  if (frozen === 'owner') throw accountFrozen('owner');
  // Nothing to cancel: refuse before a code is spent.
  if ((await openTickets(ctx.storage.db, account.id, ctx.clock.now())).length === 0) {
    throw new DomainError('invalid_state', 'This account has no open recovery ticket.');
  }
  const { outcome, result } = await passSecondFactor(
    ctx,
    {
      account,
      method: input.method,
      code: input.code,
      response: input.response,
      purpose: 'ticket_cancel',
      origin,
      challengeId: challenge.id,
    },
    (trx) => cancelOpenTickets(ctx, trx, account, 'second_factor'),
  );
  return { ...outcome, cancelled: result };
}
