// After an approved recovery the account has no factors, and its new
// authenticator may only be bound through the approved ticket. Which lock the
// binding then starts comes from the lock policy (withdrawal-lock.ts).
import { DomainError } from './errors.ts';
import { isRecoveryLockCause, type WithdrawalLockCause } from './withdrawal-lock.ts';

/** True while an approved recovery waits for the account's new authenticator. */
export function awaitsRecoveryBinding(pendingRecoveryLock: string | null): boolean {
  return isRecoveryLockCause(pendingRecoveryLock);
}

/**
 * The lock a confirmed binding starts: a reset binding locks as a 2FA reset;
 * the first binding after an approved recovery locks as that recovery's kind;
 * a first enrolment locks nothing.
 */
export function rebindLockCause(
  bindingPurpose: 'enroll' | 'reset',
  pendingRecoveryLock: string | null,
): WithdrawalLockCause | null {
  if (bindingPurpose === 'reset') return 'two_factor_reset';
  return isRecoveryLockCause(pendingRecoveryLock) ? pendingRecoveryLock : null;
}

export function recoveryBindingRequired(): DomainError {
  return new DomainError(
    'recovery_binding_required',
    'Your recovery was approved: bind your new authenticator from the recovery ticket page to finish it.',
  );
}
