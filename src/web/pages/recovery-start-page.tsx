import { type FormEvent, useState } from 'react';
import { ErrorAlert } from '../components/alerts.tsx';
import { EvidenceChecklist } from '../components/evidence-checklist.tsx';
import { Page } from '../components/page.tsx';
import { RecoveryTriage, type TriageAnswer } from '../components/recovery-triage.tsx';
import { openTicket, type PolicyView, type TicketKind } from '../lib/client.ts';
import { loadChallenge, loadTicket, rememberTicket } from '../lib/recovery-store.ts';
import { navigate } from '../lib/router.ts';
import { useAction } from '../lib/use-action.ts';
import { usePolicy } from '../lib/use-policy.ts';

/** The ticket kinds, named after what happened (the review times from the server's policy). */
function kinds(policy: PolicyView | null): { kind: TicketKind; title: string; detail: string }[] {
  const r = policy?.recovery;
  return [
    {
      kind: 'lost_two_factor',
      title: 'I lost my phone (or my authenticator app) and have no backup codes left',
      detail: `Upload an identity document. Support reviews it${r ? ` within ${r.lostTwoFactorReviewHours} hours` : ''}; you can still sign in meanwhile if you find a code.`,
    },
    {
      kind: 'full_verification',
      title: 'I lost everything, or someone else may have my phone or codes',
      detail: `Nothing works any more (no codes, no authenticator, no SMS), or you fear someone else has them. Sign-in to the account is paused for everyone until support decides${r ? `, within ${r.fullVerificationReviewBusinessDays} business days` : ''}: your assets stay safe. Support verifies your identity fully.`,
    },
  ];
}

/** "Security verification unavailable?": first the faster ways in, then a recovery ticket. */
export function RecoveryStartPage() {
  const stored = loadTicket();
  const challenge = loadChallenge();
  const policy = usePolicy();
  // A frozen account gets in no faster way (its factors count for nothing until support decides).
  const frozen = challenge?.frozenByOwner === true;
  const [triage, setTriage] = useState<TriageAnswer | null>(frozen ? 'none' : null);
  const [kind, setKind] = useState<TicketKind>('lost_two_factor');
  const { run, busy, error } = useAction();

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!challenge) return;
    void run(async () => {
      const t = await openTicket(challenge.challenge, kind);
      rememberTicket({ ticketId: t.ticketId, ticketToken: t.ticketToken });
      navigate('/recovery/ticket');
    });
  }

  return (
    <Page title="Recover your account">
      <p>
        If you can no longer use your authenticator, your backup codes or your other factors, support can verify who you
        are and reset two-factor authentication. Your account stays safe in the meantime: nobody can sign in without the
        second factor.
      </p>
      {stored ? (
        <p>
          You already opened a ticket in this browser: <a href="#/recovery/ticket">see its status</a>.
        </p>
      ) : null}
      {frozen ? (
        <p data-testid="frozen-recovery">
          Your account is frozen. A recovery ticket is the way to unfreeze it: once support approves it, you bind a new
          authenticator and can sign in again.
        </p>
      ) : (
        <RecoveryTriage value={triage} onChange={setTriage} />
      )}
      {triage !== 'none' ? null : !challenge ? (
        <p className="card">
          To open a recovery ticket, first <a href="#/login">sign in with your email and password</a>; at the security
          verification step choose “Security verification unavailable?”.
        </p>
      ) : (
        <form onSubmit={submit} className="card">
          <h2>Open a recovery ticket</h2>
          <p>
            Account: <strong>{challenge.email}</strong>
          </p>
          <ErrorAlert error={error} />
          <fieldset className="choices">
            <legend>What happened?</legend>
            {kinds(policy).map((k) => (
              <div key={k.kind} className="choice-block">
                <input
                  type="radio"
                  id={`kind-${k.kind}`}
                  name="kind"
                  value={k.kind}
                  checked={kind === k.kind}
                  onChange={() => setKind(k.kind)}
                  aria-describedby={`kind-${k.kind}-detail`}
                />
                <label htmlFor={`kind-${k.kind}`}>{k.title}</label>
                <p id={`kind-${k.kind}-detail`} className="hint">
                  {k.detail}
                </p>
              </div>
            ))}
          </fieldset>
          {policy ? <EvidenceChecklist kind={kind} policy={policy} /> : null}
          <button type="submit" disabled={busy}>
            {busy ? 'Opening…' : 'Open recovery ticket'}
          </button>
        </form>
      )}
    </Page>
  );
}
