// An in-process Latchkey on a fresh database with the test clock, driven by
// fastify.inject() (no sockets). `call` is a small JSON client over inject.
// `describeOnEachDatabase` is the usual way in: one suite per database in
// DIALECTS, with the harness started before and closed after it.
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe } from 'node:test';
import type { AppContext } from '../../src/app/context.ts';
import { TestClock } from '../../src/clock.ts';
import { compose } from '../../src/composition.ts';
import { loadConfig } from '../../src/config.ts';
import type { App } from '../../src/http/app-type.ts';
import { buildServer } from '../../src/http/server.ts';
import { argon2Hasher } from '../../src/infra/hashing.ts';
import { createLogger } from '../../src/infra/logger.ts';
import type { Dialect } from '../../src/storage/dialect.ts';
import { DIALECTS, freshDatabase, REDIS_URL, type TestDatabase } from './databases.ts';

export interface Harness {
  readonly app: App;
  readonly ctx: AppContext;
  readonly clock: TestClock;
  readonly dialect: Dialect;
  /** The database under this instance (shared with `instanceOf` when given). */
  readonly database: TestDatabase;
  /** Every log line the server wrote (for the no-secrets-in-logs test). */
  readonly logs: string[];
  call(
    method: string,
    url: string,
    options?: { body?: unknown; token?: string; headers?: Record<string, string> },
  ): Promise<Reply>;
  close(): Promise<void>;
}

export interface Reply {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers.
  readonly body: any;
  readonly headers: Record<string, unknown>;
  readonly raw: Buffer;
}

export interface HarnessOptions {
  /** Environment on top of the test defaults (test mode, fresh data folder, debug logs). */
  readonly env?: Record<string, string>;
  /** Attempt budget and password throttle in Redis instead of the database. */
  readonly redis?: boolean;
  /**
   * 'fast' (default): argon2id at its floor, so a login costs microseconds;
   * 'production': the real parameters (test/infra/hashing.test.ts keeps one suite on them).
   */
  readonly hasher?: 'fast' | 'production';
  /** A frozen clock moves only by advance/set, so tests can assert exact instants. */
  readonly frozenClock?: boolean;
  /**
   * Another harness whose database (and Redis keys) this one shares: a second
   * instance of Latchkey in front of the same storage. The first one drops it.
   */
  readonly instanceOf?: Harness;
}

/** argon2id's floor (8 KiB for one lane, one pass): the same code path, none of the cost. */
const FAST_ARGON2 = { memoryCost: 8, timeCost: 1, parallelism: 1 } as const;

export async function startHarness(dialect: Dialect, options: HarnessOptions = {}): Promise<Harness> {
  const shared = options.instanceOf?.database;
  const database = shared ?? (await freshDatabase(dialect));
  const config = loadConfig({
    LATCHKEY_TEST_MODE: '1',
    // Every in-process request comes from 127.0.0.1: suites sign up far more
    // than a network may; the sign-up throttle's own test sets its limit.
    LATCHKEY_SIGNUPS_PER_IP_PER_HOUR: '1000000',
    LATCHKEY_DATA_DIR: database.dataDir,
    ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    ...(options.redis ? { REDIS_URL } : {}),
    LOG_LEVEL: 'debug',
    ...options.env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const clock = new TestClock({ frozen: options.frozenClock ?? false });
  const built = await compose(config, createLogger(config.logLevel, sink), {
    clock,
    // 'production' leaves the composition root's own default in place.
    ...(options.hasher === 'production' ? {} : { hasher: argon2Hasher(FAST_ARGON2) }),
    ...(database.schema ? { schema: database.schema } : {}),
    // Test files run in parallel: each harness keeps its own Redis keys.
    redisPrefix: database.schema ?? path.basename(database.dataDir),
  });
  const app = await buildServer(built.ctx, { runJobs: () => built.runJobs() });
  await app.ready();
  return {
    app,
    ctx: built.ctx,
    clock,
    dialect,
    database,
    logs,
    async call(method, url, { body, token, headers } = {}) {
      const response = await app.inject({
        method: method as 'GET',
        url,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(headers ?? {}) },
        ...(body !== undefined ? { payload: body as object } : {}),
      });
      const raw = response.rawPayload;
      const type = String(response.headers['content-type'] ?? '');
      const parsed = type.includes('json') && raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined;
      return { status: response.statusCode, body: parsed, headers: response.headers, raw };
    },
    async close() {
      await app.close();
      await built.close();
      if (!shared) await database.drop();
    },
  };
}

type DatabaseSuiteOptions = HarnessOptions & { readonly only?: readonly Dialect[] };
type DatabaseSuite = (h: Harness, dialect: Dialect) => void;

/**
 * One `describe` per database in DIALECTS (or in `only`, still filtered by
 * DIALECTS), named `${name} (${dialect})`, with a harness started before its
 * tests and closed after them. `h` can be captured at once; it is usable
 * inside hooks and tests.
 */
export function describeOnEachDatabase(name: string, body: DatabaseSuite): void;
export function describeOnEachDatabase(name: string, options: DatabaseSuiteOptions, body: DatabaseSuite): void;
export function describeOnEachDatabase(
  name: string,
  ...args: [DatabaseSuite] | [DatabaseSuiteOptions, DatabaseSuite]
): void {
  const [options, body] = args.length === 1 ? [{}, args[0]] : args;
  for (const dialect of DIALECTS) {
    if (options.only && !options.only.includes(dialect)) continue;
    describe(`${name} (${dialect})`, () => {
      const h = new StartedLater(dialect);
      before(async () => h.start(options));
      after(async () => h.close());
      body(h, dialect);
    });
  }
}

/** A Harness whose server starts in the suite's `before` hook. */
class StartedLater implements Harness {
  #inner: Harness | undefined;

  constructor(readonly dialect: Dialect) {}

  async start(options: HarnessOptions): Promise<void> {
    this.#inner = await startHarness(this.dialect, options);
  }

  get #started(): Harness {
    if (!this.#inner) throw new Error('the harness starts in before(): use it inside hooks and tests');
    return this.#inner;
  }

  get app() {
    return this.#started.app;
  }
  get ctx() {
    return this.#started.ctx;
  }
  get clock() {
    return this.#started.clock;
  }
  get logs() {
    return this.#started.logs;
  }
  get database() {
    return this.#started.database;
  }
  call(...args: Parameters<Harness['call']>) {
    return this.#started.call(...args);
  }
  async close() {
    await this.#inner?.close();
  }
}
