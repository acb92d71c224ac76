import { type FormEvent, useState } from 'react';
import { ErrorAlert } from '../components/alerts.tsx';
import { Field } from '../components/field.tsx';
import { Page } from '../components/page.tsx';
import { ApiError } from '../lib/api.ts';
import { continueRecovery } from '../lib/client.ts';
import { recoveryChallenge } from '../lib/recovery-challenge.ts';
import { forgetContinueToken, loadContinueToken, rememberChallenge, rememberTicket } from '../lib/recovery-store.ts';
import { navigate } from '../lib/router.ts';
import { useAction } from '../lib/use-action.ts';

/**
 * "Continue your recovery": opened from the one-time link in an email about
 * the ticket, in any browser. The password proves it is the account's owner
 * (the mailbox alone is not enough); the ticket then opens in this tab.
 */
export function ContinueRecoveryPage() {
  const [token] = useState(loadContinueToken);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { run, busy, error } = useAction();

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!token) return;
    void run(async () => {
      const challenge = await recoveryChallenge(email, password);
      // Good for a few minutes: a rejected ticket (or a spent link) can be followed by a new ticket at once.
      rememberChallenge(challenge, email);
      const continued = await continueRecovery(token, challenge);
      forgetContinueToken();
      rememberTicket({ ticketId: continued.ticketId, ticketToken: continued.ticketToken });
      navigate('/recovery/ticket');
    });
  }

  if (!token) {
    return (
      <Page title="Continue your recovery">
        <p>
          This page opens from the “continue” link in an email about your recovery ticket. Each link works once: use the
          one in the latest email.
        </p>
        <p>
          No email at hand? <a href="#/login">Sign in</a> and choose “Security verification unavailable?” to open a new
          ticket.
        </p>
      </Page>
    );
  }

  const spent = error instanceof ApiError && error.code === 'not_found';
  return (
    <Page title="Continue your recovery">
      <p>
        Sign in with your email and password to open your recovery ticket in this browser. Nothing else is needed: your
        second factor is what you are recovering.
      </p>
      <form onSubmit={submit}>
        {spent ? (
          <div className="alert alert-error" role="alert" data-testid="continue-link-refused">
            <p>
              This link was already used, has expired with its ticket, or belongs to another account. Use the link in
              the latest email about your ticket.
            </p>
            <p>
              Or <a href="#/recovery">open a new recovery ticket</a>.
            </p>
          </div>
        ) : (
          <ErrorAlert error={error} />
        )}
        <Field
          label="Email"
          type="email"
          name="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <Field
          label="Password"
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Opening…' : 'Open my recovery ticket'}
        </button>
      </form>
    </Page>
  );
}
