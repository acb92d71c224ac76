// Starting and checking the withdrawal lock, ordered by the database: both
// hold the account's row (lockAccountRow) and read the clock only once they
// have it, so a withdrawal racing a lock either commits before the lock starts
// or sees it (issue 11 #11). The policy itself is src/domain/withdrawal-lock.ts.
import { DomainError } from '../domain/errors.ts';
import {
  lockFor,
  lockStartingAt,
  type WithdrawalLockCause,
  type WithdrawalLockReason,
  withdrawalLockState,
} from '../domain/withdrawal-lock.ts';
import { findAccountById, keepLaterWithdrawalLock, lockAccountRow } from '../storage/accounts-repository.ts';
import { appendAudit } from '../storage/events-repository.ts';
import type { Executor } from '../storage/executor.ts';
import { lastWithdrawalAt } from '../storage/withdrawals-repository.ts';
import type { AppContext } from './context.ts';

export interface StartedLock {
  readonly startedAt: Date;
  readonly until: Date;
  readonly reason: WithdrawalLockReason;
}

/**
 * Starts the lock `cause` calls for, inside the caller's transaction, with the
 * `withdrawal_lock_started` audit row. It starts after every withdrawal already
 * recorded (never at the same millisecond), and keeps a running lock's later end.
 */
export async function startWithdrawalLock(
  ctx: AppContext,
  trx: Executor,
  accountId: string,
  cause: WithdrawalLockCause,
): Promise<StartedLock> {
  await lockAccountRow(trx, accountId);
  const now = ctx.clock.now();
  const last = await lastWithdrawalAt(trx, accountId);
  const startedAt = last && new Date(last) >= now ? new Date(new Date(last).getTime() + 1) : now;
  const lock = lockFor(cause, ctx.config);
  const end = lockStartingAt(startedAt, lock).lockedUntil as Date;
  const stored = await keepLaterWithdrawalLock(trx, accountId, end, lock.reason);
  await appendAudit(trx, {
    accountId,
    event: 'withdrawal_lock_started',
    details: { until: stored.until.toISOString(), reason: stored.reason, cause },
    at: startedAt.toISOString(),
  });
  return { startedAt, until: stored.until, reason: stored.reason };
}

/** Refuses with 423 `withdrawal_locked` while the account's lock runs. */
export async function assertWithdrawalsUnlocked(db: Executor, accountId: string, now: Date): Promise<void> {
  const fresh = await findAccountById(db, accountId);
  const lock = fresh ? withdrawalLockState(fresh.withdrawalLock, now) : { locked: false as const };
  if (lock.locked) {
    throw new DomainError(
      'withdrawal_locked',
      `Withdrawals are locked until ${lock.until.toISOString()} after a 2FA change.`,
      { lockedUntil: lock.until.toISOString(), reason: lock.reason },
    );
  }
}

/**
 * Holds the account's row and reads the clock under it: the time a withdrawal
 * is recorded at, checked against the lock as it stands once the row is held.
 */
export async function holdUnlockedAccount(ctx: AppContext, trx: Executor, accountId: string): Promise<Date> {
  await lockAccountRow(trx, accountId);
  const now = ctx.clock.now();
  await assertWithdrawalsUnlocked(trx, accountId, now);
  return now;
}
