import type { SupportTicketView } from '../lib/client.ts';
import { formatDateTime } from '../lib/format.ts';

function Check({ ok, children }: { ok: boolean; children: string }) {
  return (
    <li className={ok ? 'match' : 'mismatch'}>
      <span aria-hidden="true">{ok ? '✓' : '✗'}</span> {children}: <strong>{ok ? 'yes' : 'no'}</strong>
    </li>
  );
}

/** The claimant's own session beside the account's known logins. */
export function ComparisonPanel({ claimant, comparison }: Pick<SupportTicketView, 'claimant' | 'comparison'>) {
  return (
    <section aria-labelledby="compare-heading" className="card">
      <h2 id="compare-heading">Claimant vs. account history</h2>
      {claimant ? (
        <dl className="facts">
          <dt>Claimant IP</dt>
          <dd className="mono">{claimant.ip}</dd>
          <dt>Claimant browser</dt>
          <dd className="wrap">
            {claimant.browser}
            <br />
            <small className="mono">{claimant.userAgent}</small>
          </dd>
          <dt>Opened</dt>
          <dd>{formatDateTime(claimant.at)}</dd>
        </dl>
      ) : (
        <p>No claimant session recorded.</p>
      )}
      {comparison ? (
        <>
          <ul className="plain checks" data-testid="comparison">
            <Check ok={comparison.sameIpRange}>Same IP range as earlier logins</Check>
            <Check ok={comparison.sameBrowserFamily}>Same browser family</Check>
            <Check ok={comparison.deviceSeenBefore}>Device seen before</Check>
          </ul>
          {comparison.summary.length > 0 ? (
            <ul>
              {comparison.summary.map((s) => (
                <li key={s}>{s}</li>
              ))}
            </ul>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
