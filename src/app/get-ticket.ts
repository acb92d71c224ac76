// The claimant's view of their ticket (GET /v1/recovery/tickets/{id}): the
// contract's fields plus the evidence they uploaded so far.
import { listEvidence, type TicketRow } from '../storage/recovery-repository.ts';
import type { AppContext } from './context.ts';

export async function claimantTicketView(ctx: AppContext, ticket: TicketRow) {
  const evidence = await listEvidence(ctx.storage.db, ticket.id);
  return {
    ticketId: ticket.id,
    kind: ticket.kind,
    status: ticket.status,
    reviewDueBy: ticket.review_due_by,
    decidedAt: ticket.decided_at,
    decisionNote: ticket.decision_note,
    evidenceDueBy: ticket.evidence_due_by,
    evidence: evidence.map((e) => ({
      evidenceId: e.id,
      kind: e.kind,
      mimeType: e.mime_type,
      size: Number(e.size),
      fileName: e.file_name,
      createdAt: e.created_at,
    })),
  };
}
