// Which second-factor methods exist and what each may be used for. The tuples
// drive the TypeScript types, the HTTP schemas (`Type.Enum(SECOND_FACTOR_METHODS)`)
// and the web (`import type`); each method's own traits live in its folder under
// src/app/factors/, and the rule that combines them is here.
import { DomainError } from './errors.ts';

/** Every second-factor method, in the order the UI offers them. */
export const SECOND_FACTOR_METHODS = ['totp', 'backup_code', 'webauthn', 'sms'] as const;
export type SecondFactorMethod = (typeof SECOND_FACTOR_METHODS)[number];

/**
 * What a second factor is being asked for. `factor_change`: adding or removing a security key or phone;
 * `ticket_cancel`: cancelling the account's open recovery tickets on the second-factor step;
 * `backup_code_check`: the save-your-codes step has the owner type one new code back (checked, not spent);
 * `password_change`: a signed-in password change; `password_reset`: setting a new password
 * from a forgotten-password link (a reset never bypasses 2FA);
 * `reauthentication`: a signed-in session proves a second factor again because an app asked for a fresh or
 * stronger one (OpenID `max_age`, `acr_values`); like a step-up, SMS may not serve it.
 */
export const SECOND_FACTOR_PURPOSES = [
  'login',
  'withdrawal',
  'reset',
  'factor_change',
  'ticket_cancel',
  'backup_code_check',
  'password_change',
  'password_reset',
  'reauthentication',
] as const;
export type SecondFactorPurpose = (typeof SECOND_FACTOR_PURPOSES)[number];

/** The purposes a proof authorises something for: all but the backup-code check, which only a backup code answers. */
export const AUTHORISING_PURPOSES = SECOND_FACTOR_PURPOSES.filter((purpose) => purpose !== 'backup_code_check');

/** False for the one purpose that checks a proof without using it up (the save-your-codes step). */
export function spendsFactor(purpose: SecondFactorPurpose): boolean {
  return purpose !== 'backup_code_check';
}

/**
 * What a WebAuthn challenge was issued for: registering a key, signing in, or a
 * step-up. An assertion only spends a challenge of its own kind, so a step-up
 * challenge cannot sign in and a login challenge cannot pay a withdrawal.
 */
export type WebauthnChallengePurpose = 'register' | 'login' | 'step_up';

export function assertionChallengePurpose(purpose: SecondFactorPurpose): WebauthnChallengePurpose {
  return purpose === 'login' ? 'login' : 'step_up';
}

export function isSecondFactorMethod(value: string): value is SecondFactorMethod {
  return (SECOND_FACTOR_METHODS as readonly string[]).includes(value);
}

/** What the purpose policy needs to know about a method (declared by its factor module). */
export interface FactorTraits {
  readonly method: SecondFactorMethod;
  /** The purposes the method may authorise at all. */
  readonly allowedFor: readonly SecondFactorPurpose[];
  /** Resists phishing (WebAuthn: the origin is signed). */
  readonly phishingResistant: boolean;
  /**
   * A restricted authenticator (NIST SP 800-63B-4 §3.2.9, SMS): it may serve
   * only while the account has no phishing-resistant authenticator, so that
   * a SIM swap can't downgrade an account protected by a security key.
   */
  readonly restricted: boolean;
}

/**
 * THE purpose policy: may `method` authorise `purpose` for an account whose
 * bound methods are `bound`? The gate enforces it and the login step offers
 * only the methods it allows.
 */
export function methodAllowedFor(
  traits: FactorTraits,
  purpose: SecondFactorPurpose,
  bound: readonly FactorTraits[],
): boolean {
  if (!traits.allowedFor.includes(purpose)) return false;
  return !(traits.restricted && bound.some((other) => other.phishingResistant));
}

export function methodNotAllowed(method: SecondFactorMethod, purpose: SecondFactorPurpose): DomainError {
  return new DomainError(
    'method_not_allowed',
    `The method ${method} cannot be used for ${purpose.replaceAll('_', ' ')}.`,
    {
      method,
      purpose,
    },
  );
}
