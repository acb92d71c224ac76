// Accounts: rows in, domain records (src/domain/account.ts) out.
import type { Account, AccountRole } from '../domain/account.ts';
import type { WithdrawalLockReason } from '../domain/withdrawal-lock.ts';
import type { Executor } from './executor.ts';
import type { AccountsTable } from './schema.ts';

function toAccount(row: AccountsTable): Account {
  return {
    id: row.id,
    email: row.email,
    passwordHash: row.password_hash,
    role: row.role,
    createdAt: new Date(row.created_at),
    withdrawalLock: {
      lockedUntil: row.withdrawal_locked_until === null ? null : new Date(row.withdrawal_locked_until),
      reason: row.withdrawal_lock_reason,
    },
    rebindLockReason: row.rebind_lock_reason,
  };
}

export type NewAccount = Pick<Account, 'id' | 'email' | 'passwordHash' | 'role' | 'createdAt'>;

/** False when the email is taken. */
export async function insertAccount(db: Executor, account: NewAccount): Promise<boolean> {
  const result = await db
    .insertInto('accounts')
    .values({
      id: account.id,
      email: account.email,
      password_hash: account.passwordHash,
      role: account.role,
      created_at: account.createdAt.toISOString(),
      withdrawal_locked_until: null,
      withdrawal_lock_reason: null,
      rebind_lock_reason: null,
    })
    .onConflict((c) => c.column('email').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function findAccountByEmail(db: Executor, email: string): Promise<Account | undefined> {
  const row = await db.selectFrom('accounts').selectAll().where('email', '=', email).executeTakeFirst();
  return row && toAccount(row);
}

export async function findAccountById(db: Executor, id: string): Promise<Account | undefined> {
  const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toAccount(row);
}

export async function setAccountRole(db: Executor, id: string, role: AccountRole): Promise<void> {
  await db.updateTable('accounts').set({ role }).where('id', '=', id).execute();
}

/** Written in the same transaction as the rebind that causes it; clears any pending rebind reason. */
export async function setWithdrawalLock(
  db: Executor,
  id: string,
  lock: { readonly lockedUntil: Date; readonly reason: WithdrawalLockReason },
): Promise<void> {
  await db
    .updateTable('accounts')
    .set({
      withdrawal_locked_until: lock.lockedUntil.toISOString(),
      withdrawal_lock_reason: lock.reason,
      rebind_lock_reason: null,
    })
    .where('id', '=', id)
    .execute();
}

export async function setRebindLockReason(db: Executor, id: string, reason: WithdrawalLockReason): Promise<void> {
  await db.updateTable('accounts').set({ rebind_lock_reason: reason }).where('id', '=', id).execute();
}
