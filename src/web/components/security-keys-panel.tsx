import { startRegistration } from '@simplewebauthn/browser';
import { type FormEvent, useState } from 'react';
import { api } from '../lib/api.ts';
import { formatDate, formatDateTime } from '../lib/format.ts';
import type { SecurityState } from '../lib/types.ts';
import { ErrorAlert, Notice } from './alerts.tsx';
import { Field } from './field.tsx';

type CreationOptionsJSON = Parameters<typeof startRegistration>[0]['optionsJSON'];
type Key = NonNullable<SecurityState['twoFactor']['securityKeys']>[number];

/** Hardware keys (WebAuthn): the most reliable fallback beside the app. */
export function SecurityKeysPanel({ keys, onChanged }: { keys: Key[]; onChanged: () => Promise<unknown> }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);

  async function add(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const optionsJSON = await api<CreationOptionsJSON>('/v1/me/security-keys/options', { method: 'POST', body: {} });
      const response = await startRegistration({ optionsJSON });
      const key = await api<{ name: string }>('/v1/me/security-keys', {
        method: 'POST',
        body: { name: name.trim(), response },
      });
      setName('');
      setDone(`Security key “${key.name}” added.`);
      await onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function remove(key: Key) {
    if (!window.confirm(`Remove the security key “${key.name}”? It will no longer sign you in.`)) return;
    setError(null);
    setDone(null);
    try {
      await api(`/v1/me/security-keys/${encodeURIComponent(key.id)}`, { method: 'DELETE' });
      setDone(`Security key “${key.name}” removed.`);
      await onChanged();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section aria-labelledby="keys-heading" className="card">
      <h2 id="keys-heading">Security keys</h2>
      <p>A hardware key such as a YubiKey is a dependable second way in if your phone is lost.</p>
      <ErrorAlert error={error} />
      {done ? <Notice tone="ok">{done}</Notice> : null}
      {keys.length > 0 ? (
        <ul className="plain item-list" data-testid="security-keys">
          {keys.map((k) => (
            <li key={k.id}>
              <span>
                <strong>{k.name}</strong> — added {formatDate(k.createdAt)}
                {k.lastUsedAt ? `, last used ${formatDateTime(k.lastUsedAt)}` : ', never used'}
              </span>
              <button type="button" className="secondary" onClick={() => void remove(k)}>
                Remove<span className="visually-hidden"> {k.name}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <form onSubmit={add}>
        <Field
          label="Name for the new key"
          name="key-name"
          required
          maxLength={64}
          placeholder="YubiKey 5C"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" disabled={busy || name.trim() === ''}>
          {busy ? 'Touch your key…' : 'Add security key'}
        </button>
      </form>
    </section>
  );
}
