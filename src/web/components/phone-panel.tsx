import { type FormEvent, useState } from 'react';
import { api } from '../lib/api.ts';
import type { SecurityState } from '../lib/types.ts';
import { ErrorAlert, Notice } from './alerts.tsx';
import { codeInputProps, Field } from './field.tsx';
import { cleanCode } from './method-picker.tsx';

/** A phone for SMS codes: add it (a code is sent), then verify it. */
export function PhonePanel({
  sms,
  onChanged,
}: {
  sms: SecurityState['twoFactor']['sms'];
  onChanged: () => Promise<unknown>;
}) {
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const pending = sms && !sms.verified;

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await action();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const add = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await api('/v1/me/phone', { method: 'POST', body: { phone: phone.trim() } });
      setPhone('');
      setDone('We sent a code by SMS. Enter it below to confirm the number.');
      await onChanged();
    });
  };

  const verify = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await api('/v1/me/phone/verify', { method: 'POST', body: { code: cleanCode(code) } });
      setCode('');
      setDone('Your phone is confirmed: you can now sign in with an SMS code.');
      await onChanged();
    });
  };

  const remove = () => {
    if (!window.confirm('Remove this phone? SMS codes will no longer work.')) return;
    void run(async () => {
      await api('/v1/me/phone', { method: 'DELETE' });
      setDone('The phone was removed.');
      await onChanged();
    });
  };

  return (
    <section aria-labelledby="sms-heading" className="card">
      <h2 id="sms-heading">SMS codes</h2>
      <p>SMS is the weakest factor (numbers can be hijacked); keep it as a last resort beside the app.</p>
      <ErrorAlert error={error} />
      {done ? <Notice tone="ok">{done}</Notice> : null}
      {sms ? (
        <p className="item-list-row" data-testid="sms-phone">
          <span>
            {sms.phone} — {sms.verified ? 'confirmed' : 'waiting for the code'}
          </span>
          <button type="button" className="secondary" onClick={remove} disabled={busy}>
            Remove phone
          </button>
        </p>
      ) : null}
      {pending ? (
        <form onSubmit={verify}>
          <Field
            label="Code from the SMS"
            name="phone-code"
            required
            value={code}
            onChange={(e) => setCode(e.target.value)}
            {...codeInputProps}
          />
          <button type="submit" disabled={busy || cleanCode(code) === ''}>
            Confirm phone
          </button>
        </form>
      ) : null}
      {!sms ? (
        <form onSubmit={add}>
          <Field
            label="Phone number"
            type="tel"
            name="phone"
            autoComplete="tel"
            required
            hint="International format, e.g. +44 7700 900123."
            value={phone}
            onChange={(e) => setPhone(e.target.value)}
          />
          <button type="submit" disabled={busy || phone.trim() === ''}>
            Send a code to this phone
          </button>
        </form>
      ) : null}
    </section>
  );
}
