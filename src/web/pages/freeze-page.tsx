import { useState } from 'react';
import { ErrorAlert } from '../components/alerts.tsx';
import { FrozenNextSteps } from '../components/frozen-next-steps.tsx';
import { Page } from '../components/page.tsx';
import { ApiError } from '../lib/api.ts';
import { freezeWithLink } from '../lib/client.ts';
import { useAction } from '../lib/use-action.ts';

interface Props {
  /** The token of the link (read by main.tsx before anything renders), or null. */
  token: string | null;
  /** Frozen already (the security page's button lands here). */
  frozenAlready: boolean;
}

/** The page at /freeze, on its own: the app's hash routes don't run here. */
export function FreezeApp(props: Props) {
  return (
    <>
      <header className="site-header">
        <span className="brand">Latchkey</span>
      </header>
      <FreezePage {...props} />
      <footer className="site-footer">Latchkey · self-hosted two-factor authentication</footer>
    </>
  );
}

/**
 * "This wasn't me", opened from a security email. Opening the page changes
 * nothing (mail scanners fetch links): one button freezes the account.
 */
function FreezePage({ token, frozenAlready }: Props) {
  const [frozen, setFrozen] = useState(frozenAlready);
  const { run, busy, error } = useAction();

  if (frozen) {
    return (
      <Page title="Your account is frozen">
        <FrozenNextSteps />
      </Page>
    );
  }

  const invalid = !token || (error instanceof ApiError && error.code === 'invalid_token');
  if (invalid) {
    return (
      <Page title="This freeze link does not work">
        <p>The link is incomplete, has expired, or was already used. Opening it changed nothing on your account.</p>
        <p>
          If someone else is using your account: <a href="/#/login">sign in</a> and choose “Freeze my account” on the
          Account security page, or, if you can no longer sign in, open a recovery ticket: enter your email and
          password, then choose “Security verification unavailable?”.
        </p>
      </Page>
    );
  }

  function freeze() {
    if (!token) return;
    void run(async () => {
      await freezeWithLink(token);
      setFrozen(true);
    });
  }

  return (
    <Page title="Was this not you?">
      <p>
        If you did not do what the email told you about, someone else may know your password or hold one of your
        factors. Freeze your account now:
      </p>
      <ul>
        <li>every session of your account is signed out at once, on every device;</li>
        <li>nobody can sign in or withdraw — you included — until support has checked who you are;</li>
        <li>a two-factor reset that is waiting for its new authenticator is cancelled.</li>
      </ul>
      <p>
        To unfreeze the account you open a recovery ticket; once support approves it you bind a new authenticator and
        can sign in again.
      </p>
      <ErrorAlert error={error} />
      <button type="button" className="danger" disabled={busy} onClick={freeze}>
        {busy ? 'Freezing…' : 'Freeze my account'}
      </button>
      <p className="aside">It was you? Then close this page: nothing happens unless you press the button.</p>
    </Page>
  );
}
