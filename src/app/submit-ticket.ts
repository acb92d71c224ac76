// awaiting_evidence → in_review. Sets the review deadline; a full
// verification freezes the account's logins from now until its decision
// (accountFreezeReason reads the status) and signs out every live session, so
// "attackers cannot log in either" holds for sessions already open too.
import { DomainError } from '../domain/errors.ts';
import { submit } from '../domain/recovery-ticket.ts';
import { findAccountById, lockAccountRow } from '../storage/accounts-repository.ts';
import { appendAudit } from '../storage/events-repository.ts';
import { listEvidence, markSubmitted, type TicketRow } from '../storage/recovery-repository.ts';
import { revokeAccountSessions } from '../storage/sessions-repository.ts';
import type { AppContext } from './context.ts';
import { notifyEmail, recoveryNotices } from './notifications.ts';
import { issueRecoveryLink } from './recovery-links.ts';
import { ticketFacts } from './ticket-facts.ts';

export async function submitTicket(
  ctx: AppContext,
  ticket: TicketRow,
): Promise<{ status: 'in_review'; reviewDueBy: Date }> {
  const db = ctx.storage.db;
  const now = ctx.clock.now();
  const at = now.toISOString();
  return db.transaction().execute(async (trx) => {
    // A freeze starts under the account's row, ordered with withdrawals and lock starts.
    await lockAccountRow(trx, ticket.account_id);
    const evidence = await listEvidence(trx, ticket.id);
    const next = submit(
      ticketFacts(ticket),
      now,
      evidence.map((e) => e.kind),
      ctx.config.holidays,
    );
    if (!(await markSubmitted(trx, ticket.id, at, next.reviewDueBy.toISOString()))) {
      throw new DomainError('invalid_state', 'The ticket was already submitted or has expired.');
    }
    const account = await findAccountById(trx, ticket.account_id);
    const frozen = ticket.kind === 'full_verification';
    if (frozen) await revokeAccountSessions(trx, ticket.account_id, at);
    await appendAudit(trx, {
      accountId: ticket.account_id,
      event: 'recovery_ticket_submitted',
      details: {
        ticketId: ticket.id,
        kind: ticket.kind,
        reviewDueBy: next.reviewDueBy.toISOString(),
        evidence: evidence.length,
        frozen,
      },
      at,
    });
    if (account) {
      const link = await issueRecoveryLink(ctx, trx, ticket.id, now);
      await notifyEmail(ctx, trx, account, recoveryNotices.ticketSubmitted(ticket.kind, next.reviewDueBy, link));
    }
    return { status: next.status, reviewDueBy: next.reviewDueBy };
  });
}
