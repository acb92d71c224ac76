// Opening a recovery ticket after the password step (the guide's "Method 2"
// and its emergency plan). The login challenge proves the password; it is
// not consumed, so it is no step towards a session. The answer is a ticket
// token (256 bits, stored hashed) that authorises this ticket's calls only.
import { DomainError } from '../domain/errors.ts';
import { evidenceDueBy, isLapsed, type TicketKind } from '../domain/recovery-ticket.ts';
import { hashToken } from '../infra/tokens.ts';
import { lockAccountRow } from '../storage/accounts-repository.ts';
import { appendAudit } from '../storage/events-repository.ts';
import { findOpenTicket, insertTicket, markExpired } from '../storage/recovery-repository.ts';
import type { AppContext, RequestOrigin } from './context.ts';
import { openLoginChallenge } from './login-challenge.ts';
import { notifyEmail, recoveryNotices } from './notifications.ts';
import { ticketFacts } from './ticket-facts.ts';

export interface OpenedTicket {
  readonly ticketId: string;
  readonly ticketToken: string;
  readonly status: 'awaiting_evidence';
  readonly evidenceDueBy: Date;
}

export async function openRecoveryTicket(
  ctx: AppContext,
  input: { challenge: string; kind: TicketKind },
  origin: RequestOrigin,
): Promise<OpenedTicket> {
  const db = ctx.storage.db;
  const now = ctx.clock.now();
  const { account } = await openLoginChallenge(ctx, input.challenge, 'recovery');

  const ticketToken = ctx.tokens.newToken();
  const ticketId = ctx.tokens.newId();
  const due = evidenceDueBy(now);
  const at = now.toISOString();
  await db.transaction().execute(async (trx) => {
    await lockAccountRow(trx, account.id);
    const open = await findOpenTicket(trx, account.id);
    // A ticket past its evidence window is dead even before the expiry job marks it.
    if (open && !isLapsed(ticketFacts(open), now)) {
      throw new DomainError('invalid_state', 'A recovery ticket is already open for this account.', {
        ticketStatus: open.status,
      });
    }
    if (open) await markExpired(trx, open.id, at);
    await insertTicket(trx, {
      id: ticketId,
      account_id: account.id,
      kind: input.kind,
      status: 'awaiting_evidence',
      token_hash: hashToken(ticketToken),
      created_at: at,
      evidence_due_by: due.toISOString(),
      submitted_at: null,
      review_due_by: null,
      decided_at: null,
      decision_note: null,
      overdue_notified_at: null,
      claimant_ip: origin.ip,
      claimant_user_agent: origin.userAgent,
    });
    await appendAudit(trx, {
      accountId: account.id,
      event: 'recovery_ticket_opened',
      details: { ticketId, kind: input.kind, ip: origin.ip },
      at,
    });
    await notifyEmail(trx, account.email, recoveryNotices.ticketOpened(input.kind, due), now);
  });
  return { ticketId, ticketToken, status: 'awaiting_evidence', evidenceDueBy: due };
}
