import { type FormEvent, type ReactNode, useState } from 'react';
import type { Proof, SecondFactorMethod } from '../lib/client.ts';
import { stepUpProof } from '../lib/step-up.ts';
import { useAction } from '../lib/use-action.ts';
import { useFocusOnMount } from '../lib/use-focus-on-mount.ts';
import { ErrorAlert } from './alerts.tsx';
import { preferredMethod } from './method-picker.tsx';
import { StepUpFields } from './step-up-fields.tsx';

interface Props {
  /** What is about to change, said plainly; it takes focus when the step opens. */
  prompt: ReactNode;
  methods: SecondFactorMethod[];
  submitLabel: string;
  busyLabel: string;
  idPrefix: string;
  /** Runs the change with the proof; a throw shows the error and clears the code. */
  onProof: (proof: Proof) => Promise<void>;
  onCancel: () => void;
}

/**
 * Changing the factors themselves (adding or removing a security key or a
 * phone) needs a second factor, like a withdrawal: the signed-in session alone
 * is not enough. One step: the change in words, the method, the code.
 */
export function StepUpConfirm({ prompt, methods, submitLabel, busyLabel, idPrefix, onProof, onCancel }: Props) {
  const [method, setMethod] = useState<SecondFactorMethod>(() => preferredMethod(methods));
  const [code, setCode] = useState('');
  const { run, busy, error, setError } = useAction();
  const promptRef = useFocusOnMount<HTMLParagraphElement>();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const ok = await run(async () => onProof(await stepUpProof(method, code)));
    if (!ok) setCode('');
  }

  return (
    <form onSubmit={submit} className="step-up" aria-describedby={`${idPrefix}-prompt`}>
      <p id={`${idPrefix}-prompt`} ref={promptRef} tabIndex={-1}>
        {prompt}
      </p>
      <ErrorAlert error={error} />
      <StepUpFields
        methods={methods}
        method={method}
        onMethod={(m) => {
          setMethod(m);
          setCode('');
          setError(null);
        }}
        code={code}
        onCode={setCode}
        idPrefix={idPrefix}
      />
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? busyLabel : submitLabel}
        </button>
        <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
