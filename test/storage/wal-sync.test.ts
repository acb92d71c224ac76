// The WAL thread and the group-commit driver fail closed (src/storage/wal-sync.ts,
// src/storage/wal-sync-worker.ts, src/storage/sqlite-group-commit.ts,
// docs/adr/0006): no caller is answered "durable" for a WAL file recovery
// would not read, and no caller waits forever.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { insertAccount } from '../../src/storage/accounts-repository.ts';
import { openStorage, sqliteFile } from '../../src/storage/database.ts';
import {
  GroupCommitSqliteDialect,
  knowsNoopCheckpoint,
  type WriteCounters,
} from '../../src/storage/sqlite-group-commit.ts';
import { WalSync } from '../../src/storage/wal-sync.ts';
import { freshDatabase } from '../support/databases.ts';

const newAccount = () => ({
  id: crypto.randomUUID(),
  email: `${crypto.randomUUID()}@example.com`,
  passwordHash: 'x',
  role: 'user' as const,
  createdAt: new Date(),
});

describe('WAL sync fails closed (sqlite)', () => {
  test('a WAL file removed under the connection: no write is answered as durable', async () => {
    const own = await freshDatabase('sqlite');
    try {
      const storage = await openStorage({ dataDir: own.dataDir });
      const syncsBefore = storage.counters.syncs;
      // The migrations' commits were synced: the thread holds the WAL open. SQLite
      // keeps writing to the unlinked inode, which recovery after a crash never reads.
      fs.unlinkSync(`${sqliteFile(own.dataDir)}-wal`);
      const outcomes = [];
      for (let i = 0; i < 3; i++) {
        outcomes.push(
          await insertAccount(storage.db, newAccount()).then(
            () => 'resolved',
            (error: Error) => error.name,
          ),
        );
      }
      assert.deepEqual(outcomes, ['WalSyncError', 'WalSyncError', 'WalSyncError']);
      assert.equal(storage.counters.syncs, syncsBefore);
      await storage.close();
    } finally {
      await own.drop();
    }
  });

  test('a failed COMMIT whose ROLLBACK fails too rejects its callers, and the connection answers nothing more', async () => {
    const own = await freshDatabase('sqlite');
    const file = new Database(path.join(own.dataDir, 'rollback.sqlite'));
    file.pragma('journal_mode = WAL');
    file.exec('create table t (x integer)');
    const counters: WriteCounters = { units: 0, commits: 0, syncs: 0, checkpoints: 0, otherCheckpoints: 0 };
    const db = new Kysely<{ t: { x: number } }>({ dialect: new GroupCommitSqliteDialect(file, counters, 'FULL') });
    try {
      await sql`insert into t values (0)`.execute(db); // the driver is initialised
      const write = sql`insert into t values (1)`.execute(db).then(
        () => 'resolved',
        (error: Error) => error.message,
      );
      // better-sqlite3 refuses every statement while an iterator of the connection is
      // open: the batch's COMMIT fails, and so does its ROLLBACK.
      // The lone write opens the batch within microtasks; its COMMIT waits for the next turn (setImmediate).
      const rows = file.prepare('select count(*) from t').pluck();
      for (let i = 0; i < 1000 && rows.get() !== 2; i++) await Promise.resolve();
      assert.ok(file.inTransaction && rows.get() === 2, 'the write did not run in an open batch');
      const iterator = file.prepare('select x from t').iterate();
      iterator.next();
      const outcome = await Promise.race([
        write,
        new Promise((resolve) => setTimeout(() => resolve('still waiting after 2 s'), 2000)),
      ]);
      iterator.return?.();
      assert.match(String(outcome), /busy/);
      const later = await sql`select x from t`.execute(db).then(
        () => 'answered',
        (error: Error) => error.message,
      );
      assert.match(later, /could not roll a failed commit back/);
    } finally {
      await db.destroy().catch(() => {});
      if (file.open) file.close();
      await own.drop();
    }
  });

  test('a thread that does not answer in time fails every waiter closed, and close() returns', async () => {
    const own = await freshDatabase('sqlite');
    const databasePath = path.join(own.dataDir, 'watchdog.sqlite');
    const file = new Database(databasePath);
    file.pragma('journal_mode = WAL');
    file.exec('create table t (x integer)');
    const outcome = (walSync: WalSync) =>
      new Promise<string>((resolve) =>
        walSync.committed([{ resolve: () => resolve('synced'), reject: (error: Error) => resolve(error.message) }]),
      );
    const options = { onSynced: () => {}, onCheckpointWarning: () => {} };
    try {
      // A real slow thread: one just started is still loading its code (tens of ms) when
      // the sync is asked; with a 2 ms watchdog nothing answers in time.
      const slow = new WalSync(databasePath, { ...options, timeoutMs: 2 });
      assert.match(await outcome(slow), /timed out/);
      assert.match(await outcome(slow), /timed out/, 'a later commit was not failed');
      assert.equal(slow.failed, true);
      await slow.close();
      // The same request with the default watchdog is answered.
      const normal = new WalSync(databasePath, options);
      assert.equal(await outcome(normal), 'synced');
      await normal.close();
    } finally {
      file.close();
      await own.drop();
    }
  });

  test('a close takes the connection for good: a query waiting for it fails instead of waiting forever', async () => {
    const own = await freshDatabase('sqlite');
    try {
      const storage = await openStorage({ dataDir: own.dataDir });
      let closing: Promise<void> | undefined;
      const later = await storage.db.connection().execute(async (connection) => {
        // The write's caller hands the connection back while its batch commits and syncs;
        // the close takes it then, and the caller's next query must take it again.
        await insertAccount(connection, newAccount());
        closing = storage.close();
        await new Promise((resolve) => setImmediate(resolve)); // the close took the connection
        return Promise.race([
          connection
            .selectFrom('accounts')
            .select('id')
            .execute()
            .then(
              () => 'answered',
              (error: Error) => error.message,
            ),
          new Promise((resolve) => setTimeout(() => resolve('still waiting after 2 s'), 2000)),
        ]);
      });
      assert.equal(later, 'the storage was closed');
      await closing;
    } finally {
      await own.drop();
    }
  });

  test('an SQLite without wal_checkpoint(noop) is refused: it would checkpoint on the event loop after every commit', () => {
    for (const version of ['3.51.0', '3.51.2', '3.53.2', '3.100.0', '4.0.0'])
      assert.equal(knowsNoopCheckpoint(version), true, version);
    for (const version of ['3.50.4', '3.45.1', '3.9.99', '2.8.17', '', 'x'])
      assert.equal(knowsNoopCheckpoint(version), false, version);
    const bundled = new Database(':memory:');
    try {
      assert.equal(knowsNoopCheckpoint(bundled.prepare('select sqlite_version()').pluck().get() as string), true);
    } finally {
      bundled.close();
    }
  });

  test('a PRAGMA that writes is answered only once it, and the batch open when it came, are committed and synced', async () => {
    const own = await freshDatabase('sqlite');
    try {
      const storage = await openStorage({ dataDir: own.dataDir });
      const reader = new Database(sqliteFile(own.dataDir), { readonly: true });
      try {
        const account = newAccount();
        const write = insertAccount(storage.db, account); // opens a batch, committed in a later turn
        const syncsBefore = storage.counters.syncs;
        await sql`pragma user_version = 7`.execute(storage.db);
        // Another connection sees only what was committed.
        assert.equal(reader.pragma('user_version', { simple: true }), 7, 'the PRAGMA was answered before its commit');
        assert.ok(
          reader.prepare('select 1 from accounts where id = ?').get(account.id),
          'answered inside an open batch',
        );
        assert.ok(storage.counters.syncs > syncsBefore, 'answered before a sync');
        await write;
        // Read-only ones still run at once.
        assert.deepEqual((await sql`pragma user_version`.execute(storage.db)).rows, [{ user_version: 7 }]);
      } finally {
        reader.close();
        await storage.close();
      }
    } finally {
      await own.drop();
    }
  });
});
