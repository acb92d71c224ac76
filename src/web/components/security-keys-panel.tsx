import { startRegistration } from '@simplewebauthn/browser';
import { type FormEvent, useState } from 'react';
import {
  addSecurityKey,
  type Proof,
  removeSecurityKey,
  type SecondFactorMethod,
  type SecurityState,
  securityKeyOptions,
} from '../lib/client.ts';
import { formatDate, formatDateTime } from '../lib/format.ts';
import { Notice } from './alerts.tsx';
import { Field } from './field.tsx';
import { StepUpConfirm } from './step-up-confirm.tsx';

type Key = NonNullable<SecurityState['twoFactor']['securityKeys']>[number];

type Stage = { step: 'idle' } | { step: 'add'; name: string } | { step: 'remove'; key: Key };

interface Props {
  keys: Key[];
  /** The second factors that can confirm a change (the session alone cannot). */
  methods: SecondFactorMethod[];
  onChanged: () => Promise<unknown>;
}

/** Hardware keys (WebAuthn): the most reliable fallback beside the app. */
export function SecurityKeysPanel({ keys, methods, onChanged }: Props) {
  const [name, setName] = useState('');
  const [stage, setStage] = useState<Stage>({ step: 'idle' });
  const [done, setDone] = useState<string | null>(null);

  function start(next: Stage) {
    setDone(null);
    setStage(next);
  }

  function askToAdd(e: FormEvent) {
    e.preventDefault();
    start({ step: 'add', name: name.trim() });
  }

  async function add(keyName: string, proof: Proof) {
    // The second factor unlocks the registration options; then the new key signs them.
    const response = await startRegistration({ optionsJSON: await securityKeyOptions(proof) });
    const key = await addSecurityKey(keyName, response);
    setName('');
    setStage({ step: 'idle' });
    setDone(`Security key “${key.name}” added.`);
    await onChanged();
  }

  async function remove(key: Key, proof: Proof) {
    await removeSecurityKey(key.id, proof);
    setStage({ step: 'idle' });
    setDone(`Security key “${key.name}” removed.`);
    await onChanged();
  }

  const cancel = () => setStage({ step: 'idle' });

  return (
    <section aria-labelledby="keys-heading" className="card">
      <h2 id="keys-heading">Security keys</h2>
      <p>A hardware key such as a YubiKey is a dependable second way in if your phone is lost.</p>
      {done ? <Notice tone="ok">{done}</Notice> : null}
      {keys.length > 0 ? (
        <ul className="plain item-list" data-testid="security-keys">
          {keys.map((k) => (
            <li key={k.id}>
              <span>
                <strong>{k.name}</strong> — added {formatDate(k.createdAt)}
                {k.lastUsedAt ? `, last used ${formatDateTime(k.lastUsedAt)}` : ', never used'}
              </span>
              <button
                type="button"
                className="secondary"
                disabled={stage.step !== 'idle'}
                onClick={() => start({ step: 'remove', key: k })}
              >
                Remove<span className="visually-hidden"> {k.name}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {stage.step === 'add' ? (
        <StepUpConfirm
          key="add"
          idPrefix="key-add"
          methods={methods}
          prompt={
            <>
              To add the security key “{stage.name}”, first confirm it is you with a second factor. Then touch the new
              key when it blinks.
            </>
          }
          submitLabel="Confirm and add key"
          busyLabel="Touch your key…"
          onProof={(proof) => add(stage.name, proof)}
          onCancel={cancel}
        />
      ) : stage.step === 'remove' ? (
        <StepUpConfirm
          key={`remove-${stage.key.id}`}
          idPrefix="key-remove"
          methods={methods}
          prompt={
            <>
              Remove the security key “{stage.key.name}”? It will no longer sign you in. Confirm with a second factor.
            </>
          }
          submitLabel="Confirm and remove key"
          busyLabel="Removing…"
          onProof={(proof) => remove(stage.key, proof)}
          onCancel={cancel}
        />
      ) : (
        <form onSubmit={askToAdd}>
          <Field
            label="Name for the new key"
            name="key-name"
            required
            maxLength={64}
            placeholder="YubiKey 5C"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <button type="submit" disabled={name.trim() === ''}>
            Add security key
          </button>
        </form>
      )}
    </section>
  );
}
