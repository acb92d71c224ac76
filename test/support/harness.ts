// An in-process Latchkey on a fresh database with the test clock, driven by
// fastify.inject() (no sockets). `call` is a small JSON client over inject.
import { Writable } from 'node:stream';
import { buildContext } from '../../src/app/build-context.ts';
import type { AppContext } from '../../src/app/context.ts';
import { serviceJobs } from '../../src/app/job-list.ts';
import { runJobs } from '../../src/app/jobs.ts';
import { TestClock } from '../../src/clock.ts';
import { loadConfig } from '../../src/config.ts';
import type { App } from '../../src/http/app-type.ts';
import { buildServer } from '../../src/http/server.ts';
import { createLogger } from '../../src/infra/logger.ts';
import type { Dialect } from '../../src/storage/dialect.ts';
import { freshDatabase, REDIS_URL } from './databases.ts';

export interface Harness {
  readonly app: App;
  readonly ctx: AppContext;
  readonly clock: TestClock;
  readonly dialect: Dialect;
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

export async function startHarness(
  dialect: Dialect,
  env: Record<string, string> = {},
  options: { redis?: boolean } = {},
): Promise<Harness> {
  const database = await freshDatabase(dialect);
  const config = loadConfig({
    LATCHKEY_TEST_MODE: '1',
    LATCHKEY_DATA_DIR: database.dataDir,
    ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    ...(options.redis ? { REDIS_URL } : {}),
    LOG_LEVEL: 'debug',
    ...env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const clock = new TestClock();
  const built = await buildContext(config, createLogger(config.logLevel, sink), {
    clock,
    ...(database.schema ? { schema: database.schema } : {}),
  });
  const jobs = serviceJobs(undefined);
  const app = await buildServer(built.ctx, { runJobs: () => runJobs(built.ctx, jobs) });
  await app.ready();
  return {
    app,
    ctx: built.ctx,
    clock,
    dialect,
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
      await database.drop();
    },
  };
}
