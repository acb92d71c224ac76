// The support queue: tickets in one status, due soonest first.
import { isOverdue, type TicketStatus } from '../domain/recovery-ticket.ts';
import { listQueue } from '../storage/recovery-repository.ts';
import type { AppContext } from './context.ts';
import { ticketFacts } from './ticket-facts.ts';

const QUEUE_LIMIT = 500;

export async function supportQueue(ctx: AppContext, status: TicketStatus) {
  const now = ctx.clock.now();
  const rows = await listQueue(ctx.storage.db, status, QUEUE_LIMIT);
  return {
    tickets: rows.map((row) => ({
      ticketId: row.id,
      kind: row.kind,
      status: row.status,
      email: row.email,
      submittedAt: row.submitted_at,
      reviewDueBy: row.review_due_by,
      overdue: isOverdue(ticketFacts(row), now),
      frozenByOwnerAt: row.frozen_by_owner_at,
    })),
  };
}
