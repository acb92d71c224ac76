// Accounts: rows in, domain records (src/domain/account.ts) out
// (docs/adr/0005-storage-access.md).
import { sql } from 'kysely';
import type { Account, AccountRole } from '../domain/account.ts';
import type { FreezeReason } from '../domain/account-freeze.ts';
import type { RecoveryLockCause, WithdrawalLockReason } from '../domain/withdrawal-lock.ts';
import { insertMany } from './bulk-insert.ts';
import { type Executor, transactionsAreSerial } from './executor.ts';
import { freezeColumns, freezeReasonOf } from './freezes-repository.ts';
import { prepared } from './prepared.ts';
import type { AccountsTable } from './schema.ts';

/** An account row as the application's record (ADR 0005); for statements that read the row with others. */
export function toAccount(row: AccountsTable): Account {
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
    pendingRecoveryLock: row.rebind_lock_reason,
  };
}

export type NewAccount = Pick<Account, 'id' | 'email' | 'passwordHash' | 'role' | 'createdAt'>;

/** A new account as its row: no locks yet. */
function toRow(account: NewAccount): AccountsTable {
  return {
    id: account.id,
    email: account.email,
    password_hash: account.passwordHash,
    role: account.role,
    created_at: account.createdAt.toISOString(),
    withdrawal_locked_until: null,
    withdrawal_lock_reason: null,
    rebind_lock_reason: null,
  };
}

/** False when the email is taken. */
export async function insertAccount(db: Executor, account: NewAccount): Promise<boolean> {
  const result = await db
    .insertInto('accounts')
    .values(toRow(account))
    .onConflict((c) => c.column('email').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

// Every login reads the account and takes its row lock: built once (prepared.ts).
const accountByEmailQuery = prepared((db, p: { email: string }) =>
  db.selectFrom('accounts').selectAll().where('email', '=', p.email),
);
const accountByIdQuery = prepared((db, p: { id: string }) =>
  db.selectFrom('accounts').selectAll().where('id', '=', p.id),
);
const lockAccountRowQuery = prepared((db, p: { id: string }) =>
  db
    .updateTable('accounts')
    .set((eb) => ({ role: eb.ref('role') }))
    .where('id', '=', p.id),
);

export async function findAccountByEmail(db: Executor, email: string): Promise<Account | undefined> {
  const row = await accountByEmailQuery.first(db, { email });
  return row && toAccount(row);
}

export async function findAccountById(db: Executor, id: string): Promise<Account | undefined> {
  const row = await accountByIdQuery.first(db, { id });
  return row && toAccount(row);
}

/** An account, and why it is frozen (null: it is not), read together. */
export interface WithAccount {
  readonly account: Account;
  readonly frozen: FreezeReason | null;
}

/** An account row read with `freezeColumns`, as the application's records. */
export function toAccountWithFreeze(
  row: AccountsTable & NonNullable<Parameters<typeof freezeReasonOf>[0]>,
): WithAccount {
  return { account: toAccount(row), frozen: freezeReasonOf(row) };
}

const accountWithFreezeQuery = prepared((db, p: { id: string }) =>
  db
    .selectFrom('accounts')
    .selectAll()
    .select((eb) => freezeColumns(eb.ref('accounts.id')))
    .where('id', '=', p.id),
);

/** The account and its freeze in one statement. */
export async function findAccountWithFreeze(db: Executor, id: string): Promise<WithAccount | undefined> {
  const row = await accountWithFreezeQuery.first(db, { id });
  return row && toAccountWithFreeze(row);
}

export async function setAccountRole(db: Executor, id: string, role: AccountRole): Promise<void> {
  await db.updateTable('accounts').set({ role }).where('id', '=', id).execute();
}

export async function setPasswordHash(db: Executor, id: string, passwordHash: string): Promise<void> {
  await db.updateTable('accounts').set({ password_hash: passwordHash }).where('id', '=', id).execute();
}

/**
 * Serialises security-state changes on one account: a no-op UPDATE takes the
 * account's row lock on PostgreSQL (SQLite runs one transaction at a time, so nothing is written there). Opening
 * a ticket, starting a withdrawal lock and recording a withdrawal hold it, so
 * a withdrawal and a lock that race are ordered by the database.
 */
export async function lockAccountRow(db: Executor, accountId: string): Promise<void> {
  // No write where transactions cannot overlap: it would only add a page to every commit.
  if (transactionsAreSerial(db)) return;
  await lockAccountRowQuery.changed(db, { id: accountId });
}

/**
 * Starts a withdrawal lock ending at `until`, keeping a running lock's later end
 * (and its reason): a lock never shortens, even after the configured hours were
 * lowered. Clears any pending recovery rebind. Returns the stored lock.
 */
export async function keepLaterWithdrawalLock(
  db: Executor,
  id: string,
  lockedUntil: Date,
  reason: WithdrawalLockReason,
): Promise<{ until: Date; reason: WithdrawalLockReason }> {
  const until = lockedUntil.toISOString();
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
  return { until: new Date(row.withdrawal_locked_until ?? until), reason: row.withdrawal_lock_reason ?? reason };
}

/** An approved recovery: the next confirmed binding starts this lock cause. */
export async function setRebindLockCause(db: Executor, id: string, cause: RecoveryLockCause): Promise<void> {
  await db.updateTable('accounts').set({ rebind_lock_reason: cause }).where('id', '=', id).execute();
}

/** Many accounts in one statement (`seed`): emails must be new, a taken one fails the batch. */
export async function insertAccounts(db: Executor, accounts: readonly NewAccount[]): Promise<void> {
  await insertMany(db, 'accounts', accounts.map(toRow));
}
