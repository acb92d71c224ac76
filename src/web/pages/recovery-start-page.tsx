import { type FormEvent, useState } from 'react';
import { ErrorAlert } from '../components/alerts.tsx';
import { Page } from '../components/page.tsx';
import { openTicket, type TicketKind } from '../lib/client.ts';
import { loadChallenge, loadTicket, rememberTicket } from '../lib/recovery-store.ts';
import { navigate } from '../lib/router.ts';
import { useAction } from '../lib/use-action.ts';

const KINDS: { kind: TicketKind; title: string; detail: string }[] = [
  {
    kind: 'lost_two_factor',
    title: 'I lost my authenticator and my backup codes',
    detail: 'Upload an identity document. Support reviews it within 72 hours.',
  },
  {
    kind: 'full_verification',
    title: 'Full identity verification',
    detail:
      'For when nothing else works: an identity document, a selfie video and your login history. Review takes up to 15 business days, and sign-in to the account is paused until it is decided.',
  },
];

/** "Security verification unavailable?": open a recovery ticket. */
export function RecoveryStartPage() {
  const stored = loadTicket();
  const challenge = loadChallenge();
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
      {!challenge ? (
        <p>
          First <a href="#/login">sign in with your email and password</a>; at the security verification step choose
          “Security verification unavailable?”.
        </p>
      ) : (
        <form onSubmit={submit}>
          <p>
            Account: <strong>{challenge.email}</strong>
          </p>
          <ErrorAlert error={error} />
          <fieldset className="choices">
            <legend>What happened?</legend>
            {KINDS.map((k) => (
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
          <button type="submit" disabled={busy}>
            {busy ? 'Opening…' : 'Open recovery ticket'}
          </button>
        </form>
      )}
    </Page>
  );
}
