import { type FormEvent, useState } from 'react';
import { api } from '../lib/api.ts';
import type { LoginAnswer, SecondFactorMethod } from '../lib/types.ts';
import { ErrorAlert } from './alerts.tsx';
import { Field } from './field.tsx';

interface Props {
  onAuthenticated: () => void;
  onSecondFactor: (c: { challenge: string; methods: SecondFactorMethod[]; email: string }) => void;
}

/** The password step of the login (POST /v1/sessions). */
export function PasswordForm({ onAuthenticated, onSecondFactor }: Props) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await api<LoginAnswer>('/v1/sessions', { method: 'POST', body: { email, password } });
      if (answer.status === 'authenticated') onAuthenticated();
      else onSecondFactor({ challenge: answer.challenge, methods: answer.methods, email });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate={false}>
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
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <button type="submit" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
