// A new factor (a security key, a phone) might be an attacker's, added with a
// stolen session and a second factor: withdrawals lock as after a 2FA reset,
// so the owner, who is emailed, has that long to notice and react.
import { lockAfterRebind } from '../../domain/withdrawal-lock.ts';
import { extendWithdrawalLock, findAccountById } from '../../storage/accounts-repository.ts';
import { appendAudit } from '../../storage/events-repository.ts';
import type { Executor } from '../../storage/executor.ts';
import type { AppContext } from '../context.ts';

/** Locks withdrawals in the transaction that adds the factor; returns when the lock ends. */
export async function lockWithdrawalsForNewFactor(
  ctx: AppContext,
  trx: Executor,
  accountId: string,
  now: Date,
): Promise<Date> {
  const lock = lockAfterRebind(now, ctx.config.withdrawalLockHours, 'factor_added');
  const until = (lock.lockedUntil as Date).toISOString();
  await extendWithdrawalLock(trx, accountId, until, 'factor_added');
  const effective = (await findAccountById(trx, accountId))?.withdrawal_locked_until ?? until;
  await appendAudit(trx, {
    accountId,
    event: 'withdrawal_lock_started',
    details: { until: effective, reason: 'factor_added' },
    at: now.toISOString(),
  });
  return new Date(effective);
}
