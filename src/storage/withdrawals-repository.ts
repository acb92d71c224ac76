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

/** When the account's latest withdrawal was recorded, if it has any. */
export async function lastWithdrawalAt(db: Executor, accountId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('withdrawals')
    .select((eb) => eb.fn.max('created_at').as('at'))
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return row?.at ?? undefined;
}
