import { type FormEvent, useState } from 'react';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../domain/account-rules.ts';
import { ErrorAlert } from '../components/alerts.tsx';
import { Field } from '../components/field.tsx';
import { Page } from '../components/page.tsx';
import { createAccount, startLogin } from '../lib/client.ts';
import type { LoginNotice } from '../lib/login-notice.ts';
import { useAction } from '../lib/use-action.ts';

/** Create the account, then sign straight in (a new account has no 2FA yet). */
export function SignupPage({ onSignedIn }: { onSignedIn: (notices: LoginNotice[]) => Promise<void> }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { run, busy, error } = useAction();

  function submit(e: FormEvent) {
    e.preventDefault();
    void run(async () => {
      await createAccount({ email, password });
      const login = await startLogin({ email, password });
      if (login.status !== 'authenticated') throw new Error('Account created. Please sign in.');
      await onSignedIn([{ tone: 'info', text: 'Your account is ready. Turn on two-factor authentication now.' }]);
    });
  }

  return (
    <Page title="Create your account">
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
        <Field
          label="Password"
          type="password"
          name="password"
          autoComplete="new-password"
          required
          minLength={PASSWORD_MIN_LENGTH}
          maxLength={PASSWORD_MAX_LENGTH}
          hint={`At least ${PASSWORD_MIN_LENGTH} characters; longer is better. A few unrelated words make a strong password.`}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create account'}
        </button>
      </form>
      <p>
        Already have an account? <a href="#/login">Sign in</a>
      </p>
    </Page>
  );
}
