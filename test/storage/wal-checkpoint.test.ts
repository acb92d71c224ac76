// Checkpoints off the event loop (src/storage/sqlite-group-commit.ts,
// src/storage/wal-sync.ts, docs/adr/0006): the WAL thread copies the WAL into
// the database file while the next write batch waits, so the WAL starts over
// and stays bounded; no checkpoint runs in a COMMIT on the event loop; a reader
// elsewhere holding an old snapshot delays the restart without stopping
// writes; a real I/O error on the database file during a checkpoint fails
// closed, and every write answered is found again after recovery.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { insertAccount } from '../../src/storage/accounts-repository.ts';
import { openStorage, type Storage, sqliteFile } from '../../src/storage/database.ts';
import { CHECKPOINT_PAGES } from '../../src/storage/sqlite-group-commit.ts';
import { freshDatabase } from '../support/databases.ts';

/** A WAL frame: a 4 KiB page and its 24-byte header. */
const FRAME_BYTES = 4096 + 24;
/** The write counts below were sized for a checkpoint every 1,000 pages: they grow with CHECKPOINT_PAGES. */
const SCALE = CHECKPOINT_PAGES / 1000;

const newAccount = () => ({
  id: crypto.randomUUID(),
  email: `${crypto.randomUUID()}@example.com`,
  // About half a page a row: the WAL grows fast.
  passwordHash: crypto.randomBytes(1000).toString('hex'),
  role: 'user' as const,
  createdAt: new Date(),
});

/** `count` transactions of two writes, `writers` at a time; calls `each` after every one. */
async function write(storage: Storage, count: number, each: () => void = () => {}): Promise<string[]> {
  const ids: string[] = [];
  let started = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (started < count) {
        started++;
        const [a, b] = [newAccount(), newAccount()];
        await storage.db.transaction().execute(async (trx) => {
          await insertAccount(trx, a);
          await insertAccount(trx, b);
        });
        ids.push(a.id, b.id);
        each();
      }
    }),
  );
  return ids;
}

/** SQLite's own answer on a connection of the test's: frames in the WAL, and how many are in the database file. */
function walFrames(file: Database.Database): { log: number; checkpointed: number } {
  const [row] = file.pragma('wal_checkpoint(noop)') as Array<{ log: number; checkpointed: number }>;
  assert.ok(row);
  return row;
}

