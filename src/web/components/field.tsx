import { type ComponentProps, useId } from 'react';

type Props = ComponentProps<'input'> & { label: string; hint?: string };

/** A labelled input; the hint is tied to it with aria-describedby. */
export function Field({ label, hint, id, ...input }: Props) {
  const auto = useId();
  const inputId = id ?? auto;
  const hintId = hint ? `${inputId}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      <input id={inputId} aria-describedby={hintId} {...input} />
      {hint ? (
        <p id={hintId} className="hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** Props for a one-time-code input: digits, the phone's code autofill. */
export const codeInputProps = {
  inputMode: 'numeric',
  autoComplete: 'one-time-code',
  pattern: '[0-9 \\-]*',
  maxLength: 9,
  spellCheck: false,
} as const;
