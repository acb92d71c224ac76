// Periodic jobs of the recovery process. Each is claimed through the jobs
// table (jobs.ts), so one process at a time runs it; each ticket is then
// moved by a guarded UPDATE, so even an overlapping run can't act twice.
import { DomainError } from '../domain/errors.ts';
import { expire } from '../domain/recovery-ticket.ts';
import { findAccountById } from '../storage/accounts-repository.ts';
import { appendAudit } from '../storage/events-repository.ts';
import {
  listLapsedTickets,
  listOverdueUnnotified,
  listSupportAgentEmails,
  markExpired,
  markOverdueNotified,
} from '../storage/recovery-repository.ts';
import type { AppContext } from './context.ts';
import type { Job } from './jobs.ts';
import { notifyEmail, notifyStaff, recoveryNotices } from './notifications.ts';
import { ticketFacts } from './ticket-facts.ts';

const BATCH = 100;

/** Tickets in review past their deadline: flagged once, and every agent is emailed once. */
async function flagOverdueTickets(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  const tickets = await listOverdueUnnotified(ctx.storage.db, at, BATCH);
  let flagged = 0;
  for (const ticket of tickets) {
    await ctx.storage.db.transaction().execute(async (trx) => {
      if (!(await markOverdueNotified(trx, ticket.id, at))) return;
      const agents = await listSupportAgentEmails(trx);
      const due = new Date(ticket.review_due_by ?? at);
      for (const email of agents)
        await notifyStaff(ctx, trx, email, recoveryNotices.ticketOverdue(ticket.id, ticket.kind, due));
      await appendAudit(trx, {
        accountId: ticket.account_id,
        actorAccountId: null,
        event: 'recovery_ticket_overdue',
        details: { ticketId: ticket.id, reviewDueBy: ticket.review_due_by, agentsNotified: agents.length },
        at,
      });
      flagged += 1;
    });
  }
  return flagged;
}

/** Tickets awaiting evidence past their 14-day window expire, and their tokens with them. */
async function expireLapsedTickets(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  const tickets = await listLapsedTickets(ctx.storage.db, at, BATCH);
  let expired = 0;
  for (const ticket of tickets) {
    try {
      expire(ticketFacts(ticket), now);
    } catch (error) {
      if (error instanceof DomainError) continue;
      throw error;
    }
    await ctx.storage.db.transaction().execute(async (trx) => {
      if (!(await markExpired(trx, ticket.id, at))) return;
      const account = await findAccountById(trx, ticket.account_id);
      await appendAudit(trx, {
        accountId: ticket.account_id,
        actorAccountId: null,
        event: 'recovery_ticket_expired',
        details: { ticketId: ticket.id },
        at,
      });
      if (account) await notifyEmail(ctx, trx, account, recoveryNotices.ticketExpired());
      expired += 1;
    });
  }
  return expired;
}

export const recoveryJobs: Job[] = [
  { name: 'recovery-overdue-tickets', run: flagOverdueTickets },
  { name: 'recovery-expire-tickets', run: expireLapsedTickets },
];
