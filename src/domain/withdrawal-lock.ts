// The one policy that decides whether withdrawals are locked. Every path that
// moves funds asks this function; nothing else reads the lock columns.
export const WITHDRAWAL_LOCK_REASONS = ['two_factor_reset', 'recovery'] as const;
export type WithdrawalLockReason = (typeof WITHDRAWAL_LOCK_REASONS)[number];

export interface WithdrawalLockRecord {
  readonly lockedUntil: Date | null;
  readonly reason: WithdrawalLockReason | null;
}

export type WithdrawalLockState =
  | { readonly locked: true; readonly until: Date; readonly reason: WithdrawalLockReason }
  | { readonly locked: false };

export function withdrawalLockState(record: WithdrawalLockRecord, now: Date): WithdrawalLockState {
  if (record.lockedUntil !== null && now.getTime() < record.lockedUntil.getTime()) {
    return { locked: true, until: record.lockedUntil, reason: record.reason ?? 'two_factor_reset' };
  }
  return { locked: false };
}

/** A rebind locks from its confirmation; a second reset restarts (never shortens) the lock. */
export function lockAfterRebind(confirmedAt: Date, hours: number, reason: WithdrawalLockReason): WithdrawalLockRecord {
  return { lockedUntil: new Date(confirmedAt.getTime() + hours * 3600_000), reason };
}
