// Withdrawals: a second-factor step-up on every request, and the withdrawal
// lock decided by the one policy function in domain/withdrawal-lock.ts.

import type { Account } from '../domain/account.ts';
import { DomainError } from '../domain/errors.ts';
import { appendAudit } from '../storage/events-repository.ts';
import { insertWithdrawal, listWithdrawals } from '../storage/withdrawals-repository.ts';
import { assertNotFrozen } from './account-freeze.ts';
import type { AppContext, RequestOrigin } from './context.ts';
import { boundMethods, passSecondFactor, type SecondFactorWarning } from './second-factor-gate.ts';
import { assertWithdrawalsUnlocked, holdUnlockedAccount } from './withdrawal-lock.ts';

export interface WithdrawalInput {
  asset: string;
  amount: string;
  address: string;
  method: string;
  code?: string | undefined;
  response?: unknown;
}

export async function requestWithdrawal(
  ctx: AppContext,
  account: Account,
  input: WithdrawalInput,
  origin: RequestOrigin,
): Promise<{
  withdrawalId: string;
  status: 'accepted';
  warnings: SecondFactorWarning[];
  backupCodesRemaining?: number;
}> {
  if ((await boundMethods(ctx.storage.db, account.id)).length === 0) {
    throw new DomainError('two_factor_required', 'Turn on two-factor authentication before withdrawing.');
  }
  // Refuse before spending a code; and again inside the transaction, holding
  // the account's row, so a lock or freeze that commits in between cannot slip
  // a withdrawal past it, and the withdrawal's time is read under the row lock.
  await assertNotFrozen(ctx.storage.db, account.id);
  await assertWithdrawalsUnlocked(ctx.storage.db, account.id, ctx.clock.now());
  const { outcome, result } = await passSecondFactor(
    ctx,
    { account, method: input.method, code: input.code, response: input.response, purpose: 'withdrawal', origin },
    async (trx) => {
      const now = await holdUnlockedAccount(ctx, trx, account.id);
      await assertNotFrozen(trx, account.id);
      const withdrawalId = ctx.tokens.newId();
      await insertWithdrawal(trx, {
        id: withdrawalId,
        account_id: account.id,
        asset: input.asset,
        amount: input.amount,
        address: input.address,
        status: 'accepted',
        created_at: now.toISOString(),
      });
      await appendAudit(trx, {
        accountId: account.id,
        event: 'withdrawal_requested',
        details: { withdrawalId, asset: input.asset, amount: input.amount },
        at: now.toISOString(),
      });
      return withdrawalId;
    },
  );
  return {
    withdrawalId: result,
    status: 'accepted',
    warnings: outcome.warnings,
    ...(outcome.backupCodesRemaining !== undefined ? { backupCodesRemaining: outcome.backupCodesRemaining } : {}),
  };
}

export async function accountWithdrawals(ctx: AppContext, accountId: string) {
  const rows = await listWithdrawals(ctx.storage.db, accountId);
  return rows.map((r) => ({
    withdrawalId: r.id,
    asset: r.asset,
    amount: r.amount,
    address: r.address,
    status: r.status,
    createdAt: r.created_at,
  }));
}
