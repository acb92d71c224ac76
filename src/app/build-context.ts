// Builds the AppContext from configuration: storage, clock, keyring, budget.
import crypto from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { type Clock, systemClock, TestClock } from '../clock.ts';
import type { Config } from '../config.ts';
import { loadKeyring } from '../infra/keyring.ts';
import { createPasswordThrottle } from '../infra/password-throttle.ts';
import type { AttemptBudgetStore } from '../storage/attempt-budget.ts';
import { RedisAttemptBudget } from '../storage/attempt-budget-redis.ts';
import { SqlAttemptBudget } from '../storage/attempt-budget-sql.ts';
import { openStorage } from '../storage/database.ts';
import type { AppContext } from './context.ts';

export interface BuiltContext {
  readonly ctx: AppContext;
  close(): Promise<void>;
}

export async function buildContext(
  config: Config,
  logger: Logger,
  options: { schema?: string; clock?: Clock } = {},
): Promise<BuiltContext> {
  const storage = await openStorage({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    ...(options.schema ? { schema: options.schema } : {}),
  });
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 })
    : undefined;
  const budget: AttemptBudgetStore = redis
    ? new RedisAttemptBudget(redis, options.schema ?? 'latchkey')
    : new SqlAttemptBudget(storage.db);
  const ctx: AppContext = {
    config,
    storage,
    clock: options.clock ?? (config.testMode ? new TestClock() : systemClock),
    keyring: loadKeyring(config),
    budget,
    passwordThrottle: createPasswordThrottle(redis, options.schema ?? 'latchkey'),
    ...(redis ? { probes: { redis: () => redis.ping() } } : {}),
    logger,
    randomInt: (max) => crypto.randomInt(max),
    randomBytes: (size) => crypto.randomBytes(size),
  };
  return {
    ctx,
    async close() {
      redis?.disconnect();
      await storage.close();
    },
  };
}
