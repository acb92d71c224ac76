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
  /** A few words after a method's name (the backup codes left). */
  detail?: Partial<Record<SecondFactorMethod, string>>;
}

/** A radio group (in the order given): arrow keys move between the choices, as native radios do. */
export function MethodPicker({ methods, value, onChange, legend = 'How do you want to verify?', detail }: Props) {
  const name = useId();
  const shown = methods;
  if (shown.length < 2) return null;
  return (
    <fieldset className="choices">
      <legend>{legend}</legend>
      {shown.map((m) => (
        <label key={m} className="choice">
          <input type="radio" name={name} value={m} checked={value === m} onChange={() => onChange(m)} />
          {METHOD_LABEL[m]}
          {detail?.[m] ? ` (${detail[m]})` : ''}
        </label>
      ))}
    </fieldset>
  );
}

/**
 * The sign-in offer: a security key first (phishing-resistant, one touch), then the
 * authenticator app and SMS, backup codes last (each one used is gone).
 */
const SIGN_IN_RANK: Record<SecondFactorMethod, number> = { webauthn: 0, totp: 1, sms: 2, backup_code: 3 };

export function signInOrder(methods: readonly SecondFactorMethod[]): SecondFactorMethod[] {
  return [...methods].sort((a, b) => SIGN_IN_RANK[a] - SIGN_IN_RANK[b]);
}

export function preferredMethod(methods: SecondFactorMethod[]): SecondFactorMethod {
  return SECOND_FACTOR_METHODS.find((m) => methods.includes(m)) ?? 'totp';
}

export function codeLabel(method: SecondFactorMethod): string {
  if (method === 'backup_code') return 'Backup code';
  if (method === 'sms') return 'Code from the SMS';
  return '6-digit code from your authenticator app';
}
