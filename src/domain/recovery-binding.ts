// After an approved recovery the account has no factors, and its new
// authenticator may only be bound through the approved ticket.
import { DomainError } from './errors.ts';

/** True while an approved recovery waits for the account's new authenticator. */
export function awaitsRecoveryBinding(account: { readonly rebindLockReason: string | null }): boolean {
  return account.rebindLockReason === 'recovery';
}

export function recoveryBindingRequired(): DomainError {
  return new DomainError(
    'recovery_binding_required',
    'Your recovery was approved: bind your new authenticator from the recovery ticket page to finish it.',
  );
}
