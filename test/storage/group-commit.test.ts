// Group commit on SQLite (src/storage/sqlite-group-commit.ts, docs/adr/0006):
// concurrent transactions share a commit; each caller's commit resolves only
// once its writes are committed (seen from another connection to the file)
// and the WAL was synced by the sync thread (src/storage/wal-sync.ts); one
// that fails, or one of its statements, takes nobody else's writes with it;
// a sync that fails fails its callers and everything after.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { DomainError } from '../../src/domain/errors.ts';
import { insertAccount } from '../../src/storage/accounts-repository.ts';
import { openStorage, type Storage, sqliteFile } from '../../src/storage/database.ts';
import { GRANTS_PER_TURN } from '../../src/storage/sqlite-group-commit.ts';
import { WalSyncError } from '../../src/storage/wal-sync.ts';
import { freshDatabase, type TestDatabase } from '../support/databases.ts';

const newAccount = (email = `${crypto.randomUUID()}@example.com`) => ({
  id: crypto.randomUUID(),
  email,
  passwordHash: 'x',
  role: 'user' as const,
  createdAt: new Date(),
});

describe('group commit (sqlite)', () => {
  let database: TestDatabase;
  let storage: Storage;
  let reader: Database.Database;
  const committed = (id: string) => reader.prepare('select 1 from accounts where id = ?').get(id) !== undefined;

  before(async () => {
    database = await freshDatabase('sqlite');
    storage = await openStorage({ dataDir: database.dataDir });
    // Another connection to the file sees only what was committed.
    reader = new Database(sqliteFile(database.dataDir), { readonly: true });
  });
  after(async () => {
    reader.close();
    await storage.close();
    await database.drop();
  });

  test('FULL (the default) and EXTRA run the connection at NORMAL and sync the WAL after commits; NORMAL syncs nothing more', async () => {
    const full = await openStorage({ dataDir: database.dataDir });
    const extra = await openStorage({ dataDir: database.dataDir, sqliteSynchronous: 'EXTRA' });
    const normal = await openStorage({ dataDir: database.dataDir, sqliteSynchronous: 'NORMAL' });
    try {
      // Read on Kysely's own connection: 1 = NORMAL. No fsync in a COMMIT on the event loop.
      const level = async (s: Storage) =>
        (await sql<{ synchronous: number }>`pragma synchronous`.execute(s.db)).rows[0];
      for (const s of [full, extra, normal]) assert.deepEqual(await level(s), { synchronous: 1 });
      for (const s of [full, extra]) {
        const before = s.counters.syncs;
        await insertAccount(s.db, newAccount());
        assert.ok(s.counters.syncs > before, 'a write at FULL resolved before a sync');
      }
      const before = normal.counters.syncs;
      await insertAccount(normal.db, newAccount());
      assert.equal(normal.counters.syncs, before);
      assert.equal(normal.counters.syncs, 0);
    } finally {
      await full.close();
      await extra.close();
      await normal.close();
    }
  });

  test('a caller resolves only after a sync that started after its commit', async () => {
    for (let i = 0; i < 20; i++) {
      // The previous write resolved once its sync completed: no sync is in flight now.
      const syncs = storage.counters.syncs;
      const account = newAccount();
      await storage.db.transaction().execute((trx) => insertAccount(trx, account));
      assert.ok(committed(account.id));
      assert.ok(storage.counters.syncs > syncs, `write ${i} resolved before the sync of its commit`);
    }
  });

  test('batches that commit while a sync is in flight share the next sync', async () => {
    const before = { ...storage.counters };
    // A lone write every turn of the event loop, none waiting for another: each
    // opens a batch of its own that commits in the next turn, much sooner than
    // an fsync completes, so later batches commit while a sync runs.
    const writes: Array<Promise<void>> = [];
    for (let i = 0; i < 160; i++) {
      const account = newAccount();
      writes.push(insertAccount(storage.db, account).then(() => assert.ok(committed(account.id))));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(writes);
    const commits = storage.counters.commits - before.commits;
    const syncs = storage.counters.syncs - before.syncs;
    assert.equal(storage.counters.units - before.units, 160);
    assert.ok(syncs >= 1 && syncs < commits, `${syncs} syncs for ${commits} commits`);
  });

  test('a sync that fails fails the callers of its batches, and the connection stays closed to everything after', async () => {
    const own = await freshDatabase('sqlite');
    const failing = await openStorage({ dataDir: own.dataDir });
    try {
      await insertAccount(failing.db, newAccount()); // the sync thread holds the WAL open now
      // A real fsync error from the kernel: the WAL's name now leads to a file
      // that cannot be synced (/dev/full answers EINVAL). SQLite keeps writing
      // to the file it has open; the sync thread syncs that one, then the new
      // one under the name, and fails.
      const wal = `${sqliteFile(own.dataDir)}-wal`;
      fs.renameSync(wal, `${wal}.moved`);
      fs.symlinkSync('/dev/full', wal);
      const outcomes = await Promise.allSettled(
        Array.from({ length: 5 }, () => failing.db.transaction().execute((trx) => insertAccount(trx, newAccount()))),
      );
      for (const outcome of outcomes) {
        assert.equal(outcome.status, 'rejected');
        assert.ok(outcome.reason instanceof WalSyncError, String(outcome.reason));
      }
      // Fail closed: no later write, nor read, is answered as if durable.
      await assert.rejects(insertAccount(failing.db, newAccount()), WalSyncError);
      await assert.rejects(sql`select 1`.execute(failing.db), WalSyncError);
    } finally {
      await failing.close();
      await own.drop();
    }
  });

  test('closing commits and syncs the last batch; an unclosed storage does not keep the process alive', async () => {
    const own = await freshDatabase('sqlite');
    try {
      const closing = await openStorage({ dataDir: own.dataDir });
      const ids = Array.from({ length: 5 }, () => newAccount());
      const writes = ids.map((account) => insertAccount(closing.db, account));
      await closing.close();
      await Promise.all(writes);
      const file = new Database(sqliteFile(own.dataDir), { readonly: true });
      try {
        for (const { id } of ids) assert.ok(file.prepare('select 1 from accounts where id = ?').get(id));
      } finally {
        file.close();
      }
      // A process that writes and never closes its storage still exits on its own.
      const script = `
        import { openStorage } from ${JSON.stringify(path.resolve('src/storage/database.ts'))};
        const storage = await openStorage({ dataDir: ${JSON.stringify(own.dataDir)} });
        await storage.db.selectFrom('accounts').select('id').execute();
        await storage.db.deleteFrom('accounts').where('id', '=', ${JSON.stringify(ids[0]?.id)}).execute();
        process.stdout.write(String(storage.counters.syncs));
      `;
      const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        encoding: 'utf8',
        timeout: 30_000,
      });
      assert.equal(child.status, 0, child.stderr);
      assert.ok(Number(child.stdout) >= 1, child.stdout);
    } finally {
      await own.drop();
    }
  });

  test('concurrent transactions share commits; each resolves only once its writes are committed', async () => {
    const before = { ...storage.counters };
    const ids = await Promise.all(
      Array.from({ length: 40 }, async () => {
        const account = newAccount();
        await storage.db.transaction().execute(async (trx) => {
          await insertAccount(trx, account);
          await insertAccount(trx, { ...newAccount(), email: `second-${account.email}` });
        });
        // Resolved: on disk, as another connection sees it.
        assert.ok(committed(account.id), 'a transaction resolved before its commit');
        return account.id;
      }),
    );
    assert.equal(ids.length, 40);
    const units = storage.counters.units - before.units;
    const commits = storage.counters.commits - before.commits;
    assert.equal(units, 40);
    assert.ok(commits >= 1 && commits < 10, `${commits} commits for 40 transactions`);
  });

  test('a failing transaction in the middle of a batch rolls back only itself', async () => {
    const taken = `${crypto.randomUUID()}@example.com`;
    await insertAccount(storage.db, newAccount(taken));
    const commitsBefore = storage.counters.commits;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 21 }, async (_, i) => {
        const account = newAccount();
        await storage.db.transaction().execute(async (trx) => {
          await insertAccount(trx, account);
          if (i === 10) {
            // Wrote, then failed: none of it may survive, and nobody else's may be lost.
            throw new DomainError('invalid_request', 'failing on purpose');
          }
          if (i === 15) {
            // A statement that fails (unique email) and is not caught.
            await sql`insert into accounts (id, email) values (${crypto.randomUUID()}, ${taken})`.execute(trx);
          }
        });
        return account.id;
      }),
    );
    const failed = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [i] : []));
    assert.deepEqual(failed, [10, 15]);
    for (const outcome of outcomes) {
      if (outcome.status === 'fulfilled') assert.ok(committed(outcome.value));
    }
    const survivors = reader.prepare('select count(*) as n from accounts where email = ?').get(taken) as { n: number };
    assert.equal(survivors.n, 1);
    assert.ok(storage.counters.commits - commitsBefore < 21, 'the batch was not split per transaction');
  });

  test("a transaction's savepoint keeps the pages it changes in memory, not in a temporary file", async () => {
    // Every transaction of a batch is a savepoint, and SQLite keeps the
    // original of each page it changes in a sub-journal that, past 64 KiB
    // (16 pages), spilled to a temporary file: a login changes about that
    // many, and paid for a file's creation, writes and deletion.
    await sql`create table if not exists wide_rows (id integer primary key, filler text not null)`.execute(storage.db);
    await storage.db.transaction().execute(async (trx) => {
      for (let id = 1; id <= 40; id += 1) {
        await sql`insert or replace into wide_rows (id, filler) values (${id}, ${'x'.repeat(3000)})`.execute(trx);
      }
    });
    const temporaryFiles = () =>
      fs
        .readdirSync('/proc/self/fd')
        .flatMap((fd) => {
          try {
            return [fs.readlinkSync(`/proc/self/fd/${fd}`)];
          } catch {
            return [];
          }
        })
        .filter((target) => /etilqs_/.test(target));
    let seen: string[] = [];
    await storage.db.transaction().execute(async (trx) => {
      // 40 rows of ~3 KB, a page each: 40 pages that existed before the savepoint.
      await sql`update wide_rows set filler = ${'y'.repeat(3000)}`.execute(trx);
      seen = temporaryFiles();
    });
    assert.deepEqual(seen, []);
  });

  test('writes outside a transaction join the batch and resolve after its commit; a failed one alone fails', async () => {
    const taken = `${crypto.randomUUID()}@example.com`;
    await insertAccount(storage.db, newAccount(taken));
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, async (_, i) => {
        const account = i === 4 ? newAccount(taken) : newAccount();
        if (i === 4) await sql`insert into accounts (id, email) values (${account.id}, ${taken})`.execute(storage.db);
        else await insertAccount(storage.db, account);
        assert.ok(committed(account.id));
      }),
    );
    assert.deepEqual(
      outcomes.map((o) => o.status),
      outcomes.map((_, i) => (i === 4 ? 'rejected' : 'fulfilled')),
    );
  });

  test('a crowd of queries leaves the event loop its turns: the connection is granted a bounded number of times per turn', async () => {
    // libuv accepts one new connection per turn of the loop: a turn that served
    // every waiting query kept new connections out (docs/adr/0006).
    const queries = 10 * GRANTS_PER_TURN;
    let served = 0;
    let servedWhenTheLoopCameRound: number | undefined;
    setImmediate(() => {
      servedWhenTheLoopCameRound = served;
    });
    await Promise.all(
      Array.from({ length: queries }, async () => {
        await sql`select 1`.execute(storage.db);
        served++;
      }),
    );
    assert.equal(served, queries);
    assert.ok(
      servedWhenTheLoopCameRound !== undefined && servedWhenTheLoopCameRound < queries,
      `all ${queries} queries were served before the event loop had a turn`,
    );
  });
});
