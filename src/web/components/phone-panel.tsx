import { type FormEvent, useState } from 'react';
import {
  addPhone,
  type Proof,
  removePhone,
  type SecondFactorMethod,
  type SecurityState,
  verifyPhone,
} from '../lib/client.ts';
import { cleanCode } from '../lib/codes.ts';
import { useAction } from '../lib/use-action.ts';
import { ErrorAlert, Notice } from './alerts.tsx';
import { codeInputProps, Field } from './field.tsx';
import { StepUpConfirm } from './step-up-confirm.tsx';

type Stage = { step: 'idle' } | { step: 'add'; phone: string } | { step: 'remove' };

interface Props {
  sms: SecurityState['twoFactor']['sms'];
  /** The second factors that can confirm a change (the session alone cannot). */
  methods: SecondFactorMethod[];
  onChanged: () => Promise<unknown>;
}

/** A phone for SMS codes: add it (after a second factor; a code is sent), then verify it. */
export function PhonePanel({ sms, methods, onChanged }: Props) {
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [stage, setStage] = useState<Stage>({ step: 'idle' });
  const { run, busy, error, setError } = useAction();
  const [done, setDone] = useState<string | null>(null);
  const pending = sms && !sms.verified;

  function start(next: Stage) {
    setError(null);
    setDone(null);
    setStage(next);
  }

  const askToAdd = (e: FormEvent) => {
    e.preventDefault();
    start({ step: 'add', phone: phone.trim() });
  };

  async function add(number: string, proof: Proof) {
    await addPhone(number, proof);
    setPhone('');
    setStage({ step: 'idle' });
    setDone('We sent a code by SMS. Enter it below to confirm the number.');
    await onChanged();
  }

  async function remove(proof: Proof) {
    await removePhone(proof);
    setStage({ step: 'idle' });
    setDone('The phone was removed.');
    await onChanged();
  }

  const verify = async (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    const ok = await run(async () => {
      await verifyPhone(cleanCode(code));
      setCode('');
      setDone('Your phone is confirmed: you can now sign in with an SMS code.');
      await onChanged();
    });
    if (!ok) setCode('');
  };

  const cancel = () => setStage({ step: 'idle' });

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
          <button
            type="button"
            className="secondary"
            onClick={() => start({ step: 'remove' })}
            disabled={busy || stage.step !== 'idle'}
          >
            Remove phone
          </button>
        </p>
      ) : null}
      {stage.step === 'remove' ? (
        <StepUpConfirm
          key="remove"
          idPrefix="phone-remove"
          methods={methods}
          prompt="Remove this phone? SMS codes will no longer work. Confirm with a second factor."
          submitLabel="Confirm and remove phone"
          busyLabel="Removing…"
          onProof={remove}
          onCancel={cancel}
        />
      ) : null}
      {pending && stage.step === 'idle' ? (
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
      {!sms && stage.step === 'add' ? (
        <StepUpConfirm
          key="add"
          idPrefix="phone-add"
          methods={methods}
          prompt={<>To add {stage.phone} for SMS codes, first confirm it is you with a second factor.</>}
          submitLabel="Confirm and send the code"
          busyLabel="Sending…"
          onProof={(proof) => add(stage.phone, proof)}
          onCancel={cancel}
        />
      ) : null}
      {!sms && stage.step !== 'add' ? (
        <form onSubmit={askToAdd}>
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
          <button type="submit" disabled={phone.trim() === ''}>
            Send a code to this phone
          </button>
        </form>
      ) : null}
    </section>
  );
}
