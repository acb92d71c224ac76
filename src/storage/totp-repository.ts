import { sql } from 'kysely';
import { insertMany } from './bulk-insert.ts';
import type { Executor } from './executor.ts';
import { changed } from './executor.ts';
import { prepared } from './prepared.ts';
import type { TotpBindingsTable } from './schema.ts';

export type TotpBindingRow = TotpBindingsTable;

export async function insertTotpBinding(db: Executor, row: TotpBindingRow): Promise<void> {
  await db.insertInto('totp_bindings').values(row).execute();
}

/**
 * Statuses written into the SQL, not bound: the partial index
 * `totp_bindings_one_active` is `where status = 'active'`, and SQLite decides
 * whether a bound `status = ?` matches it from the value, so a statement binding
 * it is planned again on every run (14 µs against 6 µs for the login's binding
 * read, issue 16). test/storage/login-query-plans.test.ts keeps the rule.
 */
const ACTIVE = sql.lit<'active'>('active');
const PENDING = sql.lit<'pending'>('pending');

// Every TOTP login reads the binding and accepts a step: built once (prepared.ts).
const activeBindingQuery = prepared((db, p: { accountId: string }) =>
  db.selectFrom('totp_bindings').selectAll().where('account_id', '=', p.accountId).where('status', '=', ACTIVE),
);
const acceptStepQuery = prepared((db, p: { id: string; step: number; driftSteps: number }) =>
  db
    .updateTable('totp_bindings')
    .set({ last_step: p.step, drift_steps: p.driftSteps })
    .where('id', '=', p.id)
    .where('status', '=', ACTIVE)
    .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', p.step)])),
);

export async function findActiveTotpBinding(db: Executor, accountId: string): Promise<TotpBindingRow | undefined> {
  return activeBindingQuery.first(db, { accountId });
}

export async function findPendingTotpBinding(
  db: Executor,
  id: string,
  accountId: string,
): Promise<TotpBindingRow | undefined> {
  return db
    .selectFrom('totp_bindings')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .where('status', '=', PENDING)
    .executeTakeFirst();
}

/**
 * Records an accepted step. Only a step later than the last accepted one can
 * win, so a code works once even under concurrent requests (RFC 6238 §5.2).
 */
export async function acceptTotpStep(db: Executor, id: string, step: number, driftSteps: number): Promise<boolean> {
  return (await acceptStepQuery.changed(db, { id, step, driftSteps })) === 1;
}

/**
 * Marks a step as used without accepting a code for it: a wrong code diagnosed
 * as right for a future step must never be accepted when that step comes.
 */
export async function burnTotpStep(db: Executor, id: string, step: number): Promise<void> {
  await db
    .updateTable('totp_bindings')
    .set({ last_step: step, burnt_step: step })
    .where('id', '=', id)
    .where('status', '=', ACTIVE)
    .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
    .execute();
}

/** Retires the account's bindings in the given states (a rebind replaces the active one; recovery clears all). */
export async function retireTotpBindings(
  db: Executor,
  accountId: string,
  now: string,
  statuses: ReadonlyArray<'active' | 'pending'>,
): Promise<void> {
  await db
    .updateTable('totp_bindings')
    .set({ status: 'retired', retired_at: now })
    .where('account_id', '=', accountId)
    .where(
      'status',
      'in',
      statuses.map((status) => sql.lit(status)),
    )
    .execute();
}

/**
 * Takes the row lock of a pending, unexpired binding with a no-op write: the
 * transaction that holds it is the one that confirms it.
 */
export async function holdPendingTotpBinding(db: Executor, id: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('totp_bindings')
    .set((eb) => ({ status: eb.ref('status') }))
    .where('id', '=', id)
    .where('status', '=', PENDING)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return changed(result) === 1;
}

/** Makes a held binding (holdPendingTotpBinding) the account's active one. */
export async function activateTotpBinding(db: Executor, id: string, now: string, step: number): Promise<void> {
  await db
    .updateTable('totp_bindings')
    .set({ status: 'active', confirmed_at: now, retired_at: null, last_step: step, drift_steps: 0 })
    .where('id', '=', id)
    .execute();
}

export async function listEncryptedTotpSecrets(
  db: Executor,
): Promise<Array<Pick<TotpBindingRow, 'id' | 'secret_enc'>>> {
  return db.selectFrom('totp_bindings').select(['id', 'secret_enc']).where('status', '!=', 'retired').execute();
}

export async function updateTotpSecret(db: Executor, id: string, secretEnc: string): Promise<void> {
  await db.updateTable('totp_bindings').set({ secret_enc: secretEnc }).where('id', '=', id).execute();
}

/** Many bindings in one statement (`seed`). */
export async function insertTotpBindings(db: Executor, rows: readonly TotpBindingRow[]): Promise<void> {
  await insertMany(db, 'totp_bindings', rows);
}
