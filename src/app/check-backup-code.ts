// The save-your-codes step asks the owner to type one new code back, so the
// codes are known to be stored before the step closes. The code is checked
// through the one second-factor gate without being spent: a wrong one is a
// guess like any other and counts in the account's attempt budget.
import type { Account } from '../domain/account.ts';
import { appendAudit } from '../storage/events-repository.ts';
import type { AppContext, RequestOrigin } from './context.ts';
import { passSecondFactor } from './second-factor-gate.ts';

export async function checkBackupCode(
  ctx: AppContext,
  account: Account,
  code: string,
  origin: RequestOrigin,
): Promise<void> {
  await passSecondFactor(
    ctx,
    { account, method: 'backup_code', code, purpose: 'backup_code_check', origin },
    async (trx, outcome) => {
      await appendAudit(trx, {
        accountId: account.id,
        event: 'backup_code_checked',
        details: { remaining: outcome.backupCodesRemaining ?? null },
        at: ctx.clock.now().toISOString(),
      });
    },
  );
}
