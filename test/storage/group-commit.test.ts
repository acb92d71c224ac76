// Group commit on SQLite (src/storage/sqlite-group-commit.ts, docs/adr/0006):
// concurrent transactions share a commit; each caller's commit resolves only
// once its writes are on disk (seen from another connection to the file); one
// that fails, or one of its statements, takes nobody else's writes with it.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { DomainError } from '../../src/domain/errors.ts';
import { insertAccount } from '../../src/storage/accounts-repository.ts';
import { openStorage, type Storage, sqliteFile } from '../../src/storage/database.ts';
import { GRANTS_PER_TURN } from '../../src/storage/sqlite-group-commit.ts';
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

  test('synchronous is FULL by default, NORMAL when asked', async () => {
    const full = await openStorage({ dataDir: database.dataDir });
    const normal = await openStorage({ dataDir: database.dataDir, sqliteSynchronous: 'NORMAL' });
    try {
      // Read on Kysely's own connection: 2 = FULL, 1 = NORMAL.
      const level = (s: Storage) => sql<{ synchronous: number }>`pragma synchronous`.execute(s.db);
      assert.equal((await level(full)).rows[0]?.synchronous, 2);
      assert.equal((await level(normal)).rows[0]?.synchronous, 1);
    } finally {
      await full.close();
      await normal.close();
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
