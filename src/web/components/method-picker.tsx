import { useId } from 'react';
import { SECOND_FACTOR_METHODS, type SecondFactorMethod } from '../../domain/second-factor.ts';

const METHOD_LABEL: Record<SecondFactorMethod, string> = {
  totp: 'Authenticator code',
  backup_code: 'Use backup code',
  webauthn: 'Security key',
  sms: 'SMS code',
};

interface Props {
  methods: SecondFactorMethod[];
  value: SecondFactorMethod;
  onChange: (m: SecondFactorMethod) => void;
  legend?: string;
}

/** A radio group: arrow keys move between the choices, as native radios do. */
export function MethodPicker({ methods, value, onChange, legend = 'How do you want to verify?' }: Props) {
  const name = useId();
  const shown = SECOND_FACTOR_METHODS.filter((m) => methods.includes(m));
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
  return SECOND_FACTOR_METHODS.find((m) => methods.includes(m)) ?? 'totp';
}

export function codeLabel(method: SecondFactorMethod): string {
  if (method === 'backup_code') return 'Backup code';
  if (method === 'sms') return 'Code from the SMS';
  return '6-digit code from your authenticator app';
}
