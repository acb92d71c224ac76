// The prepared-query contract (src/storage/prepared.ts) on SQLite and
// PostgreSQL. The queries are module-level, so both suites share them as the
// repositories do: SQL compiled for one database must never run on the other.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { beforeEach, test } from 'node:test';
import { CamelCasePlugin, sql } from 'kysely';
import type { Executor } from '../../src/storage/executor.ts';
import { prepared } from '../../src/storage/prepared.ts';
import { describeOnEachDatabase } from '../support/harness.ts';

const T0 = '2030-01-01T00:00:00.000Z';
const T1 = '2030-01-02T00:00:00.000Z';

const newerThan = (db: Executor, since: string) =>
  db
    .selectFrom('accounts')
    .select(['id', 'email', 'role', 'withdrawal_locked_until'])
    .where('created_at', '>=', since)
    .where('email', 'like', '%@prepared.test')
    .orderBy('email');
const preparedNewerThan = prepared((db, p: { since: string }) => newerThan(db, p.since));

// One name twice, a value fixed in the builder between the named ones.
const echo = prepared((db, p: { id: string; a: string; b: string }) =>
  db
    .selectFrom('accounts')
    .select([
      sql<string>`cast(${p.b} as text)`.as('one'),
      sql<string>`cast(${p.a} as text)`.as('two'),
      sql<string>`cast(${p.b} as text)`.as('three'),
    ])
    .where('role', '=', 'user')
    .where('id', '=', p.id),
);

const insertAccount = prepared(
  (db, p: { id: string; email: string; createdAt: string; lockedUntil: string | null; role: 'user' | 'support' }) =>
    db
      .insertInto('accounts')
      .values({
        id: p.id,
        email: p.email,
        password_hash: 'x',
        role: p.role,
        created_at: p.createdAt,
        withdrawal_locked_until: p.lockedUntil,
        withdrawal_lock_reason: null,
        rebind_lock_reason: null,
      })
      .onConflict((c) => c.column('email').doNothing())
      .returning(['id', 'email', 'withdrawal_locked_until']),
);

const byId = prepared((db, p: { id: string }) => db.selectFrom('accounts').selectAll().where('id', '=', p.id));

const lockByEmails = prepared((db, p: { first: string; second: string; until: string | null }) =>
  db.updateTable('accounts').set({ withdrawal_locked_until: p.until }).where('email', 'in', [p.first, p.second]),
);

const deleteByEmail = prepared((db, p: { email: string }) => db.deleteFrom('accounts').where('email', '=', p.email));

const passwordHashOf = prepared((db, p: { id: string }) =>
  db.selectFrom('accounts').select(['id', 'password_hash']).where('id', '=', p.id),
);

