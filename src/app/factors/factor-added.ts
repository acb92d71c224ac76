// A new factor (a security key, a phone) might be an attacker's, added with a
// stolen session and a second factor: withdrawals lock as after a 2FA reset
// (lockFor('factor_added')), so the owner, who is emailed, has that long to
// notice and react.
import type { Executor } from '../../storage/executor.ts';
import type { AppContext } from '../context.ts';
import { startWithdrawalLock } from '../withdrawal-lock.ts';

/** Locks withdrawals in the transaction that adds the factor; returns when the lock ends. */
export async function lockWithdrawalsForNewFactor(ctx: AppContext, trx: Executor, accountId: string): Promise<Date> {
  return (await startWithdrawalLock(ctx, trx, accountId, 'factor_added')).until;
}
