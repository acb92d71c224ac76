import type { SupportTicketView } from '../lib/client.ts';
import { formatDateTime, isOverdue, TICKET_KIND_LABEL, TICKET_STATUS_LABEL } from '../lib/format.ts';
import { useNow } from '../lib/use-now.ts';
import { FrozenByOwnerBadge } from './frozen-badge.tsx';

/** The ticket's facts and its approvals (a full verification needs two agents). */
export function TicketSummary({ ticket }: { ticket: SupportTicketView['ticket'] }) {
  const now = useNow(30_000);
  const overdue = ticket.status === 'in_review' && isOverdue(ticket.reviewDueBy, now);
  const approvals = ticket.approvals.filter((a) => a.decision === 'approve');
  return (
    <section aria-labelledby="summary-heading" className="card">
      <h2 id="summary-heading">
        {TICKET_KIND_LABEL[ticket.kind]} — {ticket.email}
      </h2>
      <dl className="facts">
        <dt>Status</dt>
        <dd data-testid="support-ticket-status">{TICKET_STATUS_LABEL[ticket.status]}</dd>
        <dt>Submitted</dt>
        <dd>{formatDateTime(ticket.submittedAt)}</dd>
        <dt>Review due by</dt>
        <dd>
          {formatDateTime(ticket.reviewDueBy)}
          {overdue ? <span className="badge badge-overdue">Overdue</span> : null}
        </dd>
        {ticket.frozenByOwnerAt ? (
          <>
            <dt>Account</dt>
            <dd>
              <FrozenByOwnerBadge at={ticket.frozenByOwnerAt} /> Approving this ticket ends the freeze.
            </dd>
          </>
        ) : null}
        <dt>Approvals</dt>
        <dd data-testid="approvals">
          {approvals.length} of {ticket.approvalsRequired} needed
          {ticket.approvalsRequired > 1 && ticket.status === 'in_review' && approvals.length < ticket.approvalsRequired
            ? ' — a second agent must approve too'
            : ''}
        </dd>
        {ticket.decidedAt ? (
          <>
            <dt>Decided</dt>
            <dd>
              {formatDateTime(ticket.decidedAt)}
              {ticket.decisionNote ? ` — note to the user: “${ticket.decisionNote}”` : ''}
            </dd>
          </>
        ) : null}
      </dl>
      {ticket.approvals.length > 0 ? (
        <>
          <h3>Decisions so far</h3>
          <ul className="plain">
            {ticket.approvals.map((a) => (
              <li key={`${a.agentEmail}-${a.at}`} data-testid="decision">
                {formatDateTime(a.at)}: <strong>{a.agentEmail}</strong> — {a.decision}
                <br />
                Note to the user: “{a.note}”
                {a.internalNote ? (
                  <>
                    <br />
                    <span data-testid="internal-note">Internal note: “{a.internalNote}”</span>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
