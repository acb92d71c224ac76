import { type FormEvent, useState } from 'react';
import { type PendingBinding, resetTwoFactor, type SecondFactorMethod } from '../lib/client.ts';
import { formatHours } from '../lib/format.ts';
import { stepUpProof } from '../lib/step-up.ts';
import { useAction } from '../lib/use-action.ts';
import { ErrorAlert } from './alerts.tsx';
import { Field } from './field.tsx';
import { StepUpFields } from './step-up-fields.tsx';

interface Props {
  methods: SecondFactorMethod[];
  /** How long withdrawals stay locked after a reset (the server's policy). */
  lockHours: number;
  onSetup: (setup: PendingBinding) => void;
  onCancel: () => void;
}

/** Reset 2FA while a factor still works: password + a factor → a new binding. */
export function ResetTwoFactorForm({ methods, lockHours, onSetup, onCancel }: Props) {
  const [password, setPassword] = useState('');
  const [method, setMethod] = useState<SecondFactorMethod>(methods[0] ?? 'totp');
  const [code, setCode] = useState('');
  const { run, busy, error } = useAction();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const ok = await run(async () => onSetup(await resetTwoFactor(password, await stepUpProof(method, code))));
    if (!ok) setCode('');
  }

  return (
    <form onSubmit={submit} aria-describedby="reset-warning">
      <p id="reset-warning" className="alert alert-warn">
        Resetting replaces your authenticator and all your backup codes with new ones, and{' '}
        <strong>removes your security keys and your phone for SMS codes</strong>: add them again afterwards.{' '}
        <strong>Withdrawals are locked for {formatHours(lockHours)}</strong> after you confirm the new authenticator.
      </p>
      <ErrorAlert error={error} />
      <Field
        id="reset-password"
        label="Your password"
        type="password"
        name="reset-password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <StepUpFields
        methods={methods}
        method={method}
        onMethod={setMethod}
        code={code}
        onCode={setCode}
        idPrefix="reset"
      />
      <div className="actions">
        <button type="submit" className="danger" disabled={busy}>
          {busy ? 'Checking…' : 'Reset 2FA'}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
