import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import { SerialSqliteAdapter } from './sqlite-group-commit.ts';

/** A database handle or an open transaction: repositories accept either. */
export type Executor = Kysely<Database>;

/** Rows changed by an UPDATE/DELETE, on SQLite and PostgreSQL alike. */
export function changed(result: { numUpdatedRows?: bigint; numDeletedRows?: bigint }): number {
  return Number(result.numUpdatedRows ?? result.numDeletedRows ?? 0n);
}

/** Runs `work` in the caller's transaction, or in a new one when `db` is not one. */
export function atomically<T>(db: Executor, work: (trx: Executor) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

/** True when transactions never overlap (SQLite here: one connection, held by a transaction to its end). */
export function transactionsAreSerial(db: Executor): boolean {
  return db.getExecutor().adapter instanceof SerialSqliteAdapter;
}
