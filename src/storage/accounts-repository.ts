import type { RebindReason } from '../domain/recovery-binding.ts';
import type { WithdrawalLockReason } from '../domain/withdrawal-lock.ts';
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

/** Written in the same transaction as the rebind that causes it; clears any pending rebind reason. */
export async function setWithdrawalLock(
  db: Executor,
  id: string,
  until: string,
  reason: WithdrawalLockReason,
): Promise<void> {
  await db
    .updateTable('accounts')
    .set({ withdrawal_locked_until: until, withdrawal_lock_reason: reason, rebind_lock_reason: null })
    .where('id', '=', id)
    .execute();
}

/** Starts a lock that ends at `until`, unless a running one already ends later (a lock is never shortened). */
export async function extendWithdrawalLock(
  db: Executor,
  id: string,
  until: string,
  reason: WithdrawalLockReason,
): Promise<void> {
  await db
    .updateTable('accounts')
    .set({ withdrawal_locked_until: until, withdrawal_lock_reason: reason })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('withdrawal_locked_until', 'is', null), eb('withdrawal_locked_until', '<', until)]))
    .execute();
}

export async function setRebindLockReason(db: Executor, id: string, reason: RebindReason): Promise<void> {
  await db.updateTable('accounts').set({ rebind_lock_reason: reason }).where('id', '=', id).execute();
}
