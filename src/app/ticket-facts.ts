// The stored ticket row as the domain state machine sees it.
import type { TicketFacts } from '../domain/recovery-ticket.ts';
import type { TicketRow } from '../storage/recovery-repository.ts';

export function ticketFacts(row: TicketRow): TicketFacts {
  return {
    kind: row.kind,
    status: row.status,
    accountId: row.account_id,
    evidenceDueBy: new Date(row.evidence_due_by),
    reviewDueBy: row.review_due_by ? new Date(row.review_due_by) : null,
  };
}
