// Opening a recovery ticket after the password step (the guide's "Method 2"
// and its emergency plan). The login challenge proves the password; it is
// not consumed, so it is no step towards a session. The answer is a ticket
// token (256 bits, stored hashed) that authorises this ticket's calls only.
// Another open ticket never blocks a new one (issue 11 #4: a password-only
// squatter can't keep the owner's ticket out); the owner is emailed at once
// and can cancel tickets with a second factor (cancel-recovery-tickets.ts).
import { assertMayOpen, evidenceDueBy, type TicketKind } from '../domain/recovery-ticket.ts';
import { hashToken } from '../infra/tokens.ts';
import { lockAccountRow } from '../storage/accounts-repository.ts';
import { appendAudit } from '../storage/events-repository.ts';
import { insertTicket, lastClosedFullVerificationAt } from '../storage/recovery-repository.ts';
import type { AppContext, RequestOrigin } from './context.ts';
import { openLoginChallenge } from './login-challenge.ts';
import { notifyEmail, recoveryNotices } from './notifications.ts';
import { issueRecoveryLink } from './recovery-links.ts';

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
    // Held so the cooldown is read against committed closings (concurrent opens queue here).
    await lockAccountRow(trx, account.id);
    const closedAt = await lastClosedFullVerificationAt(trx, account.id);
    assertMayOpen(input.kind, closedAt ? new Date(closedAt) : null, now);
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
    const link = await issueRecoveryLink(ctx, trx, ticketId, now);
    await notifyEmail(ctx, trx, account, recoveryNotices.ticketOpened(input.kind, due, link));
  });
  return { ticketId, ticketToken, status: 'awaiting_evidence', evidenceDueBy: due };
}
