// PostgreSQL's statements go out named (src/storage/postgres-pool.ts): each
// connection parses and plans a statement once. What that must not break: a
// statement whose table changed shape under it (another instance migrated)
// fails once on its connection, which is then dropped, and the next query
// runs on a fresh one.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { openStorage, type Storage } from '../../src/storage/database.ts';
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
});
