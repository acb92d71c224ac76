// PostgreSQL's statements go out named (src/storage/postgres-pool.ts): each
// connection parses and plans a statement once. What that must not break: a
// statement whose table changed shape under it (another instance migrated)
// fails once on its connection, which is then dropped, and the next query
// runs on a fresh one. And a transaction's BEGIN, sent with its first
// statement, must keep that statement inside the transaction.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { openStorage, type Storage } from '../../src/storage/database.ts';
import { assertQueryInternals, Statement } from '../../src/storage/postgres-pool.ts';
import { DIALECTS, freshDatabase, POSTGRES_URL, type TestDatabase } from '../support/databases.ts';

describe('named statements on PostgreSQL', { skip: !DIALECTS.includes('postgres') }, () => {
  let database: TestDatabase;
  let storage: Storage;
  const id = crypto.randomUUID();
  before(async () => {
    database = await freshDatabase('postgres');
    storage = await openStorage({
      databaseUrl: database.databaseUrl,
      dataDir: database.dataDir,
      schema: database.schema as string,
    });
  });
  after(async () => {
    await storage?.close();
    await database?.drop();
  });

  const accounts = () => storage.db.selectFrom('accounts').selectAll().where('id', '=', id).execute();

  test('a statement with parameters is prepared once on its connection, one without is not', async () => {
    const prepared = await storage.db.connection().execute(async (connection) => {
      await connection.selectFrom('accounts').select('email').where('id', '=', id).execute();
      await connection.selectFrom('accounts').select('email').where('id', '=', id).execute();
      await sql`select 1 as one`.execute(connection);
      const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(
        connection,
      );
      return rows.map((row) => row.statement);
    });
    assert.equal(prepared.filter((s) => s.includes('select "email" from "accounts"')).length, 1, String(prepared));
    assert.ok(!prepared.some((s) => s.includes('select 1')), String(prepared));
  });

  test('a table changed under a prepared statement fails it once, then a fresh connection serves it', async () => {
    assert.deepEqual(await accounts(), []);
    const other = new pg.Client({ connectionString: POSTGRES_URL });
    await other.connect();
    await other.query(`ALTER TABLE ${database.schema}.accounts ADD COLUMN shape_changed text`);
    await other.end();
    // The idle connection that prepared it comes back first (the pool reuses the last released).
    await assert.rejects(accounts(), { code: '0A000' });
    assert.deepEqual(await accounts(), []);
  });

  const xid = sql<{ xid: string }>`select pg_current_xact_id()::text as xid, ${1}::int as one`;

  test("a transaction's first statement, sent with its BEGIN, runs inside it; a rollback undoes it", async () => {
    const [first, second] = await storage.db.transaction().execute(async (trx) => {
      const a = (await xid.execute(trx)).rows[0]?.xid;
      const b = (await xid.execute(trx)).rows[0]?.xid;
      return [a, b];
    });
    assert.ok(first);
    assert.equal(first, second);
    // Outside a transaction each statement is its own.
    const [outside, again] = [
      (await xid.execute(storage.db)).rows[0]?.xid,
      (await xid.execute(storage.db)).rows[0]?.xid,
    ];
    assert.notEqual(outside, again);

    const email = `${crypto.randomUUID()}@example.com`;
    const insert = (db: typeof storage.db) =>
      sql`insert into accounts (id, email, password_hash, created_at) values (${crypto.randomUUID()}, ${email}, ${'x'}, ${new Date().toISOString()})`.execute(
        db,
      );
    await assert.rejects(
      storage.db.transaction().execute(async (trx) => {
        await insert(trx);
        throw new Error('changed my mind');
      }),
      /changed my mind/,
    );
    const left = await storage.db.selectFrom('accounts').select('id').where('email', '=', email).execute();
    assert.deepEqual(left, []);
  });

  test('a transaction that runs nothing, or starts with a statement without parameters, still works', async () => {
    assert.equal(await storage.db.transaction().execute(async () => 'nothing'), 'nothing');
    const [first, second] = await storage.db.transaction().execute(async (trx) => {
      const a = (await sql<{ xid: string }>`select pg_current_xact_id()::text as xid`.execute(trx)).rows[0]?.xid;
      const b = (await xid.execute(trx)).rows[0]?.xid;
      return [a, b];
    });
    assert.ok(first);
    assert.equal(first, second);
  });

  test('a first statement that fails to parse fails its transaction only, and is parsed anew next time', async () => {
    const table = `later_${crypto.randomBytes(4).toString('hex')}`;
    const probe = (db: typeof storage.db) =>
      sql<{ n: number }>`select n from ${sql.table(table)} where n = ${1}`.execute(db);
    // One connection throughout: the pool would otherwise hand out another.
    await storage.db.connection().execute(async (connection) => {
      await assert.rejects(connection.transaction().execute(probe), { code: '42P01' });
      await sql`create table ${sql.table(table)} (n int)`.execute(connection);
      await sql`insert into ${sql.table(table)} values (1)`.execute(connection);
      const { rows } = await connection.transaction().execute(probe);
      assert.deepEqual(rows, [{ n: 1 }]);
    });
  });

  test('a first statement that parses but fails to run fails its transaction only, and runs next time', async () => {
    const divide = (by: number) => (db: typeof storage.db) =>
      sql<{ q: number }>`select 6 / ${by}::int as q`.execute(db);
    await storage.db.connection().execute(async (connection) => {
      await assert.rejects(connection.transaction().execute(divide(0)), { code: '22012' });
      const { rows } = await connection.transaction().execute(divide(3));
      assert.equal(rows[0]?.q, 2);
    });
  });

  test('a first statement that fails to parse leaves BEGIN waiting: a caller that carries on is still in a transaction', async () => {
    const email = `${crypto.randomUUID()}@example.com`;
    const missing = sql`select n from ${sql.table(`missing_${crypto.randomBytes(4).toString('hex')}`)} where n = ${1}`;
    let xids: Array<string | undefined> = [];
    await assert.rejects(
      storage.db.transaction().execute(async (trx) => {
        await assert.rejects(missing.execute(trx), { code: '42P01' });
        // Parse failed, so BEGIN never ran: what follows must still be one transaction.
        xids = [(await xid.execute(trx)).rows[0]?.xid, (await xid.execute(trx)).rows[0]?.xid];
        await sql`insert into accounts (id, email, password_hash, created_at) values (${crypto.randomUUID()}, ${email}, ${'x'}, ${new Date().toISOString()})`.execute(
          trx,
        );
        throw new Error('changed my mind');
      }),
      /changed my mind/,
    );
    assert.ok(xids[0]);
    assert.equal(xids[0], xids[1], 'the statements after the failed one ran in autocommit');
    const left = await storage.db.selectFrom('accounts').select('id').where('email', '=', email).execute();
    assert.deepEqual(left, [], 'the rollback undid the insert');
  });

  test("a reply in BEGIN's place that is not BEGIN's fails the statement instead of being swallowed", async () => {
    // What a pg that sent or ordered the messages otherwise would produce: here
    // the BEGIN is left out, so the statement's own CommandComplete comes first.
    class WithoutBegin extends Statement {
      override prepare(connection: Parameters<Statement['prepare']>[0]): void {
        (pg.Query.prototype as unknown as Statement).prepare.call(this, connection);
      }
    }
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      const reply = new Promise((resolve, reject) => {
        client.query(
          new WithoutBegin(undefined, 'select $1::int as one', [1], true, (error, result) =>
            error ? reject(error) : resolve(result),
          ),
        );
      });
      await assert.rejects(reply, /expected BEGIN's CommandComplete, got SELECT 1/);
    } finally {
      await client.end();
    }
  });
});

test('the pg.Query internals the BEGIN-first statement extends are checked: present in this pg, named when missing', () => {
  assertQueryInternals(pg.Query.prototype);
  const { handleCommandComplete: _, ...others } = Object.fromEntries(
    ['prepare', 'hasBeenParsed', 'handleCommandComplete', 'handleError'].map((name) => [name, () => undefined]),
  );
  assert.throws(() => assertQueryInternals(others), /pg\.Query lacks handleCommandComplete,/);
  assert.throws(() => assertQueryInternals({}), /lacks prepare, hasBeenParsed, handleCommandComplete, handleError/);
});
