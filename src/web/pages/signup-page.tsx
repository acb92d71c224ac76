import { type FormEvent, useState } from 'react';
import { PASSWORD_MIN_LENGTH } from '../../domain/policy.ts';
import { ErrorAlert } from '../components/alerts.tsx';
import { Field } from '../components/field.tsx';
import { NewPasswordField } from '../components/new-password-field.tsx';
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
        <NewPasswordField
          label="Password"
          value={password}
          onChange={setPassword}
          email={email}
          hasSecondFactor={false}
          minLength={PASSWORD_MIN_LENGTH}
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
