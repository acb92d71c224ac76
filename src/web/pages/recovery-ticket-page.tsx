import { useCallback, useEffect, useState } from 'react';
import { ErrorAlert, Notice } from '../components/alerts.tsx';
import { EvidenceUploader, type Uploaded } from '../components/evidence-uploader.tsx';
import { Page } from '../components/page.tsx';
import { RecoveryBinding } from '../components/recovery-binding.tsx';
import { TicketStatus } from '../components/ticket-status.tsx';
import { getTicket, submitTicket, type TicketView } from '../lib/client.ts';
import { EVIDENCE_KIND_LABEL } from '../lib/format.ts';
import type { LoginNotice } from '../lib/login-notice.ts';
import { forgetChallenge, loadTicket } from '../lib/recovery-store.ts';
import { useAction } from '../lib/use-action.ts';

interface Props {
  /** The recovery binding signed this browser in: load the session, go to the security page. */
  onSignedIn: (notices: LoginNotice[]) => Promise<void>;
}

const RECOVERED: LoginNotice = {
  tone: 'info',
  text: 'Your account is recovered: your new authenticator and backup codes are active, and every other session was signed out. Withdrawals are locked for a safety period: the time left is shown below. You can add a security key or a phone below.',
};

export function RecoveryTicketPage({ onSignedIn }: Props) {
  const [access] = useState(loadTicket);
  const [ticket, setTicket] = useState<TicketView | null>(null);
  const [uploaded, setUploaded] = useState<Uploaded[]>([]);
  const loading = useAction();
  const sending = useAction();
  const error = sending.error ?? loading.error;

  const load = useCallback(async () => {
    if (access) await loading.run(async () => setTicket(await getTicket(access)));
  }, [access, loading.run]);

  useEffect(() => {
    void load();
  }, [load]);

  function submit() {
    if (!access) return;
    return sending.run(async () => {
      await submitTicket(access);
      forgetChallenge();
      await load();
    });
  }

  const onRecovered = () => onSignedIn([RECOVERED]);

  if (!access) {
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
            ticket={access}
            ticketKind={ticket.kind}
            onUploaded={(e) => setUploaded((list) => [...list, e])}
          />
          {uploaded.length > 0 ? (
            <section aria-labelledby="uploaded-heading" className="card">
              <h2 id="uploaded-heading">Uploaded</h2>
              <ul className="plain" data-testid="uploaded-evidence">
                {uploaded.map((u) => (
                  <li key={u.evidenceId}>
                    {u.name} ({EVIDENCE_KIND_LABEL[u.kind]})
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          <section aria-labelledby="submit-heading" className="card">
            <h2 id="submit-heading">Send for review</h2>
            <p>Once sent, you cannot add more files.</p>
            <button type="button" disabled={sending.busy || uploaded.length === 0} onClick={() => void submit()}>
              {sending.busy ? 'Sending…' : 'Submit for review'}
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
          <RecoveryBinding ticket={access} onFinished={onRecovered} />
        </>
      ) : null}
    </Page>
  );
}
