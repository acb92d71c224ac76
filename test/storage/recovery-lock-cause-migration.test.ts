// Migration 008 on both databases: an approved recovery pending under the old
// value 'recovery' keeps its ticket's kind as the lock cause; other accounts
// are untouched.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import { openStorage, type Storage } from '../../src/storage/database.ts';
import { recoveryLockCauseMigration } from '../../src/storage/migrations/008-recovery-lock-cause.ts';
import { DIALECTS, freshDatabase, type TestDatabase } from '../support/databases.ts';

const at = (day: number) => new Date(Date.UTC(2030, 0, day)).toISOString();

for (const dialect of DIALECTS) {
  describe(`migration 008-recovery-lock-cause (${dialect})`, () => {
    let database: TestDatabase;
    let storage: Storage;
    before(async () => {
      database = await freshDatabase(dialect);
      storage = await openStorage({
        databaseUrl: database.databaseUrl,
        dataDir: database.dataDir,
        ...(database.schema ? { schema: database.schema } : {}),
      });
    });
    after(async () => {
      await storage.close();
      await database.drop();
    });

    async function account(pending: string | null, tickets: Array<{ kind: string; status: string; day: number }>) {
      const id = crypto.randomUUID();
      const db = storage.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
      await db
        .insertInto('accounts')
        .values({
          id,
          email: `${id}@example.com`,
          password_hash: 'x',
          role: 'user',
          created_at: at(1),
          withdrawal_locked_until: null,
          withdrawal_lock_reason: null,
          rebind_lock_reason: pending,
        })
        .execute();
      for (const t of tickets) {
        await db
          .insertInto('recovery_tickets')
          .values({
            id: crypto.randomUUID(),
            account_id: id,
            kind: t.kind,
            status: t.status,
            token_hash: crypto.randomUUID(),
            created_at: at(t.day),
            evidence_due_by: at(t.day + 14),
            submitted_at: null,
            review_due_by: null,
            decided_at: at(t.day),
            decision_note: null,
            overdue_notified_at: null,
            claimant_ip: null,
            claimant_user_agent: null,
          })
          .execute();
      }
      return id;
    }

    const cause = async (id: string) =>
      (await storage.db.selectFrom('accounts').select('rebind_lock_reason').where('id', '=', id).executeTakeFirst())
        ?.rebind_lock_reason;

    test("'recovery' becomes the latest approved ticket's kind; nothing else changes", async () => {
      const full = await account('recovery', [
        { kind: 'lost_two_factor', status: 'approved', day: 1 },
        { kind: 'full_verification', status: 'approved', day: 5 },
        { kind: 'lost_two_factor', status: 'rejected', day: 9 },
      ]);
      const lost = await account('recovery', [{ kind: 'lost_two_factor', status: 'approved', day: 3 }]);
      const orphan = await account('recovery', []);
      const none = await account(null, [{ kind: 'full_verification', status: 'approved', day: 2 }]);
      await recoveryLockCauseMigration().up(storage.db as unknown as Kysely<unknown>);
      assert.equal(await cause(full), 'full_verification_recovery');
      assert.equal(await cause(lost), 'lost_two_factor_recovery');
      assert.equal(await cause(orphan), 'lost_two_factor_recovery');
      assert.equal(await cause(none), null);
    });
  });
}
