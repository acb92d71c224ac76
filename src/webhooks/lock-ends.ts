// A withdrawal lock ends by the passing of time, not by a change: this job
// notices locks whose end has passed and records `withdrawal_lock_ended` (the
// audit entry that queues the `withdrawal_lock.ended` webhook event), once per lock.
import type { AppContext } from '../app/context.ts';
import type { Job } from '../app/jobs.ts';
import { withdrawalLockState } from '../domain/withdrawal-lock.ts';
import { findAccountById } from '../storage/accounts-repository.ts';
import { appendAudit } from '../storage/events-repository.ts';
import { listEndedLocksNotAnnounced } from '../storage/webhooks-repository.ts';

export async function announceLockEnds(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  let announced = 0;
  for (const candidate of await listEndedLocksNotAnnounced(ctx.storage.db, now.toISOString(), 100)) {
    await ctx.storage.db.transaction().execute(async (trx) => {
      // Read again inside the transaction: a new lock may have started meanwhile.
      const account = await findAccountById(trx, candidate.id);
      if (account?.withdrawalLock.lockedUntil?.toISOString() !== candidate.withdrawal_locked_until) return;
      const lock = account.withdrawalLock;
      if (withdrawalLockState(lock, now).locked) return;
      await appendAudit(trx, {
        accountId: account.id,
        actorAccountId: null,
        event: 'withdrawal_lock_ended',
        details: { until: candidate.withdrawal_locked_until, reason: lock.reason },
        at: now.toISOString(),
      });
      announced += 1;
    });
  }
  return announced;
}

export const lockEndJob: Job = { name: 'announce-withdrawal-lock-ends', run: announceLockEnds };
