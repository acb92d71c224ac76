// Issue 16, scale: a login's statements, and a rebind's retiring of bindings,
// find their rows through an index, never by reading a whole table that grows
// with the accounts. Each plan is taken with the values the statement ran with:
// `status in ('active', 'pending')` cannot use the partial index
// totp_bindings_one_active and scanned every binding (0.9 s at 1 M accounts)
// until migration 020. And no statement binds a value a partial index's
// predicate compares (SQLite would plan it again on every run).
// SQLite only: its planner picks indexes by rule, so a plan on a small file is
// the plan on a large one; PostgreSQL's is cost-based and rightly scans a table
// of a few rows, which says nothing about a million.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import { seedAccounts, seededEmail, seededTotpSecret } from '../../src/cli/seed.ts';
import { generateTotp } from '../../src/domain/totp.ts';
import { findAccountByEmail } from '../../src/storage/accounts-repository.ts';
import { sqliteFile } from '../../src/storage/database.ts';
import { retireTotpBindings } from '../../src/storage/totp-repository.ts';
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

// Every statement run, with the values it last ran with.
const ran = new Map<string, unknown[]>();
const probe = new SQLite(':memory:');
const statementMethods = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, unknown>;
probe.close();
for (const method of ['run', 'get', 'all', 'iterate']) {
  const original = statementMethods[method] as (this: SQLite.Statement, ...args: unknown[]) => unknown;
  statementMethods[method] = function (this: SQLite.Statement, ...args: unknown[]) {
    ran.set(this.source, args);
    return original.apply(this, args);
  };
}

describeOnEachDatabase('login query plans', { only: ['sqlite'] }, (h) => {
  test("a password step, a TOTP login and a rebind's retiring of bindings read no growing table in full", async () => {
    const manifest = await seedAccounts(h.ctx, { accounts: 5, usableBackupCodes: 0 });
    const key = Buffer.from(manifest.key, 'base64url');
    ran.clear();
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
    const account = await findAccountByEmail(h.ctx.storage.db, seededEmail(manifest, 2));
    assert.ok(account);
    await retireTotpBindings(h.ctx.storage.db, account.id, h.clock.now().toISOString(), ['active', 'pending']);

    const file = new SQLite(sqliteFile(h.database.dataDir), { readonly: true });
    try {
      const statements = [...ran].filter(([source]) => /^\s*(select|insert|update|delete|with)\b/i.test(source));
      assert.ok(
        statements.some(([source]) => source.includes('"totp_bindings"')),
        'the binding statements ran',
      );
      const scans = statements.flatMap(([source, args]) => {
        const plan = file.prepare(`EXPLAIN QUERY PLAN ${source}`).all(...args) as Array<{ detail: string }>;
        // A plan names a table by its alias when the statement gives one ("login_challenges" as "c").
        const aliases = [...source.matchAll(/"(\w+)" as "(\w+)"/g)].flatMap(([, table, alias]) =>
          GROWING.includes(table as string) ? [alias as string] : [],
        );
        return plan
          .filter(({ detail }) =>
            [...GROWING, ...aliases].some((table) => new RegExp(`^SCAN ${table}\\b`).test(detail)),
          )
          .map(({ detail }) => `${detail}: ${source}`);
      });
      assert.deepEqual(scans, []);

      // A partial index whose predicate compares a column to a value (`status = 'active'`):
      // SQLite decides whether a bound `status = ?` matches it from the value, so such a
      // statement is planned again on every run. Those values are written into the SQL.
      const partial = (
        file
          .prepare("select tbl_name, sql from sqlite_master where type = 'index' and sql like '% where %'")
          .all() as Array<{
          tbl_name: string;
          sql: string;
        }>
      ).flatMap(({ tbl_name, sql }) =>
        [...(sql.split(/ where /i)[1] ?? '').matchAll(/"(\w+)"\s*(?:=|<>|!=)/g)].map(([, column]) => ({
          table: tbl_name,
          column,
        })),
      );
      assert.ok(
        partial.some(({ table }) => table === 'totp_bindings'),
        'the partial index on active bindings is found',
      );
      const replanned = statements.flatMap(([source]) =>
        partial
          .filter(
            ({ table, column }) =>
              source.includes(`"${table}"`) &&
              new RegExp(`"${column}"\\s*(=|<>|!=|in)\\s*\\(?\\?`).test(
                source
                  .split(/\swhere\s/i)
                  .slice(1)
                  .join(' '),
              ),
          )
          .map(({ table, column }) => `${table}.${column} bound in: ${source}`),
      );
      assert.deepEqual(replanned, []);

      // The budget on a right code (ADR 0003): one statement reads the lock, the
      // failures and the guess, each found through the account's index; nothing is written.
      const budget = statements.filter(([source]) => /"second_factor_(attempts|locks)"/.test(source));
      assert.deepEqual(
        budget.filter(([source]) => !/^\s*select\b/i.test(source)),
        [],
        'a right code writes nothing in the budget',
      );
      const admissions = budget.filter(([source]) => source.includes('"second_factor_attempts"'));
      assert.equal(admissions.length, 1, admissions.map(([source]) => source).join('\n'));
      const [admission, args] = admissions[0] as [string, unknown[]];
      const plan = file.prepare(`EXPLAIN QUERY PLAN ${admission}`).all(...args) as Array<{ detail: string }>;
      assert.deepEqual(
        plan.filter(({ detail }) => /second_factor/.test(detail)).map(({ detail }) => detail.split(' USING ')[0]),
        ['SEARCH second_factor_locks', 'SEARCH second_factor_attempts', 'SEARCH second_factor_attempts'],
        JSON.stringify(plan),
      );
    } finally {
      file.close();
    }
  });
});
