import { useId } from 'react';
import type { SecondFactorMethod } from '../lib/types.ts';

const METHOD_LABEL: Record<SecondFactorMethod, string> = {
  totp: 'Authenticator code',
  backup_code: 'Use backup code',
  webauthn: 'Security key',
  sms: 'SMS code',
};

const ORDER: SecondFactorMethod[] = ['totp', 'backup_code', 'webauthn', 'sms'];

interface Props {
  methods: SecondFactorMethod[];
  value: SecondFactorMethod;
  onChange: (m: SecondFactorMethod) => void;
  legend?: string;
}

/** A radio group: arrow keys move between the choices, as native radios do. */
export function MethodPicker({ methods, value, onChange, legend = 'How do you want to verify?' }: Props) {
  const name = useId();
  const shown = ORDER.filter((m) => methods.includes(m));
  if (shown.length < 2) return null;
  return (
    <fieldset className="choices">
      <legend>{legend}</legend>
      {shown.map((m) => (
        <label key={m} className="choice">
          <input type="radio" name={name} value={m} checked={value === m} onChange={() => onChange(m)} />
          {METHOD_LABEL[m]}
        </label>
      ))}
    </fieldset>
  );
}

export function preferredMethod(methods: SecondFactorMethod[]): SecondFactorMethod {
  return ORDER.find((m) => methods.includes(m)) ?? 'totp';
}

export function codeLabel(method: SecondFactorMethod): string {
  if (method === 'backup_code') return 'Backup code';
  if (method === 'sms') return 'Code from the SMS';
  return '6-digit code from your authenticator app';
}
