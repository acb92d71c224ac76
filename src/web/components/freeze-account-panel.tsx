import { useState } from 'react';
import { freezeSignedIn } from '../lib/client.ts';
import { FREEZE_PATH, FROZEN_HASH } from '../lib/freeze-link.ts';
import { useAction } from '../lib/use-action.ts';
import { ErrorAlert } from './alerts.tsx';

/** "Freeze my account" for a signed-in owner who sees activity that wasn't theirs. */
export function FreezeAccountPanel() {
  const [confirming, setConfirming] = useState(false);
  const { run, busy, error } = useAction();

  function freeze() {
    void run(async () => {
      await freezeSignedIn();
      // This session is signed out with the others: the freeze page says what comes next.
      window.location.assign(`${FREEZE_PATH}${FROZEN_HASH}`);
    });
  }

  return (
    <section aria-labelledby="freeze-heading" className="card">
      <h2 id="freeze-heading">Freeze my account</h2>
      <p>Something here you did not do? Freeze the account before anyone can use it.</p>
      {confirming ? (
        <div className="freeze-confirm">
          <h3 id="freeze-confirm-heading">Freeze the account now?</h3>
          <ul>
            <li>Every session is signed out, this one included, on every device.</li>
            <li>Nobody can sign in or withdraw, you included.</li>
            <li>A two-factor reset waiting for its new authenticator is cancelled.</li>
            <li>
              Only an approved recovery ticket unfreezes it: you upload an identity document and support checks it.
            </li>
          </ul>
          <ErrorAlert error={error} />
          <div className="actions">
            <button type="button" className="danger" disabled={busy} onClick={freeze}>
              {busy ? 'Freezing…' : 'Yes, freeze my account'}
            </button>
            <button type="button" className="secondary" disabled={busy} onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Freeze my account
        </button>
      )}
    </section>
  );
}
