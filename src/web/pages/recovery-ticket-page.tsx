import { useCallback, useEffect, useState } from 'react';
import { ErrorAlert, Notice } from '../components/alerts.tsx';
import { EvidenceUploader } from '../components/evidence-uploader.tsx';
import { Page } from '../components/page.tsx';
import { RecoveryBinding } from '../components/recovery-binding.tsx';
import { TicketStatus } from '../components/ticket-status.tsx';
import { api } from '../lib/api.ts';
import { forgetChallenge, loadTicket } from '../lib/recovery-store.ts';
import type { RecoveryTicket } from '../lib/types.ts';
import type { LoginNotice } from './login-page.tsx';

interface Props {
  /** The recovery binding signed this browser in: load the session, go to the security page. */
  onSignedIn: (notices: LoginNotice[]) => Promise<void>;
}

const RECOVERED: LoginNotice = {
  tone: 'info',
  text: 'Your account is recovered: your new authenticator and backup codes are active, and every other session was signed out. Withdrawals are locked for 24 hours. You can add a security key or a phone below.',
};

export function RecoveryTicketPage({ onSignedIn }: Props) {
  const stored = loadTicket();
  const [ticket, setTicket] = useState<RecoveryTicket | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [uploaded, setUploaded] = useState<{ evidenceId: string; kind: string; name: string }[]>([]);
  const [busy, setBusy] = useState(false);
  const ticketId = stored?.ticketId;
  const ticketToken = stored?.ticketToken;

  const load = useCallback(async () => {
    if (!ticketId || !ticketToken) return;
    try {
      setTicket(await api<RecoveryTicket>(`/v1/recovery/tickets/${encodeURIComponent(ticketId)}`, { ticketToken }));
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [ticketId, ticketToken]);

  useEffect(() => {
    void load();
  }, [load]);

  async function submit() {
    if (!ticketId || !ticketToken) return;
    setBusy(true);
    setError(null);
    try {
      await api(`/v1/recovery/tickets/${encodeURIComponent(ticketId)}/submit`, { method: 'POST', ticketToken });
      forgetChallenge();
      await load();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const onRecovered = () => onSignedIn([RECOVERED]);

  if (!ticketId || !ticketToken) {
    return (
      <Page title="Recovery ticket">
        <p>
          No recovery ticket was opened in this browser tab. <a href="#/recovery">Open one</a>.
        </p>
      </Page>
    );
  }

  return (
    <Page title="Recovery ticket">
      <ErrorAlert error={error} />
      {ticket ? <TicketStatus ticket={ticket} /> : error ? null : <p role="status">Loading…</p>}
      {ticket?.status === 'awaiting_evidence' ? (
        <>
          <EvidenceUploader
            ticketId={ticketId}
            ticketToken={ticketToken}
            ticketKind={ticket.kind}
            onUploaded={(e) => setUploaded((list) => [...list, e])}
          />
          {uploaded.length > 0 ? (
            <section aria-labelledby="uploaded-heading" className="card">
              <h2 id="uploaded-heading">Uploaded</h2>
              <ul className="plain" data-testid="uploaded-evidence">
                {uploaded.map((u) => (
                  <li key={u.evidenceId}>
                    {u.name} ({u.kind.replace(/_/g, ' ')})
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          <section aria-labelledby="submit-heading" className="card">
            <h2 id="submit-heading">Send for review</h2>
            <p>Once sent, you cannot add more files.</p>
            <button type="button" disabled={busy || uploaded.length === 0} onClick={() => void submit()}>
              {busy ? 'Sending…' : 'Submit for review'}
            </button>
          </section>
        </>
      ) : null}
      {ticket && ticket.status !== 'awaiting_evidence' && ticket.status !== 'approved' ? (
        <p>
          <button type="button" className="secondary" onClick={() => void load()}>
            Refresh status
          </button>
        </p>
      ) : null}
      {ticket?.status === 'approved' ? (
        <>
          <Notice tone="ok">Your recovery was approved.</Notice>
          <RecoveryBinding ticketId={ticketId} ticketToken={ticketToken} onFinished={onRecovered} />
        </>
      ) : null}
    </Page>
  );
}
