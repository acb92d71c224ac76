// Issue 16, scale: a login's statements find their rows through an index, never
// by reading a whole table that grows with the accounts. The binding lookup
// once scanned totp_bindings (a million rows per TOTP login at 1 M accounts):
// its partial index serves only SQL that says 'active' literally.
// SQLite only: its planner picks indexes by rule, so a plan on a small file is
// the plan on a large one; PostgreSQL's is cost-based and rightly scans a table
// of a few rows, which says nothing about a million.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import { seedAccounts, seededEmail, seededTotpSecret } from '../../src/cli/seed.ts';
import { generateTotp } from '../../src/domain/totp.ts';
import { sqliteFile } from '../../src/storage/database.ts';
import { describeOnEachDatabase } from '../support/harness.ts';

/** Tables with rows per account (or per login): a scan of one costs more with every account. */
const GROWING = [
  'accounts',
  'totp_bindings',
  'backup_code_sets',
  'backup_codes',
  'sessions',
  'login_challenges',
  'login_events',
  'second_factor_attempts',
  'known_browsers',
];

// The app's statements are prepared once (and cached): record each SQL text as it is.
const prepared = new Set<string>();
const prepare = SQLite.prototype.prepare;
SQLite.prototype.prepare = function (this: SQLite.Database, source: string) {
  prepared.add(source);
  return prepare.call(this, source);
} as typeof prepare;

describeOnEachDatabase('login query plans', { only: ['sqlite'] }, (h) => {
  test('a password step and a TOTP login read no growing table in full', async () => {
    const manifest = await seedAccounts(h.ctx, { accounts: 5, usableBackupCodes: 0 });
    const key = Buffer.from(manifest.key, 'base64url');
    prepared.clear();
    for (const index of [1, 3]) {
      const login = await h.call('POST', '/v1/sessions', {
        body: { email: seededEmail(manifest, index), password: manifest.password },
      });
      const code = generateTotp({ secret: seededTotpSecret(key, index) }, h.clock.now().getTime());
      const reply = await h.call('POST', '/v1/sessions/verify', {
        body: { challenge: login.body.challenge, method: 'totp', code },
      });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
    }

    const file = new SQLite(sqliteFile(h.database.dataDir), { readonly: true });
    try {
      const statements = [...prepared].filter((s) => /^\s*(select|insert|update|delete|with)\b/i.test(s));
      assert.ok(
        statements.some((s) => s.includes('"totp_bindings"')),
        'the TOTP login was recorded',
      );
      const scans = statements.flatMap((source) => {
        const nulls = Array.from({ length: source.split('?').length - 1 }, () => null);
        const plan = file.prepare(`EXPLAIN QUERY PLAN ${source}`).all(...nulls) as Array<{ detail: string }>;
        return plan
          .filter(({ detail }) => GROWING.some((table) => new RegExp(`^SCAN ${table}\\b`).test(detail)))
          .map(({ detail }) => `${detail}: ${source}`);
      });
      assert.deepEqual(scans, []);
    } finally {
      file.close();
    }
  });
});
