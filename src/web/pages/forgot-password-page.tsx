import { type FormEvent, useState } from 'react';
import { PASSWORD_RESET_TTL_MS } from '../../domain/policy.ts';
import { ErrorAlert, Notice } from '../components/alerts.tsx';
import { Field } from '../components/field.tsx';
import { Page } from '../components/page.tsx';
import { requestPasswordReset } from '../lib/client.ts';
import { useAction } from '../lib/use-action.ts';

const MINUTES = PASSWORD_RESET_TTL_MS / 60_000;

/** "Forgot password?": ask for a link by email. The answer is the same whether or not the address has an account. */
export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const { run, busy, error } = useAction();

  function submit(e: FormEvent) {
    e.preventDefault();
    void run(async () => {
      await requestPasswordReset(email);
      setSentTo(email);
    });
  }

  return (
    <Page title="Reset your password">
      {sentTo ? (
        <Notice tone="ok">
          If an account exists for <strong>{sentTo}</strong>, we have sent it a link to choose a new password. The link
          works once, for {MINUTES} minutes; asking again replaces it. Nothing arrived? Check your spam folder, or ask
          again in a few minutes.
        </Notice>
      ) : null}
      <p>
        Enter the email address of your account and we will send you a link to choose a new password. If your account
        has two-factor authentication, you will also need your authenticator app, a backup code or a security key: a
        password reset never skips it.
      </p>
      <form onSubmit={submit}>
        <ErrorAlert error={error} />
        <Field
          label="Email"
          type="email"
          name="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Sending…' : sentTo ? 'Send another link' : 'Send reset link'}
        </button>
      </form>
      <p>
        Remembered it? <a href="#/login">Sign in</a>
      </p>
    </Page>
  );
}
