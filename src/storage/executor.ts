import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** A database handle or an open transaction: repositories accept either. */
export type Executor = Kysely<Database>;

/** Rows changed by an UPDATE/DELETE, on SQLite and PostgreSQL alike. */
export function changed(result: { numUpdatedRows?: bigint; numDeletedRows?: bigint }): number {
  return Number(result.numUpdatedRows ?? result.numDeletedRows ?? 0n);
}
