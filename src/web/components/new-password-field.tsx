import { useId } from 'react';
import { PASSWORD_MAX_LENGTH } from '../../domain/policy.ts';
import { STRENGTH_WORDS, usePasswordVerdict } from '../lib/password-strength.ts';

interface Props {
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** The account's email (a password built from it is weak), when known. */
  email: string;
  /** With 2FA on, 8 characters are enough; else 15. */
  hasSecondFactor: boolean;
  minLength: number;
  id?: string;
}

/**
 * A new password: the rule in words, a strength meter as the user types, and
 * the reason a password would be refused (the server's own rule, so the page
 * and the server agree). The reason is announced politely, not on every key.
 */
export function NewPasswordField({ label, value, onChange, email, hasSecondFactor, minLength, id }: Props) {
  const auto = useId();
  const inputId = id ?? auto;
  const verdict = usePasswordVerdict(value, { email, hasSecondFactor });
  const score = verdict?.score ?? 0;
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      <input
        id={inputId}
        type="password"
        name="new-password"
        autoComplete="new-password"
        required
        minLength={minLength}
        maxLength={PASSWORD_MAX_LENGTH}
        aria-describedby={`${inputId}-rule ${inputId}-strength`}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
      <p id={`${inputId}-rule`} className="hint">
        At least {minLength} characters; longer is better. No need for symbols or digits: a few unrelated words make a
        strong password. Common and leaked passwords are refused.
      </p>
      <div id={`${inputId}-strength`} className="strength" aria-live="polite" data-testid="password-strength">
        {verdict ? (
          <>
            <meter
              min={0}
              max={4}
              low={2}
              high={3}
              optimum={4}
              value={verdict.ok ? Math.max(score, 2) : Math.min(score, 1)}
              aria-label="Password strength"
            />
            <span className={verdict.ok ? 'strength-ok' : 'strength-weak'}>
              {verdict.ok ? `Strength: ${STRENGTH_WORDS[score]}.` : `Not accepted. ${verdict.reason}`}
            </span>
          </>
        ) : null}
      </div>
    </div>
  );
}
