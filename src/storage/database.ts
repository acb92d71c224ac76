// Opens the one database the process uses: embedded SQLite by default, PostgreSQL
// when DATABASE_URL says so. The same Kysely queries run on both.
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { SqliteSynchronous } from '../config.ts';
import { CountingDialect } from './counting-dialect.ts';
import type { Dialect } from './dialect.ts';
import { migrateToLatest } from './migrate.ts';
import { NamedStatementPool } from './postgres-pool.ts';
import type { Database } from './schema.ts';
import { GroupCommitSqliteDialect, type StorageWarning, type WriteCounters } from './sqlite-group-commit.ts';

// int8 columns (steps, sizes, serial ids) fit in a double; read them as numbers.
pg.types.setTypeParser(20, (value) => Number(value));

/** SQLite's page cache, in KiB. */
const SQLITE_CACHE_KIB = 64 * 1024;

export interface Storage {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /** PostgreSQL only: the pool itself, for the database-backed throttles. */
  readonly pgPool?: pg.Pool;
  /** What reached the database since it was opened (tests count commits per login with it). */
  readonly counters: Readonly<WriteCounters>;
  close(): Promise<void>;
}

export interface StorageOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  /** PostgreSQL only: the schema to use (tests use a fresh one per run). */
  schema?: string;
  /** SQLite only; FULL unless said otherwise (config.ts). */
  sqliteSynchronous?: SqliteSynchronous | undefined;
  /** SQLite only: a checkpoint off the event loop that failed without harm (logged by the caller). */
  warn?: StorageWarning;
}

export function sqliteFile(dataDir: string): string {
  return path.join(dataDir, 'latchkey.sqlite');
}

export async function openStorage(options: StorageOptions): Promise<Storage> {
  let storage: Storage;
  const counters: WriteCounters = { units: 0, commits: 0, syncs: 0, checkpoints: 0, otherCheckpoints: 0 };
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 10,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    const db = new Kysely<Database>({
      dialect: new CountingDialect(new PostgresDialect({ pool: new NamedStatementPool(pool) }), counters, true),
    });
    storage = { db, dialect: 'postgres', pgPool: pool, counters, close: () => db.destroy() };
  } else {
    fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    // Created owner-only before SQLite opens it; its -wal and -shm files take the same mode.
    const databasePath = sqliteFile(options.dataDir);
    fs.closeSync(fs.openSync(databasePath, 'a', 0o600));
    const file = new SQLite(databasePath);
    file.pragma('journal_mode = WAL');
    file.pragma('busy_timeout = 5000');
    file.pragma('foreign_keys = ON');
    // SQLite's own page cache (default 2 MiB): the pages of the accounts signing
    // in stay in memory instead of being read again from the file (at 1 M
    // accounts the file is ~3 GiB, and each login touches pages all over it).
    file.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
    // Each login of a group commit is a savepoint in the batch's transaction,
    // and SQLite keeps the original of every page a savepoint changes in a
    // sub-journal, which past 64 KiB spills to a temporary file: a batch of
    // logins wrote more pages there (a pwrite each) than to the WAL. In memory
    // it is a copy; temporary tables and sorts stay in memory too.
    file.pragma('temp_store = MEMORY');
    // The driver sets `synchronous`, syncs the WAL itself at FULL and checkpoints it off the event loop (docs/adr/0006).
    const dialect = new GroupCommitSqliteDialect(file, counters, options.sqliteSynchronous ?? 'FULL', options.warn);
    const db = new Kysely<Database>({ dialect });
    storage = { db, dialect: 'sqlite', counters, close: () => db.destroy() };
  }
  await migrateToLatest(storage.db, storage.dialect);
  return storage;
}
