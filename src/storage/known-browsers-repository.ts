// The browsers an account has signed in from (migration 014), by the hash of their device cookie.
import type { Insertable } from 'kysely';
import { insertMany } from './bulk-insert.ts';
import type { Executor } from './executor.ts';
import { prepared } from './prepared.ts';
import type { KnownBrowsersTable } from './schema.ts';

// Every login remembers its browser: built once (prepared.ts).
const rememberQuery = prepared((db, p: { accountId: string; browserHash: string; now: string }) =>
  db
    .insertInto('known_browsers')
    .values({ account_id: p.accountId, browser_hash: p.browserHash, first_seen_at: p.now })
    .onConflict((c) => c.columns(['account_id', 'browser_hash']).doNothing())
    .returning('account_id'),
);

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
  return (await rememberQuery.first(db, { accountId, browserHash, now })) !== undefined;
}

export type KnownBrowserRow = Insertable<KnownBrowsersTable>;

/** Bulk insert (`latchkey seed`), in statements under the database's parameter limit (bulk-insert.ts). */
export async function insertKnownBrowsers(db: Executor, rows: readonly KnownBrowserRow[]): Promise<void> {
  await insertMany(db, 'known_browsers', rows);
}
