// The attempt-budget contract: SqlAttemptBudget on SQLite and PostgreSQL, and
// RedisAttemptBudget on the local Redis. Every case uses fresh account ids.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { shouldLock } from '../../src/domain/attempt-budget.ts';
import { FAILURE_WINDOW_MS, FAILURES_BEFORE_LOCK, PENDING_RESERVATION_MS } from '../../src/domain/policy.ts';
import { insertAccount } from '../../src/storage/accounts-repository.ts';
import type { AttemptBudgetStore } from '../../src/storage/attempt-budget.ts';
import { RedisAttemptBudget } from '../../src/storage/attempt-budget-redis.ts';
import { SqlAttemptBudget } from '../../src/storage/attempt-budget-sql.ts';
import { openStorage, type Storage } from '../../src/storage/database.ts';
import { DIALECTS, freshDatabase, REDIS_URL, type TestDatabase } from '../support/databases.ts';

interface Backend {
  readonly name: string;
  setUp(): Promise<{ store: AttemptBudgetStore; newAccount(): Promise<string>; tearDown(): Promise<void> }>;
}

function sqlBackend(dialect: 'sqlite' | 'postgres'): Backend {
  return {
    name: `SqlAttemptBudget on ${dialect}`,
    async setUp() {
      const database: TestDatabase = await freshDatabase(dialect);
      const storage: Storage = await openStorage({
        databaseUrl: database.databaseUrl,
        dataDir: database.dataDir,
        ...(database.schema ? { schema: database.schema } : {}),
      });
      return {
        store: new SqlAttemptBudget(storage.db),
        async newAccount() {
          const id = crypto.randomUUID();
          await insertAccount(storage.db, {
            id,
            email: `${id}@example.com`,
            passwordHash: 'x',
            role: 'user',
            createdAt: new Date(),
          });
          return id;
        },
        async tearDown() {
          await storage.close();
          await database.drop();
        },
      };
    },
  };
}

const redisBackend: Backend = {
  name: 'RedisAttemptBudget on Redis',
  async setUp() {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
    const prefix = `lk_test_${crypto.randomBytes(6).toString('hex')}`;
    return {
      store: new RedisAttemptBudget(redis, prefix),
      newAccount: async () => crypto.randomUUID(),
      async tearDown() {
        const keys = await redis.keys(`${prefix}:*`);
        if (keys.length > 0) await redis.del(...keys);
        redis.disconnect();
      },
    };
  },
};

const T0 = new Date('2030-06-01T12:00:00.000Z');
const later = (ms: number) => new Date(T0.getTime() + ms);
const fp = (n: number | string) => `fingerprint-${n}`;

