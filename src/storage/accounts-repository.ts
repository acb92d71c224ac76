import { sql } from 'kysely';
import type { RecoveryLockCause, WithdrawalLockReason } from '../domain/withdrawal-lock.ts';
import type { Executor } from './executor.ts';
import type { AccountsTable } from './schema.ts';

export type AccountRow = AccountsTable;

export async function insertAccount(db: Executor, row: AccountRow): Promise<boolean> {
  const result = await db
    .insertInto('accounts')
    .values(row)
    .onConflict((c) => c.column('email').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function findAccountByEmail(db: Executor, email: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function findAccountById(db: Executor, id: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function setAccountRole(db: Executor, id: string, role: AccountRow['role']): Promise<void> {
  await db.updateTable('accounts').set({ role }).where('id', '=', id).execute();
}

/**
 * Serialises security-state changes on one account: a no-op UPDATE takes the
 * account's row lock on PostgreSQL (SQLite serialises writers anyway). Opening
 * a ticket, starting a withdrawal lock and recording a withdrawal hold it, so
 * a withdrawal and a lock that race are ordered by the database.
 */
export async function lockAccountRow(db: Executor, accountId: string): Promise<void> {
  await db
    .updateTable('accounts')
    .set((eb) => ({ role: eb.ref('role') }))
    .where('id', '=', accountId)
    .execute();
}

/**
 * Starts a withdrawal lock ending at `until`, keeping a running lock's later end
 * (and its reason): a lock never shortens, even after the configured hours were
 * lowered. Clears any pending recovery rebind. Returns the stored lock.
 */
export async function keepLaterWithdrawalLock(
  db: Executor,
  id: string,
  until: string,
  reason: WithdrawalLockReason,
): Promise<{ until: string; reason: WithdrawalLockReason }> {
  const row = await db
    .updateTable('accounts')
    .set({
      withdrawal_locked_until: sql<string>`CASE WHEN withdrawal_locked_until > ${until}
        THEN withdrawal_locked_until ELSE ${until} END`,
      withdrawal_lock_reason: sql<WithdrawalLockReason>`CASE WHEN withdrawal_locked_until > ${until}
        THEN withdrawal_lock_reason ELSE ${reason} END`,
      rebind_lock_reason: null,
    })
    .where('id', '=', id)
    .returning(['withdrawal_locked_until', 'withdrawal_lock_reason'])
    .executeTakeFirstOrThrow();
  return { until: row.withdrawal_locked_until ?? until, reason: row.withdrawal_lock_reason ?? reason };
}

/** An approved recovery: the next confirmed binding starts this lock cause. */
export async function setRebindLockCause(db: Executor, id: string, cause: RecoveryLockCause): Promise<void> {
  await db.updateTable('accounts').set({ rebind_lock_reason: cause }).where('id', '=', id).execute();
}
