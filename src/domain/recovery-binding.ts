// After an approved recovery the account has no factors, and its new
// authenticator may only be bound through the approved ticket.
import { DomainError } from './errors.ts';

/** Why the account's next authenticator binding locks withdrawals (set when a recovery is approved). */
export type RebindReason = 'recovery';

/** True while an approved recovery waits for the account's new authenticator. */
export function awaitsRecoveryBinding(account: { readonly rebind_lock_reason: RebindReason | null }): boolean {
  return account.rebind_lock_reason === 'recovery';
}

export function recoveryBindingRequired(): DomainError {
  return new DomainError(
    'recovery_binding_required',
    'Your recovery was approved: bind your new authenticator from the recovery ticket page to finish it.',
  );
}
