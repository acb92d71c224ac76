import type { TicketView } from '../lib/client.ts';
import { formatDateTime, TICKET_KIND_LABEL, TICKET_STATUS_LABEL } from '../lib/format.ts';

/** The user's view of a recovery ticket: where it stands and when it is due. */
export function TicketStatus({ ticket }: { ticket: TicketView }) {
  return (
    <section aria-labelledby="ticket-heading" className="card">
      <h2 id="ticket-heading">{TICKET_KIND_LABEL[ticket.kind]}</h2>
      <dl className="facts">
        <dt>Ticket</dt>
        <dd>
          <code>{ticket.ticketId}</code>
        </dd>
        <dt>Status</dt>
        <dd data-testid="ticket-status">{TICKET_STATUS_LABEL[ticket.status]}</dd>
        {ticket.reviewDueBy ? (
          <>
            <dt>Review due by</dt>
            <dd data-testid="review-due-by">
              <time dateTime={ticket.reviewDueBy}>{formatDateTime(ticket.reviewDueBy)}</time>
            </dd>
          </>
        ) : null}
        {ticket.decidedAt ? (
          <>
            <dt>Decided</dt>
            <dd>{formatDateTime(ticket.decidedAt)}</dd>
          </>
        ) : null}
        {ticket.decisionNote ? (
          <>
            <dt>Note from support</dt>
            <dd>{ticket.decisionNote}</dd>
          </>
        ) : null}
      </dl>
      {ticket.status === 'awaiting_evidence' ? (
        <p>Add your evidence below, then submit the ticket for review.</p>
      ) : null}
      {ticket.status === 'in_review' && ticket.reviewDueBy ? (
        <p>Support will decide by {formatDateTime(ticket.reviewDueBy)}. You will get an email when it is decided.</p>
      ) : null}
    </section>
  );
}
