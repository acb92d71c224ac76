import type { Withdrawal } from '../lib/client.ts';
import { formatDateTime } from '../lib/format.ts';

export function WithdrawalList({ withdrawals }: { withdrawals: Withdrawal[] }) {
  if (withdrawals.length === 0) return <p>No withdrawals yet.</p>;
  return (
    <div className="table-scroll">
      <table>
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
              <td>{formatDateTime(w.createdAt)}</td>
              <td>{w.asset}</td>
              <td>{String(w.amount)}</td>
              <td className="mono wrap">{w.address}</td>
              <td>{w.status}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
