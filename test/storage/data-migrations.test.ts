// Migrations that carry data over, on both databases. 008: an approved
// recovery pending under the old value 'recovery' keeps its ticket's kind as
// the lock cause; other accounts are untouched. 021: rows oidc-provider wrote
// before it get their account from the payload (grants, tokens, provider
// sessions), so ending an account's sessions ends them too.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type Kysely, sql } from 'kysely';
import { openStorage, type Storage } from '../../src/storage/database.ts';
import { recoveryLockCauseMigration } from '../../src/storage/migrations/008-recovery-lock-cause.ts';
import { oidcModelsAccountMigration } from '../../src/storage/migrations/021-oidc-models-account.ts';
import { DIALECTS, freshDatabase, type TestDatabase } from '../support/databases.ts';

const at = (day: number) => new Date(Date.UTC(2030, 0, day)).toISOString();

for (const dialect of DIALECTS) {
  describe(`data migrations (${dialect})`, () => {
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

    test("008: 'recovery' becomes the latest approved ticket's kind; nothing else changes", async () => {
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

    test("021: each row's account_id is its payload's accountId", async () => {
      const db = storage.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
      // The table as it was before the migration.
      await sql`DROP INDEX oidc_models_account`.execute(db);
      await sql`ALTER TABLE oidc_models DROP COLUMN account_id`.execute(db);
      const accountId = crypto.randomUUID();
      const rows = [
        { model: 'Grant', payload: { kind: 'Grant', accountId, clientId: 'app' } },
        { model: 'RefreshToken', payload: { kind: 'RefreshToken', accountId, grantId: 'g1' } },
        { model: 'Session', payload: { kind: 'Session', accountId, uid: 'u1' } },
        { model: 'Interaction', payload: { kind: 'Interaction', uid: 'u2' } },
      ];
      for (const [i, row] of rows.entries()) {
        await db
          .insertInto('oidc_models')
          .values({ model: row.model, id: `id-${i}`, payload: JSON.stringify(row.payload) })
          .execute();
      }
      await oidcModelsAccountMigration(dialect).up(db as unknown as Kysely<unknown>);
      const migrated = await storage.db
        .selectFrom('oidc_models')
        .select(['model', 'account_id'])
        .orderBy('id')
        .execute();
      assert.deepEqual(migrated, [
        { model: 'Grant', account_id: accountId },
        { model: 'RefreshToken', account_id: accountId },
        { model: 'Session', account_id: accountId },
        { model: 'Interaction', account_id: null },
      ]);
    });
  });
}