describe('checkpoints off the event loop (sqlite)', () => {
  test('under continuous writes the WAL thread checkpoints, the WAL starts over and stays bounded; no COMMIT checkpoints', async () => {
    const own = await freshDatabase('sqlite');
    const storage = await openStorage({ dataDir: own.dataDir });
    const observer = new Database(sqliteFile(own.dataDir));
    try {
      const wal = `${sqliteFile(own.dataDir)}-wal`;
      let largest = 0;
      const ids = await write(storage, 1500 * SCALE, () => {
        largest = Math.max(largest, fs.statSync(wal).size);
      });
      // Far more than the WAL holds: without checkpoints it would have grown to many times the bound.
      assert.ok(storage.counters.checkpoints >= 3, `${storage.counters.checkpoints} checkpoints`);
      assert.equal(storage.counters.otherCheckpoints, 0, 'a checkpoint ran in a COMMIT on the event loop');
      const bound = (CHECKPOINT_PAGES + 500) * FRAME_BYTES;
      assert.ok(largest < bound, `the WAL reached ${largest} bytes`);
      assert.ok(walFrames(observer).log < CHECKPOINT_PAGES + 500);
      const found = observer.prepare('select count(*) as n from accounts').get() as { n: number };
      assert.equal(found.n, ids.length);
    } finally {
      observer.close();
      await storage.close();
      await own.drop();
    }
  });

  test('a checkpoint in a COMMIT on the event loop is counted (SQLite autocheckpoint set low)', async () => {
    const own = await freshDatabase('sqlite');
    const storage = await openStorage({ dataDir: own.dataDir });
    try {
      await sql`pragma wal_autocheckpoint = 20`.execute(storage.db);
      await write(storage, 100);
      assert.ok(storage.counters.otherCheckpoints > 0, 'the counter missed checkpoints in COMMITs');
    } finally {
      await storage.close();
      await own.drop();
    }
  });

  test('a reader elsewhere on an old snapshot holds the WAL; writes go on, and the WAL starts over once it ends', async () => {
    const own = await freshDatabase('sqlite');
    const storage = await openStorage({ dataDir: own.dataDir });
    const reader = new Database(sqliteFile(own.dataDir));
    const observer = new Database(sqliteFile(own.dataDir));
    try {
      await write(storage, 20);
      reader.exec('begin');
      reader.prepare('select count(*) from accounts').get(); // the snapshot is taken here
      await write(storage, 1200 * SCALE); // every write resolves: none waits for a checkpoint that cannot finish
      assert.ok(walFrames(observer).log > 2 * CHECKPOINT_PAGES, 'the WAL started over under a reader');
      reader.exec('commit');
      const checkpoints = storage.counters.checkpoints;
      await write(storage, 800 * SCALE);
      assert.ok(storage.counters.checkpoints > checkpoints);
      assert.ok(walFrames(observer).log < CHECKPOINT_PAGES + 500, 'the WAL did not start over');
    } finally {
      observer.close();
      reader.close();
      await storage.close();
      await own.drop();
    }
  });

  test('an I/O error on the database file during a checkpoint fails closed; every write answered survives', async () => {
    const own = await freshDatabase('sqlite');
    try {
      const seeding = await openStorage({ dataDir: own.dataDir });
      await write(seeding, 1000 * SCALE);
      await seeding.close(); // SQLite checkpoints on the last close: the file holds it all
      const databaseBytes = fs.statSync(sqliteFile(own.dataDir)).size;
      assert.ok(databaseBytes > 2 * CHECKPOINT_PAGES * FRAME_BYTES, `${databaseBytes}`);
      // A real kernel error: no file of the process may grow past a limit just
      // above the database file (RLIMIT_FSIZE; Node ignores SIGXFSZ), so the
      // WAL grows but the checkpoint's first page appended to the database
      // file fails with EFBIG: SQLITE_IOERR_WRITE.
      const script = `
        import crypto from 'node:crypto';
        import { openStorage } from ${JSON.stringify(path.resolve('src/storage/database.ts'))};
        import { insertAccount } from ${JSON.stringify(path.resolve('src/storage/accounts-repository.ts'))};
        const storage = await openStorage({ dataDir: ${JSON.stringify(own.dataDir)} });
        const acked = [];
        let failure;
        for (let i = 0; i < ${3000 * SCALE} && !failure; i++) {
          const account = { id: crypto.randomUUID(), email: crypto.randomUUID() + '@example.com',
            passwordHash: crypto.randomBytes(1000).toString('hex'), role: 'user', createdAt: new Date() };
          try {
            await insertAccount(storage.db, account);
            acked.push(account.id);
          } catch (error) {
            failure = error;
          }
        }
        let later = 'answered';
        try {
          await storage.db.selectFrom('accounts').select('id').limit(1).execute();
        } catch (error) {
          later = error.name;
        }
        await storage.close();
        process.stdout.write(JSON.stringify({ acked, name: failure?.name, message: failure?.message, later,
          checkpoints: storage.counters.checkpoints }));
      `;
      const child = spawnSync(
        'prlimit',
        [
          `--fsize=${databaseBytes + 64 * 1024}`,
          process.execPath,
          '--import',
          'tsx',
          '--input-type=module',
          '-e',
          script,
        ],
        { encoding: 'utf8', timeout: 60_000 },
      );
      assert.equal(child.status, 0, child.stderr);
      const outcome = JSON.parse(child.stdout) as {
        acked: string[];
        name?: string;
        message?: string;
        later: string;
        checkpoints: number;
      };
      assert.equal(outcome.name, 'WalSyncError', outcome.message);
      assert.match(outcome.message ?? '', /copied into the database file/);
      assert.equal(outcome.later, 'WalSyncError', 'a read was answered after the failure');
      assert.equal(outcome.checkpoints, 0);
      assert.ok(outcome.acked.length > 100, `${outcome.acked.length} writes`);
      // Recovery (without the limit): every write answered is there.
      const file = new Database(sqliteFile(own.dataDir));
      try {
        const present = file.prepare('select 1 from accounts where id = ?');
        const missing = outcome.acked.filter((id) => present.get(id) === undefined);
        assert.deepEqual(missing, []);
        assert.equal((file.pragma('integrity_check', { simple: true }) as string) ?? '', 'ok');
      } finally {
        file.close();
      }
    } finally {
      await own.drop();
    }
  });
});
