// The composition root: the only place that builds infrastructure and wires
// it into the AppContext (storage, Redis, attempt budget, password throttle,
// keyring, hasher, tokens, clock) and the periodic jobs (mailer, SMS sender).
// main.ts, the CLI and the test harness all come through here.
import crypto from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { auditChainJob } from './app/audit-chain.ts';
import { purgeReveals } from './app/backup-code-reveal.ts';
import type { AppContext } from './app/context.ts';
import { deliverOutbox, deliverSmsOutbox } from './app/deliver-outbox.ts';
import { type Job, runJobs } from './app/jobs.ts';
import { recoveryJobs } from './app/recovery-jobs.ts';
import { retentionJobs } from './app/retention.ts';
import { type Clock, systemClock, TestClock } from './clock.ts';
import type { Config } from './config.ts';
import { argon2Hasher, type Hasher, PRODUCTION_ARGON2 } from './infra/hashing.ts';
import { loadKeyring } from './infra/keyring.ts';
import { smtpMailer } from './infra/mailer.ts';
import { createPasswordThrottle } from './infra/password-throttle.ts';
import { randomBytes } from './infra/random.ts';
import { createResetThrottle } from './infra/reset-throttle.ts';
import { createSignUpThrottle } from './infra/signup-throttle.ts';
import { webhookSmsSender } from './infra/sms-webhook.ts';
import { cryptoTokens } from './infra/tokens.ts';
import type { AttemptBudgetStore } from './storage/attempt-budget.ts';
import { RedisAttemptBudget } from './storage/attempt-budget-redis.ts';
import { SqlAttemptBudget } from './storage/attempt-budget-sql.ts';
import { openStorage } from './storage/database.ts';
import { webhookDeliveryJob } from './webhooks/deliver.ts';
import { lockEndJob } from './webhooks/lock-ends.ts';

export interface Composition {
  readonly ctx: AppContext;
  /** Runs every periodic job once, in order (also behind POST /v1/test/jobs/run). */
  runJobs(): Promise<void>;
  close(): Promise<void>;
}

export interface CompositionOptions {
  /** PostgreSQL schema (tests use a fresh one each). */
  readonly schema?: string;
  /** Key prefix in Redis; defaults to the schema, else `latchkey`. */
  readonly redisPrefix?: string;
  readonly clock?: Clock;
  /** Defaults to argon2id with the production parameters. */
  readonly hasher?: Hasher;
}

export async function compose(config: Config, logger: Logger, options: CompositionOptions = {}): Promise<Composition> {
  const storage = await openStorage({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    sqliteSynchronous: config.sqliteSynchronous,
    warn: (message, detail) => logger.warn(detail, message),
    ...(options.schema ? { schema: options.schema } : {}),
  });
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 })
    : undefined;
  const redisPrefix = options.redisPrefix ?? options.schema ?? 'latchkey';
  const budget: AttemptBudgetStore = redis
    ? new RedisAttemptBudget(redis, redisPrefix)
    : new SqlAttemptBudget(storage.db);
  const ctx: AppContext = {
    config,
    storage,
    clock: options.clock ?? (config.testMode ? new TestClock() : systemClock),
    keyring: loadKeyring(config),
    budget,
    passwordThrottle: createPasswordThrottle({ redis, pgPool: storage.pgPool }, redisPrefix),
    signUpThrottle: createSignUpThrottle(config.signupsPerIpPerHour, { redis, pgPool: storage.pgPool }, redisPrefix),
    resetThrottle: createResetThrottle({ redis, pgPool: storage.pgPool }, redisPrefix),
    ...(redis ? { probes: { redis: () => redis.ping() } } : {}),
    logger,
    hasher: options.hasher ?? argon2Hasher(PRODUCTION_ARGON2),
    tokens: cryptoTokens,
    randomInt: (max) => crypto.randomInt(max),
    randomBytes,
  };
  const mailer = config.smtpUrl ? smtpMailer(config.smtpUrl, config.mailFrom) : undefined;
  const sms = config.smsWebhookUrl ? webhookSmsSender(config.smsWebhookUrl) : undefined;
  const jobs: Job[] = [
    { name: 'purge-backup-code-reveals', run: purgeReveals },
    ...recoveryJobs,
    ...retentionJobs,
    auditChainJob,
    lockEndJob,
    webhookDeliveryJob,
  ];
  if (mailer) jobs.push({ name: 'deliver-outbox', run: (c) => deliverOutbox(c, mailer) });
  if (sms) jobs.push({ name: 'deliver-sms', run: (c) => deliverSmsOutbox(c, sms) });
  return {
    ctx,
    runJobs: () => runJobs(ctx, jobs),
    async close() {
      mailer?.close();
      redis?.disconnect();
      await storage.close();
    },
  };
}
