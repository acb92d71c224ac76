// The one withdrawal-lock policy: what starts a lock, with which reason and
// for how long (lockFor), and whether withdrawals are locked now
// (withdrawalLockState). Every path that moves funds asks withdrawalLockState;
// every path that starts a lock asks lockFor. docs/security-policy.md
// ("Locks, freezes and recovery") states the table below in words.
import type { TicketKind } from './recovery-ticket.ts';

/** The reasons a lock shows (`withdrawalLock.reason`, 423 `withdrawal_locked`), as stored. */
export const WITHDRAWAL_LOCK_REASONS = [
  'two_factor_reset',
  'recovery',
  'factor_added',
  'password_changed',
  'password_reset',
] as const;
export type WithdrawalLockReason = (typeof WITHDRAWAL_LOCK_REASONS)[number];

/** What happened to the account. Both recovery kinds show the reason `recovery` (the contract's value). */
export const WITHDRAWAL_LOCK_CAUSES = [
  'two_factor_reset',
  'lost_two_factor_recovery',
  'full_verification_recovery',
  'factor_added',
  'password_changed',
  'password_reset',
] as const;
export type WithdrawalLockCause = (typeof WITHDRAWAL_LOCK_CAUSES)[number];

/** The causes that wait for the recovered account's new authenticator before they lock. */
export type RecoveryLockCause = Extract<WithdrawalLockCause, `${TicketKind}_recovery`>;

/** The settings the policy reads (Config satisfies it: LATCHKEY_WITHDRAWAL_LOCK_HOURS). */
export interface WithdrawalLockSettings {
  readonly withdrawalLockHours: number;
}

export interface WithdrawalLock {
  readonly reason: WithdrawalLockReason;
  readonly hours: number;
}

/**
 * The policy table. Every cause locks for the configured hours today; a cause
 * that needs another length (say 48 h after a full verification) changes its
 * own line here and nowhere else.
 */
const POLICY: Readonly<Record<WithdrawalLockCause, (s: WithdrawalLockSettings) => WithdrawalLock>> = {
  two_factor_reset: (s) => ({ reason: 'two_factor_reset', hours: s.withdrawalLockHours }),
  lost_two_factor_recovery: (s) => ({ reason: 'recovery', hours: s.withdrawalLockHours }),
  full_verification_recovery: (s) => ({ reason: 'recovery', hours: s.withdrawalLockHours }),
  factor_added: (s) => ({ reason: 'factor_added', hours: s.withdrawalLockHours }),
  password_changed: (s) => ({ reason: 'password_changed', hours: s.withdrawalLockHours }),
  password_reset: (s) => ({ reason: 'password_reset', hours: s.withdrawalLockHours }),
};

export function lockFor(cause: WithdrawalLockCause, settings: WithdrawalLockSettings): WithdrawalLock {
  return POLICY[cause](settings);
}

/** The lock an approved ticket of this kind starts once the new authenticator is bound. */
export function recoveryLockCause(kind: TicketKind): RecoveryLockCause {
  return `${kind}_recovery`;
}

export function isRecoveryLockCause(value: string | null): value is RecoveryLockCause {
  return value === 'lost_two_factor_recovery' || value === 'full_verification_recovery';
}

export interface WithdrawalLockRecord {
  readonly lockedUntil: Date | null;
  readonly reason: WithdrawalLockReason | null;
}

export type WithdrawalLockState =
  | { readonly locked: true; readonly until: Date; readonly reason: WithdrawalLockReason }
  | { readonly locked: false };

/** Locked while now < lockedUntil; at lockedUntil itself withdrawals are open again. */
export function withdrawalLockState(record: WithdrawalLockRecord, now: Date): WithdrawalLockState {
  if (record.lockedUntil !== null && now.getTime() < record.lockedUntil.getTime()) {
    return { locked: true, until: record.lockedUntil, reason: record.reason ?? 'two_factor_reset' };
  }
  return { locked: false };
}

/**
 * The lock a cause starts at `startedAt`. Storage keeps the later of this end
 * and a running lock's (a lock never shortens, even after the setting is lowered).
 */
export function lockStartingAt(startedAt: Date, lock: WithdrawalLock): WithdrawalLockRecord {
  return { lockedUntil: new Date(startedAt.getTime() + lock.hours * 3600_000), reason: lock.reason };
}
