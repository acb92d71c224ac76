import { type FormEvent, useState } from 'react';
import { changePassword, type SecondFactorMethod, type SecurityState } from '../lib/client.ts';
import { formatDateTime, formatHours } from '../lib/format.ts';
import { availableMethods, stepUpProof } from '../lib/step-up.ts';
import { useAction } from '../lib/use-action.ts';
import { ErrorAlert, Notice } from './alerts.tsx';
import { Field } from './field.tsx';
import { preferredMethod } from './method-picker.tsx';
import { NewPasswordField } from './new-password-field.tsx';
import { StepUpFields } from './step-up-fields.tsx';

interface Props {
  me: SecurityState;
  onChanged: () => Promise<SecurityState | null>;
}

/** "Change password": the current one, a new one (strength shown as typed), and a second factor when 2FA is on. */
export function ChangePasswordPanel({ me, onChanged }: Props) {
  const twoFactor = me.twoFactor.enabled;
  const methods = availableMethods(me, 'password_change');
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [method, setMethod] = useState<SecondFactorMethod>(() => preferredMethod(methods));
  const [code, setCode] = useState('');
  const [done, setDone] = useState<string | null>(null);
  // Closed until asked for: the security page is not a wall of open forms (issue 14 #5).
  const [open, setOpen] = useState(false);
  const { run, busy, error } = useAction();
  const lockHours = me.policy.withdrawalLockHours.password_changed ?? 0;
  const minLength = twoFactor ? me.policy.password.minLengthWithSecondFactor : me.policy.password.minLength;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setDone(null);
    const ok = await run(async () => {
      await changePassword(current, next, twoFactor ? await stepUpProof(method, code) : null);
      const fresh = await onChanged();
      const lock = fresh?.withdrawalLock;
      setCurrent('');
      setNext('');
      setOpen(false);
      setDone(
        `Your password was changed. Every other session was signed out${
          lock?.locked ? `, and withdrawals are locked until ${formatDateTime(lock.until)}` : ''
        }. We sent you an email about it.`,
      );
    });
    if (!ok) setCode('');
  }

  return (
    <section aria-labelledby="password-heading" className="card">
      <h2 id="password-heading">Change password</h2>
      <p id="password-warning">
        Changing your password signs out every other session, and{' '}
        <strong>withdrawals are locked for {formatHours(lockHours)}</strong> afterwards, in case it was not you.
      </p>
      {done ? <Notice tone="ok">{done}</Notice> : null}
      {open ? null : (
        <button
          type="button"
          className="secondary"
          onClick={() => {
            setDone(null);
            setOpen(true);
          }}
        >
          Change password…
        </button>
      )}
      {open ? (
        <form onSubmit={submit} aria-describedby="password-warning">
          <ErrorAlert error={error} />
          <Field
            id="current-password"
            label="Current password"
            type="password"
            name="current-password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
          />
          <NewPasswordField
            id="new-password"
            label="New password"
            value={next}
            onChange={setNext}
            email={me.email}
            hasSecondFactor={twoFactor}
            minLength={minLength}
          />
          {twoFactor ? (
            <StepUpFields
              methods={methods}
              method={method}
              onMethod={setMethod}
              code={code}
              onCode={setCode}
              idPrefix="password"
            />
          ) : null}
          <button type="submit" disabled={busy}>
            {busy ? 'Changing…' : 'Change password'}
          </button>{' '}
          <button type="button" className="secondary" onClick={() => setOpen(false)}>
            Cancel
          </button>
        </form>
      ) : null}
    </section>
  );
}
