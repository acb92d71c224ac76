// Test databases: a fresh SQLite file in a temp folder, or a fresh PostgreSQL
// schema on 127.0.0.1:5432/test that is dropped afterwards, so runs never
// collide and leave nothing behind.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Dialect } from '../../src/storage/dialect.ts';

export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ALL_DIALECTS: readonly Dialect[] = ['sqlite', 'postgres'];
/** `DIALECTS=sqlite npm test` runs without PostgreSQL (as in Kysely's test setup). */
export const DIALECTS: readonly Dialect[] = selectDialects(process.env.DIALECTS);

function selectDialects(value: string | undefined): readonly Dialect[] {
  if (!value) return ALL_DIALECTS;
  const wanted = value.split(',').map((name) => name.trim());
  const unknown = wanted.filter((name) => !ALL_DIALECTS.includes(name as Dialect));
  if (unknown.length > 0) throw new Error(`DIALECTS: unknown ${unknown.join(', ')} (use sqlite, postgres)`);
  return ALL_DIALECTS.filter((dialect) => wanted.includes(dialect));
}

export interface TestDatabase {
  readonly dialect: Dialect;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly schema: string | undefined;
  drop(): Promise<void>;
}

export async function freshDatabase(dialect: Dialect): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-test-'));
  if (dialect === 'sqlite') {
    return {
      dialect,
      dataDir,
      databaseUrl: undefined,
      schema: undefined,
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const schema = `lk_test_${crypto.randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.end();
  return {
    dialect,
    dataDir,
    databaseUrl: POSTGRES_URL,
    schema,
    async drop() {
      const dropper = new pg.Client({ connectionString: POSTGRES_URL });
      await dropper.connect();
      await dropper.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await dropper.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
