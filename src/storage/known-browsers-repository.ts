// The browsers an account has signed in from (migration 014), by the hash of their device cookie.
import type { Insertable } from 'kysely';
import { insertMany } from './bulk-insert.ts';
import { changed, type Executor } from './executor.ts';
import { type EveryColumn, prepared } from './prepared.ts';
import type { KnownBrowsersTable } from './schema.ts';

// Every login remembers its browser: built once (prepared.ts). A known browser's
// row is updated only when its last sighting is from an earlier day, so most
// sign-ins from it write nothing; a row returned is one inserted or updated,
// and only an inserted one was first seen now (an updated one was first seen
// on an earlier day).
const rememberQuery = prepared((db, p: { accountId: string; browserHash: string; now: string; day: string }) =>
  db
    .insertInto('known_browsers')
    .values({
      account_id: p.accountId,
      browser_hash: p.browserHash,
      first_seen_at: p.now,
      last_seen_at: p.now,
    } satisfies EveryColumn<KnownBrowsersTable>)
    .onConflict((c) =>
      c
        .columns(['account_id', 'browser_hash'])
        .doUpdateSet({ last_seen_at: p.now })
        .where('known_browsers.last_seen_at', '<', p.day),
    )
    .returning('first_seen_at'),
);

/**
 * Records the browser's sighting for the account; true when it was not known
 * before. One statement on the primary key, so a sign-in pays one indexed
 * write at most (none from a browser already seen on `day`), and two racing
 * sign-ins from one new browser alert once.
 */
export async function rememberBrowser(
  db: Executor,
  accountId: string,
  browserHash: string,
  seen: { now: string; day: string },
): Promise<boolean> {
  const row = await rememberQuery.first(db, { accountId, browserHash, ...seen });
  return row?.first_seen_at === seen.now;
}

/** Forgets the browsers last seen before `cutoff`; how many. */
export async function forgetBrowsersUnseenSince(db: Executor, cutoff: string): Promise<number> {
  return changed(await db.deleteFrom('known_browsers').where('last_seen_at', '<', cutoff).executeTakeFirst());
}

/** Forgets every browser of the account (revokeAccountSessions, when it ends them all). */
export async function forgetAccountBrowsers(db: Executor, accountId: string): Promise<void> {
  await db.deleteFrom('known_browsers').where('account_id', '=', accountId).execute();
}

export type KnownBrowserRow = Insertable<KnownBrowsersTable>;

/** Bulk insert (`latchkey seed`), in statements under the database's parameter limit (bulk-insert.ts). */
export async function insertKnownBrowsers(db: Executor, rows: readonly KnownBrowserRow[]): Promise<void> {
  await insertMany(db, 'known_browsers', rows);
}
