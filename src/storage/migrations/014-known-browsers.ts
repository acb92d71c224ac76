// The browsers each account has signed in from (issue 12, new-browser sign-in
// alerts): the SHA-256 of a long-lived random device cookie, never the user
// agent (a user agent is a claim anyone can copy, not an identity). The
// primary key is the one index a sign-in touches: one insert that does
// nothing when the browser is already known.
import type { Kysely } from 'kysely';

export function knownBrowsersMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('known_browsers')
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('browser_hash', 'text', (c) => c.notNull())
        .addColumn('first_seen_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('known_browsers_pk', ['account_id', 'browser_hash'])
        .execute();
    },
  };
}
