import { useCallback, useEffect, useState } from 'react';
import { ErrorAlert } from '../components/alerts.tsx';
import { FrozenByOwnerBadge } from '../components/frozen-badge.tsx';
import { Page } from '../components/page.tsx';
import { listTicketsInReview, type QueueItem } from '../lib/client.ts';
import { formatDateTime, isOverdue, TICKET_KIND_LABEL } from '../lib/format.ts';
import { useAction } from '../lib/use-action.ts';
import { useNow } from '../lib/use-now.ts';

/** Tickets waiting for a decision, oldest due first, overdue ones flagged. */
export function SupportQueuePage() {
  const [tickets, setTickets] = useState<QueueItem[] | null>(null);
  const { run, error } = useAction();
  const now = useNow(30_000);

  const load = useCallback(() => run(async () => setTickets((await listTicketsInReview()).tickets)), [run]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <Page title="Support console" wide>
      <div className="toolbar">
        <h2>Queue: in review</h2>
        <button type="button" className="secondary" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      <ErrorAlert error={error} />
      {tickets === null ? (
        error ? null : (
          <p role="status">Loading…</p>
        )
      ) : tickets.length === 0 ? (
        <p>No tickets are waiting. </p>
      ) : (
        <div className="table-scroll">
          <table className="stack" data-testid="support-queue">
            <caption className="visually-hidden">Tickets in review, oldest due first</caption>
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col">Kind</th>
                <th scope="col">Submitted</th>
                <th scope="col">Due by</th>
              </tr>
            </thead>
            <tbody>
              {tickets.map((t) => {
                const overdue = isOverdue(t.reviewDueBy, now);
                return (
                  <tr key={t.ticketId} className={overdue ? 'overdue' : undefined}>
                    <td data-label="Account" className="wrap">
                      <a href={`#/support/tickets/${encodeURIComponent(t.ticketId)}`}>{t.email}</a>
                      <FrozenByOwnerBadge at={t.frozenByOwnerAt} />
                    </td>
                    <td data-label="Kind">{TICKET_KIND_LABEL[t.kind]}</td>
                    <td data-label="Submitted">{formatDateTime(t.submittedAt)}</td>
                    <td data-label="Due by">
                      <time dateTime={t.reviewDueBy ?? undefined}>{formatDateTime(t.reviewDueBy)}</time>
                      {overdue ? <span className="badge badge-overdue">Overdue</span> : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}
