// Migration 022 on both databases: a browser known before it was last seen,
// as far as anyone can tell, when it was first seen; without that its row
// would never be refreshed nor forgotten (`null < day` is never true).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Kysely } from 'kysely';
import { knownBrowsersLastSeenMigration } from '../../src/storage/migrations/022-known-browsers-last-seen.ts';
import { PASSWORD, signUpAndLogin } from '../support/flows.ts';
import { describeOnEachDatabase } from '../support/harness.ts';

describeOnEachDatabase('migration 022-known-browsers-last-seen', (h) => {
  test('every known browser was last seen when it was first seen', async () => {
    const user = await signUpAndLogin(h);
    await h.clock.advance(3600);
    // A second browser (no device cookie), first seen an hour later.
    await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } });
    const db = h.ctx.storage.db;
    const rows = () =>
      db
        .selectFrom('known_browsers')
        .select(['first_seen_at', 'last_seen_at'])
        .where('account_id', '=', user.accountId)
        .orderBy('first_seen_at')
        .execute();
    const firstSeen = (await rows()).map((row) => row.first_seen_at);
    assert.equal(firstSeen.length, 2);
    // The table as it was before the migration, then the migration.
    await db.schema.dropIndex('known_browsers_last_seen').execute();
    await db.schema.alterTable('known_browsers').dropColumn('last_seen_at').execute();
    await knownBrowsersLastSeenMigration().up(db as unknown as Kysely<unknown>);
    assert.deepEqual(
      (await rows()).map((row) => row.last_seen_at),
      firstSeen,
    );
  });
});
