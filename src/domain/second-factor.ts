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
 * `ticket_cancel`: cancelling the account's open recovery tickets on the second-factor step.
 */
export const SECOND_FACTOR_PURPOSES = ['login', 'withdrawal', 'reset', 'factor_change', 'ticket_cancel'] as const;
export type SecondFactorPurpose = (typeof SECOND_FACTOR_PURPOSES)[number];

export function isSecondFactorMethod(value: string): value is SecondFactorMethod {
  return (SECOND_FACTOR_METHODS as readonly string[]).includes(value);
}

/** What the purpose policy needs to know about a method (declared by its factor module). */
export interface FactorTraits {
  readonly method: SecondFactorMethod;
  /** The purposes the method may authorise at all. */
  readonly allowedFor: readonly SecondFactorPurpose[];
}

/** True when `method` may authorise `purpose`. */
export function methodAllowedFor(traits: FactorTraits, purpose: SecondFactorPurpose): boolean {
  return traits.allowedFor.includes(purpose);
}

export function methodNotAllowed(method: SecondFactorMethod, purpose: SecondFactorPurpose): DomainError {
  return new DomainError(
    'method_not_allowed',
    `The method ${method} cannot be used for ${purpose.replace('_', ' ')}.`,
    {
      method,
      purpose,
    },
  );
}
