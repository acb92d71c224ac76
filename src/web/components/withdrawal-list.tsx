import type { Withdrawal } from '../lib/client.ts';
import { formatDateTime } from '../lib/format.ts';

export function WithdrawalList({ withdrawals }: { withdrawals: Withdrawal[] }) {
  if (withdrawals.length === 0) return <p>No withdrawals yet.</p>;
  return (
    <div className="table-scroll">
      <table className="stack">
        <caption className="visually-hidden">Recent withdrawals</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Asset</th>
            <th scope="col">Amount</th>
            <th scope="col">Address</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {withdrawals.map((w) => (
            <tr key={w.withdrawalId}>
              <td data-label="When">{formatDateTime(w.createdAt)}</td>
              <td data-label="Asset">{w.asset}</td>
              <td data-label="Amount">{String(w.amount)}</td>
              <td data-label="Address" className="mono wrap">
                {w.address}
              </td>
              <td data-label="Status">{w.status}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
