// The browsers an account has signed in from (migration 014), by the hash of their device cookie.
import type { Insertable } from 'kysely';
import type { Executor } from './executor.ts';
import type { KnownBrowsersTable } from './schema.ts';

/**
 * Records the browser for the account; true when it was not known before.
 * One statement on the primary key, so a sign-in pays one indexed write and
 * two racing sign-ins from one new browser alert once.
 */
export async function rememberBrowser(
  db: Executor,
  accountId: string,
  browserHash: string,
  now: string,
): Promise<boolean> {
  const inserted = await db
    .insertInto('known_browsers')
    .values({ account_id: accountId, browser_hash: browserHash, first_seen_at: now })
    .onConflict((c) => c.columns(['account_id', 'browser_hash']).doNothing())
    .returning('account_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export type KnownBrowserRow = Insertable<KnownBrowsersTable>;

/** Bulk insert (`latchkey seed`): the caller keeps each statement under the database's parameter limit. */
export async function insertKnownBrowsers(db: Executor, rows: readonly KnownBrowserRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('known_browsers').values(rows).execute();
}