for (const backend of [...DIALECTS.map(sqlBackend), redisBackend]) {
  describe(`attempt budget contract: ${backend.name}`, () => {
    let store: AttemptBudgetStore;
    let newAccount: () => Promise<string>;
    let tearDown: () => Promise<void>;
    before(async () => {
      ({ store, newAccount, tearDown } = await backend.setUp());
    });
    after(async () => tearDown());

    async function failOnce(account: string, fingerprint: string, now = T0): Promise<number> {
      const r = await store.reserve(account, fingerprint, 'totp', now);
      assert.equal(r.kind, 'reserved', JSON.stringify(r));
      if (r.kind !== 'reserved') return -1;
      assert.equal(r.repeat, false);
      return store.fail(account, r.attemptId, now);
    }

    test('a repeated fingerprint is checked but counted once', async () => {
      const account = await newAccount();
      assert.equal(await failOnce(account, fp('same')), 1);
      for (let i = 0; i < 4; i += 1) {
        const again = await store.reserve(account, fp('same'), 'totp', later(1000));
        assert.deepEqual(again.kind === 'reserved' && again.repeat, true, JSON.stringify(again));
        if (again.kind === 'reserved') assert.equal(await store.fail(account, again.attemptId, later(1000)), 1);
      }
      assert.equal(await failOnce(account, fp('other')), 2);
    });

    test('10 failures: the count says lock; the caller locks; reservations are refused until the lock ends', async () => {
      const account = await newAccount();
      const counts: number[] = [];
      for (let i = 1; i <= FAILURES_BEFORE_LOCK; i += 1) counts.push(await failOnce(account, fp(i)));
      assert.deepEqual(
        counts,
        Array.from({ length: FAILURES_BEFORE_LOCK }, (_, i) => i + 1),
      );
      assert.equal(shouldLock(counts.at(-2) ?? 0), false);
      assert.equal(shouldLock(counts.at(-1) ?? 0), true);
      // Even before the caller locks, a full window lets nothing more through.
      assert.equal((await store.reserve(account, fp('eleventh'), 'totp', T0)).kind, 'locked');

      const until = later(FAILURE_WINDOW_MS);
      assert.equal(await store.lock(account, until, T0), true);
      assert.equal((await store.lockedUntil(account, later(1000)))?.toISOString(), until.toISOString());
      const refused = await store.reserve(account, fp('right-code'), 'totp', later(1000));
      assert.equal(refused.kind, 'locked');
      if (refused.kind === 'locked') assert.equal(refused.until.toISOString(), until.toISOString());
      assert.equal(await store.lockedUntil(account, until), null, 'the lock ends at its end');
    });

    test('lock is a guarded write: one winner among 20 concurrent lockers; none while a lock is on', async () => {
      const account = await newAccount();
      const until = later(FAILURE_WINDOW_MS);
      const results = await Promise.all(Array.from({ length: 20 }, () => store.lock(account, until, T0)));
      assert.equal(results.filter(Boolean).length, 1, String(results));
      assert.equal(await store.lock(account, later(2 * FAILURE_WINDOW_MS), later(1000)), false);
      assert.equal((await store.lockedUntil(account, later(1000)))?.toISOString(), until.toISOString());
      // After it ends, a new lock can be set.
      const next = later(3 * FAILURE_WINDOW_MS);
      assert.equal(await store.lock(account, next, until), true);
      assert.equal((await store.lockedUntil(account, until))?.toISOString(), next.toISOString());
    });

    test('a released reservation (right code) is not counted', async () => {
      const account = await newAccount();
      assert.equal(await failOnce(account, fp(1)), 1);
      const right = await store.reserve(account, fp('right'), 'totp', T0);
      assert.equal(right.kind, 'reserved');
      if (right.kind === 'reserved') await store.release(account, right.attemptId);
      assert.equal(await failOnce(account, fp(2)), 2);
      // Releasing frees the fingerprint: the same code later is a fresh attempt.
      const again = await store.reserve(account, fp('right'), 'totp', T0);
      assert.equal(again.kind === 'reserved' && again.repeat, false);
    });

    test('concurrent reservations never let more than FAILURES_BEFORE_LOCK through', async () => {
      const account = await newAccount();
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => store.reserve(account, fp(`c${i}`), 'totp', T0)),
      );
      const reserved = results.filter((r) => r.kind === 'reserved');
      // The SQL store may refuse a whole burst (everyone counts past the limit and backs out); it must never
      // let more than the limit through.
      assert.ok(reserved.length <= FAILURES_BEFORE_LOCK, `${reserved.length} reserved`);
      const counts = await Promise.all(
        reserved.map((r) => (r.kind === 'reserved' ? store.fail(account, r.attemptId, T0) : Promise.resolve(0))),
      );
      assert.ok(Math.max(...counts) <= FAILURES_BEFORE_LOCK, String(counts));
      assert.equal(Math.max(0, ...counts), reserved.length);
    });

    test('concurrent reserve-then-fail rounds never count more than FAILURES_BEFORE_LOCK failures', async () => {
      const account = await newAccount();
      const counts = await Promise.all(
        Array.from({ length: 30 }, async (_, i) => {
          const r = await store.reserve(account, fp(`r${i}`), 'totp', T0);
          return r.kind === 'reserved' ? store.fail(account, r.attemptId, T0) : 0;
        }),
      );
      let failures = Math.max(...counts);
      assert.ok(failures <= FAILURES_BEFORE_LOCK, String(counts));
      // Whatever the burst got through, the account still has exactly the budget in total.
      for (let i = 0; i < 2 * FAILURES_BEFORE_LOCK; i += 1) {
        const r = await store.reserve(account, fp(`after${i}`), 'totp', T0);
        if (r.kind === 'locked') break;
        failures = await store.fail(account, r.attemptId, T0);
      }
      assert.equal(failures, FAILURES_BEFORE_LOCK);
    });

    test('failures() reports the window without counting: pending and released reservations are not failures', async () => {
      const account = await newAccount();
      assert.equal(await store.failures(account, T0), 0);
      assert.equal(await failOnce(account, fp(1)), 1);
      assert.equal(await failOnce(account, fp(2)), 2);
      const pending = await store.reserve(account, fp('in flight'), 'totp', T0);
      assert.equal(pending.kind, 'reserved');
      assert.equal(await store.failures(account, later(1000)), 2);
      if (pending.kind === 'reserved') await store.release(account, pending.attemptId);
      assert.equal(await store.failures(account, later(1000)), 2, 'asking twice counts nothing');
      assert.equal(await store.failures(account, later(FAILURE_WINDOW_MS + 1000)), 0, 'the window moves on');
    });

    test('failures older than 24 hours fall out of the window', async () => {
      const account = await newAccount();
      for (let i = 0; i < FAILURES_BEFORE_LOCK; i += 1) await failOnce(account, fp(i));
      assert.equal((await store.reserve(account, fp('x'), 'totp', later(FAILURE_WINDOW_MS - 1000))).kind, 'locked');
      const fresh = later(FAILURE_WINDOW_MS + 1000);
      assert.equal(await failOnce(account, fp('next day'), fresh), 1);
      // An old fingerprint is a fresh attempt once it has left the window.
      assert.equal(await failOnce(account, fp(0), fresh), 2);
    });

    test('reservations a crash left pending stop holding slots after a short while; failures stay', async () => {
      const account = await newAccount();
      const failed = 3;
      for (let i = 0; i < failed; i += 1) await failOnce(account, fp(`failed${i}`));
      // The rest of the window is taken by checks that never came back (a crash).
      for (let i = failed; i < FAILURES_BEFORE_LOCK; i += 1) {
        assert.equal((await store.reserve(account, fp(`crashed${i}`), 'totp', T0)).kind, 'reserved');
      }
      assert.equal((await store.reserve(account, fp('soon after'), 'totp', later(1000))).kind, 'locked');
      const afterwards = later(PENDING_RESERVATION_MS + 1000);
      const counts: number[] = [];
      for (let i = failed; i < FAILURES_BEFORE_LOCK; i += 1) {
        counts.push(await failOnce(account, fp(`later${i}`), afterwards));
      }
      assert.deepEqual(
        counts,
        Array.from({ length: FAILURES_BEFORE_LOCK - failed }, (_, i) => failed + i + 1),
      );
      // The failures kept counting: the window is full again.
      assert.equal((await store.reserve(account, fp('one more'), 'totp', afterwards)).kind, 'locked');
      // A crashed attempt's fingerprint is a fresh attempt once it expired.
      const other = await newAccount();
      assert.equal((await store.reserve(other, fp('x'), 'totp', T0)).kind, 'reserved');
      const again = await store.reserve(other, fp('x'), 'totp', afterwards);
      assert.equal(again.kind === 'reserved' && again.repeat, false);
    });

    test('clear forgets failures, pending reservations and the lock', async () => {
      const account = await newAccount();
      for (let i = 0; i < FAILURES_BEFORE_LOCK; i += 1) await failOnce(account, fp(i));
      await store.lock(account, later(FAILURE_WINDOW_MS), T0);
      await store.clear(account);
      assert.equal(await store.lockedUntil(account, T0), null);
      assert.equal(await failOnce(account, fp(0)), 1);
    });

    test('accounts have separate budgets', async () => {
      const a = await newAccount();
      const b = await newAccount();
      for (let i = 0; i < FAILURES_BEFORE_LOCK; i += 1) await failOnce(a, fp(i));
      await store.lock(a, later(FAILURE_WINDOW_MS), T0);
      assert.equal(await store.lockedUntil(b, T0), null);
      assert.equal(await failOnce(b, fp(0)), 1);
    });
  });
}