describeOnEachDatabase('prepared queries', (h, dialect) => {
  const db = () => h.ctx.storage.db;
  const email = (name: string) => `${name}-${crypto.randomUUID()}@prepared.test`;
  const add = async (name: string, lockedUntil: string | null = null, createdAt = T0) => {
    const id = crypto.randomUUID();
    const row = await insertAccount.first(db(), {
      id,
      email: email(name),
      createdAt,
      lockedUntil,
      role: 'user',
    });
    assert.ok(row);
    return row;
  };

  beforeEach(async () => {
    await db().deleteFrom('accounts').where('email', 'like', '%@prepared.test').execute();
  });

  test('compiles for this database, as the same query built normally', () => {
    const expected = newerThan(db(), T0).compile().sql;
    assert.equal(preparedNewerThan.compiledFor(db()).sql, expected);
    assert.match(expected, dialect === 'postgres' ? /\$1/ : /\?/);
  });

  test('returns what the same query built normally returns', async () => {
    await add('b', T1, T1);
    await add('a', null, T1);
    await add('old', null, T0);
    const rows = await preparedNewerThan.all(db(), { since: T1 });
    assert.deepEqual(rows, await newerThan(db(), T1).execute());
    assert.equal(rows.length, 2);
    assert.deepEqual(await preparedNewerThan.first(db(), { since: T1 }), rows[0]);
    assert.equal(await preparedNewerThan.first(db(), { since: '2031-01-01T00:00:00.000Z' }), undefined);
  });

  test('puts each value where its name is, a name used twice in both places', async () => {
    const { id } = await add('echo');
    assert.deepEqual(await echo.first(db(), { id, a: 'A', b: 'B' }), { one: 'B', two: 'A', three: 'B' });
    assert.deepEqual(await echo.first(db(), { id, a: 'second', b: 'run' }), {
      one: 'run',
      two: 'second',
      three: 'run',
    });
  });

  test('inserts with returning, and null values in and out', async () => {
    const row = await add('nulls', null);
    assert.equal(row.withdrawal_locked_until, null);
    const again = await insertAccount.first(db(), {
      id: crypto.randomUUID(),
      email: row.email,
      createdAt: T0,
      lockedUntil: null,
      role: 'user',
    });
    assert.equal(again, undefined, 'a conflict that does nothing returns no row');
    assert.equal((await byId.first(db(), { id: row.id }))?.withdrawal_locked_until, null);
  });

  test('counts the rows an update or a delete changed', async () => {
    const a = await add('a');
    const b = await add('b');
    await add('c');
    assert.equal(await lockByEmails.changed(db(), { first: a.email, second: b.email, until: T1 }), 2);
    assert.equal((await byId.first(db(), { id: a.id }))?.withdrawal_locked_until, T1);
    assert.equal(await lockByEmails.changed(db(), { first: a.email, second: 'nobody@prepared.test', until: null }), 1);
    assert.equal((await byId.first(db(), { id: a.id }))?.withdrawal_locked_until, null);
    assert.equal((await byId.first(db(), { id: b.id }))?.withdrawal_locked_until, T1);
    assert.equal(
      await lockByEmails.changed(db(), { first: 'x@prepared.test', second: 'y@prepared.test', until: T1 }),
      0,
    );
    assert.equal(await deleteByEmail.changed(db(), { email: b.email }), 1);
    assert.equal(await deleteByEmail.changed(db(), { email: b.email }), 0);
    assert.equal(
      await insertAccount.changed(db(), {
        id: crypto.randomUUID(),
        email: email('d'),
        createdAt: T0,
        lockedUntil: null,
        role: 'user',
      }),
      1,
    );
  });

  test('runs inside a transaction, sees its writes, and runs after it', async () => {
    const a = await add('tx');
    const seen = await db()
      .transaction()
      .execute(async (trx) => {
        assert.equal(await lockByEmails.changed(trx, { first: a.email, second: a.email, until: T1 }), 1);
        return (await byId.first(trx, { id: a.id }))?.withdrawal_locked_until;
      });
    assert.equal(seen, T1);
    assert.equal((await byId.first(db(), { id: a.id }))?.withdrawal_locked_until, T1);

    await assert.rejects(
      db()
        .transaction()
        .execute(async (trx) => {
          await deleteByEmail.changed(trx, { email: a.email });
          assert.equal(await byId.first(trx, { id: a.id }), undefined);
          throw new Error('roll back');
        }),
      /roll back/,
    );
    assert.ok(await byId.first(db(), { id: a.id }), 'the rolled back delete left the row');
  });

  test("applies the executor's plugins, compiled apart from the plain executor", async () => {
    const a = await add('plugin');
    const camel = db().withPlugin(new CamelCasePlugin());
    assert.deepEqual(await passwordHashOf.first(camel, { id: a.id }), { id: a.id, passwordHash: 'x' });
    assert.deepEqual(await passwordHashOf.first(db(), { id: a.id }), { id: a.id, password_hash: 'x' });
  });

  test('refuses a parameter that would change the SQL, or that it cannot place', async () => {
    const inList = prepared((db, p: { ids: string[] }) =>
      db.selectFrom('accounts').select('id').where('id', 'in', p.ids),
    );
    await assert.rejects(inList.all(db(), { ids: ['a'] }), /"ids" cannot be a parameter of "in"/);
    const isNull = prepared((db, p: { until: null }) =>
      db.selectFrom('accounts').select('id').where('withdrawal_locked_until', 'is', p.until),
    );
    await assert.rejects(isNull.all(db(), { until: null }), /"until" cannot be a parameter of "is"/);
    const unused = prepared((db, p: { name: string }) => db.selectFrom('accounts').select(sql.raw(p.name).as('x')));
    await assert.rejects(unused.all(db(), { name: 'id' }), /"name" is not a parameter/);
    await assert.rejects(byId.first(db(), {} as { id: string }), /no value for parameter "id"/);
  });
});
