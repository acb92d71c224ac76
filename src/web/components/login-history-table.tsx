import type { SupportTicketView } from '../lib/client.ts';
import { formatDateTime } from '../lib/format.ts';

export function LoginHistoryTable({ history }: { history: SupportTicketView['loginHistory'] }) {
  return (
    <section aria-labelledby="history-heading" className="card">
      <h2 id="history-heading">Login history of the account</h2>
      {history.length === 0 ? (
        <p>No logins recorded.</p>
      ) : (
        <div className="table-scroll">
          <table className="stack">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">IP</th>
                <th scope="col">Browser</th>
                <th scope="col">Result</th>
                <th scope="col">Factor</th>
              </tr>
            </thead>
            <tbody>
              {history.map((h, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows have no id and never reorder
                <tr key={i}>
                  <td data-label="When">{formatDateTime(h.at)}</td>
                  <td data-label="IP" className="mono wrap">
                    {h.ip}
                  </td>
                  <td data-label="Browser" className="wrap" title={h.userAgent}>
                    {h.browser}
                  </td>
                  <td data-label="Result">{h.result.replace(/_/g, ' ')}</td>
                  <td data-label="Factor">{h.factor ? h.factor.replace(/_/g, ' ') : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
