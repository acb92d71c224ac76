// The attempt-budget contract: SqlAttemptBudget on SQLite and PostgreSQL, and
// RedisAttemptBudget on the local Redis. Every case uses fresh account ids.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { shouldLock } from '../../src/domain/attempt-budget.ts';
import { FAILURE_WINDOW_MS, FAILURES_BEFORE_LOCK, PENDING_RESERVATION_MS } from '../../src/domain/policy.ts';
import { insertAccount } from '../../src/storage/accounts-repository.ts';
import { type AttemptBudgetStore, attemptOnBudget } from '../../src/storage/attempt-budget.ts';
import { RedisAttemptBudget } from '../../src/storage/attempt-budget-redis.ts';
import { SqlAttemptBudget } from '../../src/storage/attempt-budget-sql.ts';
import { openStorage, type Storage } from '../../src/storage/database.ts';
import type { Executor } from '../../src/storage/executor.ts';
import { DIALECTS, freshDatabase, REDIS_URL, type TestDatabase } from '../support/databases.ts';

interface Backend {
  readonly name: string;
  setUp(): Promise<{
    store: AttemptBudgetStore;
    /** The database the attempts' transactions run on (the accounts' rows). */
    db: Executor;
    newAccount(): Promise<string>;
    tearDown(): Promise<void>;
  }>;
}

