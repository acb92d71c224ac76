import type { Executor } from './executor.ts';
import type { WithdrawalsTable } from './schema.ts';

export type WithdrawalRow = WithdrawalsTable;

export async function insertWithdrawal(db: Executor, row: WithdrawalRow): Promise<void> {
  await db.insertInto('withdrawals').values(row).execute();
}

export async function listWithdrawals(db: Executor, accountId: string): Promise<WithdrawalRow[]> {
  return db
    .selectFrom('withdrawals')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .execute();
}
