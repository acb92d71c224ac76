// An agent approves or rejects a ticket in review, with a note to the user
// (emailed, shown on their ticket page, audited) and, if they like, an internal
// note for the other agents (never shown or sent to the user). The decision,
// its audit entry and the email to the user are one transaction; the ticket
// row is held (guarded no-op UPDATE) first, so two agents deciding at once
// are counted one after the other and a full verification's second approval
// can't be lost in a race.
//
// Approval clears every factor of the account (each registered method's
// removeAll: factors/registry.ts), signs out every session and
// marks the next binding as a recovery rebind of this ticket's kind, so
// confirm-authenticator.ts starts the lock the policy sets for it. Rejection changes no factor. Both
// end the review, which unfreezes a full verification (accountFreezeReason);
// approval also ends the owner's "this wasn't me" freeze (freeze-account.ts).

import type { Account } from '../domain/account.ts';
import { DomainError } from '../domain/errors.ts';
import type { Decision, DecisionOutcome } from '../domain/recovery-ticket.ts';
import { decide } from '../domain/recovery-ticket.ts';
import { lockFor, type RecoveryLockCause, recoveryLockCause } from '../domain/withdrawal-lock.ts';
import { findAccountById, lockAccountRow, setRebindLockCause } from '../storage/accounts-repository.ts';
import { appendAudit } from '../storage/events-repository.ts';
import type { Executor } from '../storage/executor.ts';
import { endFreeze } from '../storage/freezes-repository.ts';
import {
  findTicketById,
  holdTicketIn,
  insertDecision,
  listDecisions,
  markDecided,
} from '../storage/recovery-repository.ts';
import { revokeAccountSessions } from '../storage/sessions-repository.ts';
import { cancelOpenTickets } from './cancel-recovery-tickets.ts';
import type { AppContext } from './context.ts';
import { FACTOR_MODULES } from './factors/registry.ts';
import { notifyEmail, recoveryNotices } from './notifications.ts';
import { ownerProvedControl } from './owner-proved-control.ts';
import { issueRecoveryLink } from './recovery-links.ts';
import { ticketFacts } from './ticket-facts.ts';

export async function decideTicket(
  ctx: AppContext,
  agent: Account,
  ticketId: string,
  input: { decision: Decision; note: string; internalNote?: string | undefined },
): Promise<DecisionOutcome> {
  const db = ctx.storage.db;
  const now = ctx.clock.now();
  const at = now.toISOString();
  const note = input.note.trim();
  if (note === '') throw new DomainError('invalid_request', 'Write a note to the user that says why.');
  const internalNote = input.internalNote?.trim() || null;
  const outcome = await db.transaction().execute(async (trx) => {
    const ticket = await findTicketById(trx, ticketId);
    if (!ticket) throw new DomainError('not_found', 'No such recovery ticket.');
    // The account's row before the ticket's, in the order every ticket write takes them.
    await lockAccountRow(trx, ticket.account_id);
    await holdTicketIn(trx, ticket.id, 'in_review');
    // Read again once the row is held: a concurrent decision has committed by now.
    const current = (await findTicketById(trx, ticket.id)) ?? ticket;
    const earlier = (await listDecisions(trx, ticket.id)).map((d) => ({
      agentId: d.agent_account_id,
      decision: d.decision,
    }));
    const result = decide(ticketFacts(current), earlier, agent.id, input.decision);
    const account = await findAccountById(trx, ticket.account_id);
    if (!account) throw new DomainError('not_found', 'The ticket account no longer exists.');
    await insertDecision(trx, {
      id: ctx.tokens.newId(),
      ticket_id: ticket.id,
      agent_account_id: agent.id,
      decision: input.decision,
      note,
      internal_note: internalNote,
      at,
    });
    await appendAudit(trx, {
      accountId: account.id,
      actorAccountId: agent.id,
      event: 'recovery_ticket_decision',
      details: {
        ticketId: ticket.id,
        kind: ticket.kind,
        decision: input.decision,
        note,
        internalNote,
        status: result.status,
        approvals: result.approvals,
      },
      at,
    });
    const link = await issueRecoveryLink(ctx, trx, ticket.id, now);
    if (!result.final) {
      await notifyEmail(
        ctx,
        trx,
        account,
        recoveryNotices.approvalRecorded(result.approvals, result.approvalsRequired, link),
      );
      return result;
    }
    if (!(await markDecided(trx, ticket.id, result.status === 'approved' ? 'approved' : 'rejected', at, note))) {
      throw new DomainError('already_decided', 'The ticket was decided meanwhile.');
    }
    if (result.status === 'approved') {
      await clearFactors(trx, account.id, at, recoveryLockCause(ticket.kind));
      // The owner's "this wasn't me" freeze ends here, and only here: support has checked who the claimant is.
      const freeze = await endFreeze(trx, account.id, ticket.id, at);
      if (freeze) {
        await appendAudit(trx, {
          accountId: account.id,
          actorAccountId: agent.id,
          event: 'account_unfrozen',
          details: { freezeId: freeze.id, ticketId: ticket.id, frozenAt: freeze.frozen_at },
          at,
        });
      }
      // One approved claimant: the account's other open tickets are closed.
      await cancelOpenTickets(ctx, trx, account, 'superseded', ticket.id);
      await appendAudit(trx, {
        accountId: account.id,
        actorAccountId: agent.id,
        event: 'recovery_factors_cleared',
        details: { ticketId: ticket.id },
        at,
      });
      await notifyEmail(
        ctx,
        trx,
        account,
        recoveryNotices.ticketApproved(note, lockFor(recoveryLockCause(ticket.kind), ctx.config).hours, link),
      );
    } else {
      await notifyEmail(ctx, trx, account, recoveryNotices.ticketRejected(note, link));
    }
    return result;
  });
  // The limits may live in Redis: reset once the approval is committed.
  if (outcome.status === 'approved') {
    const ticket = await findTicketById(db, ticketId);
    const account = ticket && (await findAccountById(db, ticket.account_id));
    if (account) await ownerProvedControl(ctx, account, 'recovery_approved');
  }
  return outcome;
}

async function clearFactors(trx: Executor, accountId: string, at: string, cause: RecoveryLockCause): Promise<void> {
  for (const factor of FACTOR_MODULES) await factor.removeAll(trx, accountId, at);
  await revokeAccountSessions(trx, accountId, at);
  await setRebindLockCause(trx, accountId, cause);
}