/** A fresh database with accounts in it: the SQL store's own, and the transactions Redis's attempts run beside. */
async function accountsDatabase(dialect: 'sqlite' | 'postgres') {
  const database: TestDatabase = await freshDatabase(dialect);
  const storage: Storage = await openStorage({
    databaseUrl: database.databaseUrl,
    dataDir: database.dataDir,
    ...(database.schema ? { schema: database.schema } : {}),
  });
  return {
    db: storage.db,
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
}

function sqlBackend(dialect: 'sqlite' | 'postgres'): Backend {
  return {
    name: `SqlAttemptBudget on ${dialect}`,
    async setUp() {
      const accounts = await accountsDatabase(dialect);
      return { ...accounts, store: new SqlAttemptBudget(accounts.db) };
    },
  };
}

const redisBackend: Backend = {
  name: 'RedisAttemptBudget on Redis',
  async setUp() {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
    const prefix = `lk_test_${crypto.randomBytes(6).toString('hex')}`;
    const accounts = await accountsDatabase('sqlite');
    return {
      store: new RedisAttemptBudget(redis, prefix),
      db: accounts.db,
      newAccount: accounts.newAccount,
      async tearDown() {
        const keys = await redis.keys(`${prefix}:*`);
        if (keys.length > 0) await redis.del(...keys);
        redis.disconnect();
        await accounts.tearDown();
      },
    };
  },
};

const T0 = new Date('2030-06-01T12:00:00.000Z');
const later = (ms: number) => new Date(T0.getTime() + ms);
const fp = (n: number | string) => `fingerprint-${n}`;

/** What became of one attempt. */
type Outcome =
  | { kind: 'locked'; until: Date }
  | { kind: 'passed'; repeat: boolean }
  | { kind: 'repeat' }
  | { kind: 'failed'; failures: number };

class Locked extends Error {
  constructor(readonly until: Date) {
    super('locked');
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

for (const backend of [...DIALECTS.map(sqlBackend), redisBackend]) {
  describe(`attempt budget contract: ${backend.name}`, () => {
    let store: AttemptBudgetStore;
    let db: Executor;
    let newAccount: () => Promise<string>;
    let tearDown: () => Promise<void>;
    before(async () => {
      ({ store, db, newAccount, tearDown } = await backend.setUp());
    });
    after(async () => tearDown());

    /**
     * One attempt in the contract's shape (`attemptOnBudget`, as the gate makes
     * it): `check` is the check before the transaction; a wrong code fails in
     * the transaction, a right one passes, a repeat counts nothing.
     */
    async function attempt(
      account: string,
      fingerprint: string,
      answer: 'right' | 'wrong',
      now = T0,
      check: () => Promise<void> = async () => {},
    ): Promise<Outcome> {
      try {
        return await attemptOnBudget<void, Outcome>(
          store,
          db,
          { accountId: account, fingerprint, method: 'totp', now },
          {
            check,
            locked: (until) => new Locked(until),
            decide: async (trx, admitted) => {
              if (answer === 'right') return { kind: 'passed', repeat: admitted.repeat };
              if (admitted.repeat) return { kind: 'repeat' };
              return { kind: 'failed', failures: await store.fail(account, admitted, now, trx) };
            },
          },
        );
      } catch (error) {
        if (error instanceof Locked) return { kind: 'locked', until: error.until };
        throw error;
      }
    }

    async function failOnce(account: string, fingerprint: string, now = T0): Promise<number> {
      const outcome = await attempt(account, fingerprint, 'wrong', now);
      assert.equal(outcome.kind, 'failed', JSON.stringify(outcome));
      return outcome.kind === 'failed' ? outcome.failures : -1;
    }

    test('a repeated fingerprint is checked but counted once', async () => {
      const account = await newAccount();
      assert.equal(await failOnce(account, fp('same')), 1);
      for (let i = 0; i < 4; i += 1) {
        assert.deepEqual(await attempt(account, fp('same'), 'wrong', later(1000)), { kind: 'repeat' });
      }
      assert.equal(await store.failures(account, later(1000)), 1);
      // Even a failure recorded for a repeat (outside the shape) counts once.
      assert.equal(
        await store.fail(account, { kind: 'admitted', fingerprint: fp('same'), method: 'totp', repeat: true }, T0),
        1,
      );
      assert.equal(await failOnce(account, fp('other')), 2);
    });

    test('10 failures: the count says lock; the caller locks; attempts are refused until the lock ends', async () => {
      const account = await newAccount();
      const counts: number[] = [];
      for (let i = 1; i <= FAILURES_BEFORE_LOCK; i += 1) counts.push(await failOnce(account, fp(i)));
      assert.deepEqual(
        counts,
        Array.from({ length: FAILURES_BEFORE_LOCK }, (_, i) => i + 1),
      );
      assert.equal(shouldLock(counts.at(-2) ?? 0), false);
      assert.equal(shouldLock(counts.at(-1) ?? 0), true);
      // Even before the caller locks, a full window lets nothing more through, not even a right code.
      assert.equal((await attempt(account, fp('eleventh'), 'wrong')).kind, 'locked');
      assert.equal((await attempt(account, fp('right'), 'right')).kind, 'locked');

      const until = later(FAILURE_WINDOW_MS);
      assert.equal(await store.lock(account, until, T0), true);
      assert.equal((await store.lockedUntil(account, later(1000)))?.toISOString(), until.toISOString());
      const refused = await attempt(account, fp('right-code'), 'right', later(1000));
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

    test('a right code is not counted, and its guess stays a fresh one', async () => {
      const account = await newAccount();
      assert.equal(await failOnce(account, fp(1)), 1);
      assert.deepEqual(await attempt(account, fp('right'), 'right'), { kind: 'passed', repeat: false });
      assert.equal(await failOnce(account, fp(2)), 2);
      assert.deepEqual(await attempt(account, fp('right'), 'right', later(1000)), { kind: 'passed', repeat: false });
      assert.equal(await store.failures(account, later(1000)), 2);
    });

    test('concurrent guesses never let more than FAILURES_BEFORE_LOCK through, all checks in flight at once', async () => {
      const account = await newAccount();
      // Every check waits until all 30 attempts have started: as many as the budget admits are in flight together.
      const checks = deferred();
      let decided = 0;
      const runs = Array.from({ length: 30 }, (_, i) =>
        attempt(account, fp(`c${i}`), 'wrong', T0, () => checks.promise).then((outcome) => {
          if (outcome.kind !== 'locked') decided += 1;
          return outcome;
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      checks.resolve();
      const outcomes = await Promise.all(runs);
      const counts = outcomes.flatMap((o) => (o.kind === 'failed' ? [o.failures] : []));
      assert.ok(decided <= FAILURES_BEFORE_LOCK, `${decided} decided`);
      assert.ok(Math.max(0, ...counts) <= FAILURES_BEFORE_LOCK, String(counts));
      assert.equal(Math.max(0, ...counts), counts.length);
      assert.equal(await store.failures(account, T0), counts.length);
    });

    test('concurrent guess rounds never count more than FAILURES_BEFORE_LOCK failures; the budget stays exact', async () => {
      const account = await newAccount();
      const outcomes = await Promise.all(Array.from({ length: 30 }, (_, i) => attempt(account, fp(`r${i}`), 'wrong')));
      let failures = Math.max(0, ...outcomes.map((o) => (o.kind === 'failed' ? o.failures : 0)));
      assert.ok(failures <= FAILURES_BEFORE_LOCK, JSON.stringify(outcomes));
      // Whatever the burst got through, the account still has exactly the budget in total.
      for (let i = 0; i < 2 * FAILURES_BEFORE_LOCK; i += 1) {
        const outcome = await attempt(account, fp(`after${i}`), 'wrong');
        if (outcome.kind === 'locked') break;
        assert.equal(outcome.kind, 'failed');
        if (outcome.kind === 'failed') failures = outcome.failures;
      }
      assert.equal(failures, FAILURES_BEFORE_LOCK);
    });

    test('concurrent repeats of one wrong guess count once', async () => {
      const account = await newAccount();
      const outcomes = await Promise.all(Array.from({ length: 10 }, () => attempt(account, fp('same'), 'wrong')));
      assert.equal(outcomes.filter((o) => o.kind === 'failed').length, 1, JSON.stringify(outcomes));
      assert.equal(await store.failures(account, T0), 1);
    });

    test('failures() reports the window without counting: attempts in flight and right codes are not failures', async () => {
      const account = await newAccount();
      assert.equal(await store.failures(account, T0), 0);
      assert.equal(await failOnce(account, fp(1)), 1);
      assert.equal(await failOnce(account, fp(2)), 2);
      const checking = deferred();
      const inFlight = attempt(account, fp('in flight'), 'right', T0, () => checking.promise);
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(await store.failures(account, later(1000)), 2);
      checking.resolve();
      assert.equal((await inFlight).kind, 'passed');
      assert.equal(await store.failures(account, later(1000)), 2, 'asking twice counts nothing');
      assert.equal(await store.failures(account, later(FAILURE_WINDOW_MS + 1000)), 0, 'the window moves on');
    });

    test('failures older than 24 hours fall out of the window', async () => {
      const account = await newAccount();
      for (let i = 0; i < FAILURES_BEFORE_LOCK; i += 1) await failOnce(account, fp(i));
      assert.equal((await attempt(account, fp('x'), 'wrong', later(FAILURE_WINDOW_MS - 1000))).kind, 'locked');
      const fresh = later(FAILURE_WINDOW_MS + 1000);
      assert.equal(await failOnce(account, fp('next day'), fresh), 1);
      // An old fingerprint is a fresh attempt once it has left the window.
      assert.equal(await failOnce(account, fp(0), fresh), 2);
    });

    test('an attempt that ends without an answer (the check throws) counts nothing and holds no slot', async () => {
      const account = await newAccount();
      for (let i = 0; i < FAILURES_BEFORE_LOCK - 1; i += 1) await failOnce(account, fp(i));
      await assert.rejects(
        attempt(account, fp('broken'), 'wrong', T0, async () => {
          throw new Error('the check broke');
        }),
        /the check broke/,
      );
      assert.equal(await store.failures(account, T0), FAILURES_BEFORE_LOCK - 1);
      assert.equal(await failOnce(account, fp('broken')), FAILURES_BEFORE_LOCK);
    });

    if (backend.name.startsWith('Redis')) {
      test('slots reserved ahead that a crash left pending stop holding them after a short while; failures stay', async () => {
        const account = await newAccount();
        const failed = 3;
        for (let i = 0; i < failed; i += 1) await failOnce(account, fp(`failed${i}`));
        // The rest of the window is taken by checks that never came back (a crash: admitted, never settled).
        for (let i = failed; i < FAILURES_BEFORE_LOCK; i += 1) {
          assert.equal((await store.admit(account, fp(`crashed${i}`), 'totp', T0)).kind, 'admitted');
        }
        assert.equal((await attempt(account, fp('soon after'), 'wrong', later(1000))).kind, 'locked');
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
        assert.equal((await attempt(account, fp('one more'), 'wrong', afterwards)).kind, 'locked');
        // A crashed attempt's fingerprint is a fresh attempt once it expired.
        const other = await newAccount();
        assert.equal((await store.admit(other, fp('x'), 'totp', T0)).kind, 'admitted');
        assert.deepEqual(await attempt(other, fp('x'), 'right', afterwards), { kind: 'passed', repeat: false });
      });
    } else {
      test('the database reserves nothing: a right code writes no row, a failure rolled back leaves none', async () => {
        const account = await newAccount();
        const rows = async () =>
          Number(
            (
              await db
                .selectFrom('second_factor_attempts')
                .select((eb) => eb.fn.countAll<number>().as('n'))
                .where('account_id', '=', account)
                .executeTakeFirst()
            )?.n,
          );
        assert.equal(store.reservesAhead, false);
        assert.deepEqual(await attempt(account, fp('right'), 'right'), { kind: 'passed', repeat: false });
        assert.equal(await rows(), 0);
        // A crash after the failure was written, before the commit: nothing stays.
        await assert.rejects(
          db.transaction().execute(async (trx) => {
            const admitted = await store.admit(account, fp('wrong'), 'totp', T0, trx);
            assert.equal(admitted.kind, 'admitted');
            if (admitted.kind === 'admitted') assert.equal(await store.fail(account, admitted, T0, trx), 1);
            throw new Error('crash');
          }),
          /crash/,
        );
        assert.equal(await rows(), 0);
        assert.equal(await failOnce(account, fp('wrong')), 1);
        // Rows out of the window are pruned by the next failure, not by every attempt.
        const nextDay = later(FAILURE_WINDOW_MS + 1000);
        assert.deepEqual(await attempt(account, fp('right'), 'right', nextDay), { kind: 'passed', repeat: false });
        assert.equal(await rows(), 1);
        assert.equal(await failOnce(account, fp('wrong'), nextDay), 1);
        assert.equal(await rows(), 1);
      });
    }

    test('clear forgets failures, attempts in flight and the lock', async () => {
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
