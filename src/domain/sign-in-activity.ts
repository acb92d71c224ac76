// What the login history records, as the one list of each: the outcomes of a
// sign-in step (login_events.result) and the kinds of event the account's own
// activity list shows. The storage types, the API schemas and the web's words
// all come from these tuples.
import { isSecondFactorMethod, SECOND_FACTOR_METHODS } from './second-factor.ts';

/** How a step of signing in ended. */
export const LOGIN_RESULTS = [
  /** Signed in: a session was issued. */
  'success',
  /** The password was right; the second factor is still to come. */
  'password_ok',
  /** Unknown email or wrong password (the two are never told apart). */
  'invalid_credentials',
  'second_factor_failed',
  /** Right password while the second-factor step was locked by wrong codes. */
  'second_factor_locked',
  /** Right password after an approved recovery: the new authenticator is bound through the ticket first. */
  'recovery_binding_required',
  /** Right password while the account is frozen. */
  'account_frozen',
] as const;
export type LoginResult = (typeof LOGIN_RESULTS)[number];

/** Which step of signing in an activity event records: the password, or the second factor. */
export const ACTIVITY_KINDS = ['password', 'second_factor'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

/** What a sign-in step was passed or tried with: the password, or a second-factor method. */
export const SIGN_IN_FACTORS = ['password', ...SECOND_FACTOR_METHODS] as const;
export type SignInFactor = (typeof SIGN_IN_FACTORS)[number];

/** A recorded factor as one of SIGN_IN_FACTORS (null when none, or one this version doesn't know). */
export function signInFactor(value: string | null): SignInFactor | null {
  if (value === 'password') return value;
  return value !== null && isSecondFactorMethod(value) ? value : null;
}

/** The password step records the factor `password`; the second-factor step records its method. */
export function activityKind(factor: string | null): ActivityKind {
  return factor === null || factor === 'password' ? 'password' : 'second_factor';
}
