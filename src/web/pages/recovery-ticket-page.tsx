import { useCallback, useEffect, useState } from 'react';
import { ErrorAlert, Notice } from '../components/alerts.tsx';
import { EvidenceChecklist, evidenceFor } from '../components/evidence-checklist.tsx';
import { EvidenceUploader } from '../components/evidence-uploader.tsx';
import { Page } from '../components/page.tsx';
import { RecoveryBinding } from '../components/recovery-binding.tsx';
import { TicketStatus } from '../components/ticket-status.tsx';
import { getTicket, submitTicket, type TicketView } from '../lib/client.ts';
import { EVIDENCE_KIND_LABEL } from '../lib/format.ts';
import type { LoginNotice } from '../lib/login-notice.ts';
import { forgetChallenge, loadChallenge, loadTicket } from '../lib/recovery-store.ts';
import { navigate } from '../lib/router.ts';
import { useAction } from '../lib/use-action.ts';
import { usePolicy } from '../lib/use-policy.ts';

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
  const policy = usePolicy();
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
        <p>No recovery ticket is open in this browser tab.</p>
        <p>
          Already opened one? Every email about your ticket has a link that brings you back to it from any browser: use
          the one in the latest email. Otherwise <a href="#/recovery">open a new ticket</a>.
        </p>
      </Page>
    );
  }

  const uploadedKinds = ticket?.evidence.map((e) => e.kind) ?? [];
  const missing =
    ticket && policy ? evidenceFor(policy, ticket.kind).required.filter((k) => !uploadedKinds.includes(k)) : [];
  return (
    <Page title="Recovery ticket">
      <ErrorAlert error={error} />
      {ticket ? <TicketStatus ticket={ticket} /> : error ? null : <p role="status">Loading…</p>}
      {ticket?.status === 'awaiting_evidence' ? (
        <>
          {policy ? (
            <EvidenceChecklist
              kind={ticket.kind}
              policy={policy}
              uploaded={uploadedKinds}
              dueBy={ticket.evidenceDueBy}
            />
          ) : null}
          {policy ? (
            <EvidenceUploader
              ticket={access}
              kinds={[...evidenceFor(policy, ticket.kind).required, ...evidenceFor(policy, ticket.kind).recommended]}
              onUploaded={() => void load()}
            />
          ) : null}
          {ticket.evidence.length > 0 ? (
            <section aria-labelledby="uploaded-heading" className="card">
              <h2 id="uploaded-heading">Uploaded</h2>
              <ul className="plain" data-testid="uploaded-evidence">
                {ticket.evidence.map((u) => (
                  <li key={u.evidenceId}>
                    {u.fileName} ({EVIDENCE_KIND_LABEL[u.kind]})
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          <section aria-labelledby="submit-heading" className="card">
            <h2 id="submit-heading">Send for review</h2>
            <p>Once sent, you cannot add more files.</p>
            {missing.length > 0 ? (
              <p className="hint" id="submit-missing">
                Still needed: {missing.map((k) => EVIDENCE_KIND_LABEL[k].toLowerCase()).join(', ')}.
              </p>
            ) : null}
            <button
              type="button"
              disabled={sending.busy || ticket.evidence.length === 0 || missing.length > 0}
              aria-describedby={missing.length > 0 ? 'submit-missing' : undefined}
              onClick={() => void submit()}
            >
              {sending.busy ? 'Sending…' : 'Submit for review'}
            </button>
          </section>
        </>
      ) : null}
      {ticket?.status === 'in_review' ? (
        <Notice>
          You can close this page. We email you when support decides, with a link that brings you back here from any
          browser.
        </Notice>
      ) : null}
      {ticket && (ticket.status === 'in_review' || ticket.status === 'awaiting_evidence') ? (
        <p>
          <button type="button" className="secondary" onClick={() => void load()}>
            Refresh status
          </button>
        </p>
      ) : null}
      {ticket && ['rejected', 'expired', 'cancelled'].includes(ticket.status) ? <NewTicket /> : null}
      {ticket?.status === 'approved' ? (
        <>
          <Notice tone="ok">Your recovery was approved.</Notice>
          <RecoveryBinding ticket={access} onFinished={onRecovered} />
        </>
      ) : null}
    </Page>
  );
}

/** After a rejection (its reason is shown above) or an expiry: a new ticket, with better evidence. */
function NewTicket() {
  const canOpen = loadChallenge() !== null;
  return (
    <section aria-labelledby="new-ticket-heading" className="card" data-testid="new-ticket">
      <h2 id="new-ticket-heading">Open a new ticket</h2>
      <p>
        Your account is unchanged. Read the note from support above, then open a new ticket with the evidence it asks
        for.
      </p>
      {canOpen ? (
        <button type="button" onClick={() => navigate('/recovery')}>
          Open a new recovery ticket
        </button>
      ) : (
        <p>
          <a href="#/login">Sign in with your password</a> and choose “Security verification unavailable?” to open a new
          ticket.
        </p>
      )}
    </section>
  );
}
