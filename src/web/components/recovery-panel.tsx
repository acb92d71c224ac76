import type { SecurityState } from '../lib/client.ts';
import { TICKET_STATUS_LABEL } from '../lib/format.ts';
import { loadTicket } from '../lib/recovery-store.ts';

/** The open recovery ticket, if there is one. */
export function RecoveryPanel({ recovery }: { recovery: SecurityState['recovery'] }) {
  if (!recovery) return null;
  const stored = loadTicket();
  return (
    <section aria-labelledby="recovery-heading" className="card">
      <h2 id="recovery-heading">Recovery ticket</h2>
      <p data-testid="recovery-status">
        Ticket <code>{recovery.ticketId}</code>: {TICKET_STATUS_LABEL[recovery.status]}.
      </p>
      {stored?.ticketId === recovery.ticketId ? (
        <p>
          <a href="#/recovery/ticket">See the ticket</a>
        </p>
      ) : null}
    </section>
  );
}
