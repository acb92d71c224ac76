// Environment → validated, frozen configuration. A bad value stops the process
// with one line naming the variable and what it expected (issue 2, point 2).
import path from 'node:path';

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  /**
   * SQLite's `synchronous` (https://sqlite.org/pragma.html#pragma_synchronous).
   * FULL (the default): a login's commit is on disk before its answer leaves,
   * so a spent code never comes back after a power loss; group commit shares
   * one fsync among concurrent logins, made off the event loop (the connection
   * runs NORMAL and the driver syncs the WAL itself; EXTRA is the same in WAL:
   * docs/adr/0006). NORMAL: a power loss
   * may roll back the last commits (a process crash may not).
   */
  readonly sqliteSynchronous: SqliteSynchronous;
  readonly redisUrl: string | undefined;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly testMode: boolean;
  readonly production: boolean;
  readonly issuer: string;
  readonly secretKeys: string | undefined;
  readonly withdrawalLockHours: number;
  readonly publicOrigin: string | undefined;
  /** WebAuthn relying party: the public origin's host, `localhost` in development. */
  readonly webauthnRpId: string;
  readonly webauthnOrigins: readonly string[];
  /** Where SMS messages are POSTed as JSON {to, body}; unset keeps them in the outbox. */
  readonly smsWebhookUrl: string | undefined;
  readonly holidays: readonly string[];
  readonly logLevel: string;
  readonly sessionTtlMinutes: number;
  /** NIST SP 800-63B-4 §2.2.3: sign in again after this long without use. */
  readonly sessionIdleMinutes: number;
  /**
   * The longest one request may take, headers and body (a half-sent body is cut
   * off then); the headers alone get at most 10 s of it. Idle keep-alive
   * sockets close after 5 s.
   */
  readonly requestTimeoutSeconds: number;
  /** Open connections the server accepts at once; more are dropped at accept. */
  readonly maxConnections: number;
  readonly evidenceMaxBytes: number;
  /** All the evidence of one ticket, in bytes. */
  readonly evidenceTicketQuotaBytes: number;
  /** Evidence one account may upload in 24 hours, in bytes. */
  readonly evidenceDailyQuotaBytes: number;
  /** Uploads are refused while the evidence folder's file system has less free space than this. */
  readonly evidenceMinFreeBytes: number;
  /** Evidence is deleted this many days after its ticket was decided (or expired). */
  readonly evidenceRetentionDays: number;
  /** Sign-ups allowed per client IP per hour (issue 11, #15). */
  readonly signupsPerIpPerHour: number;
}

export const SQLITE_SYNCHRONOUS = ['FULL', 'NORMAL', 'EXTRA'] as const;
export type SqliteSynchronous = (typeof SQLITE_SYNCHRONOUS)[number];

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    expected: string,
  ) {
    super(`${variable}: expected ${expected}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const MIB = 1024 * 1024;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `an integer from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

function flag(env: Env, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw new ConfigError(name, `1, true, 0 or false, got "${raw}"`);
}

function url(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `a URL (${protocols.join(', ')})`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `a URL starting with ${protocols.join(' or ')}`);
  }
  return raw;
}

function sqliteSynchronous(env: Env): SqliteSynchronous {
  const raw = (env.LATCHKEY_SQLITE_SYNCHRONOUS || 'FULL').toUpperCase();
  if (!(SQLITE_SYNCHRONOUS as readonly string[]).includes(raw)) {
    throw new ConfigError('LATCHKEY_SQLITE_SYNCHRONOUS', `one of ${SQLITE_SYNCHRONOUS.join(', ')}, got "${raw}"`);
  }
  return raw as SqliteSynchronous;
}

function holidays(env: Env): string[] {
  const raw = env.LATCHKEY_HOLIDAYS;
  if (raw === undefined || raw.trim() === '') return [];
  const days = raw.split(',').map((d) => d.trim());
  for (const day of days) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) {
      throw new ConfigError('LATCHKEY_HOLIDAYS', `comma-separated dates as YYYY-MM-DD, got "${day}"`);
    }
  }
  return days;
}

export function loadConfig(env: Env = process.env): Config {
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `one of fatal, error, warn, info, debug, trace, silent, got "${logLevel}"`);
  }
  const host = env.HOST ?? '127.0.0.1';
  if (host.trim() === '') throw new ConfigError('HOST', 'a host name or address');
  const issuer = env.LATCHKEY_ISSUER ?? 'Latchkey';
  if (issuer.includes(':') || issuer.trim() === '' || issuer.length > 64) {
    throw new ConfigError('LATCHKEY_ISSUER', 'a name of 1 to 64 characters without ":"');
  }
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const publicOrigin = url(env, 'LATCHKEY_PUBLIC_ORIGIN', ['http:', 'https:']);
  const testMode = flag(env, 'LATCHKEY_TEST_MODE');
  const production = env.NODE_ENV === 'production';
  // Test mode lets anyone move the clock and read the outbox: never in production.
  if (testMode && production) {
    throw new ConfigError(
      'LATCHKEY_TEST_MODE',
      'unset or 0 when NODE_ENV=production (test mode exposes the clock and the outbox)',
    );
  }
  return Object.freeze({
    port,
    host,
    dataDir: path.resolve(env.LATCHKEY_DATA_DIR || './data'),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    sqliteSynchronous: sqliteSynchronous(env),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom: env.LATCHKEY_MAIL_FROM || 'Latchkey <no-reply@latchkey.local>',
    testMode,
    production,
    issuer,
    secretKeys: env.LATCHKEY_SECRET_KEYS || undefined,
    withdrawalLockHours: integer(env, 'LATCHKEY_WITHDRAWAL_LOCK_HOURS', 24, 1, 24 * 30),
    publicOrigin,
    webauthnRpId: publicOrigin ? new URL(publicOrigin).hostname : 'localhost',
    webauthnOrigins: Object.freeze(publicOrigin ? [new URL(publicOrigin).origin] : [`http://localhost:${port}`]),
    smsWebhookUrl: url(env, 'LATCHKEY_SMS_WEBHOOK_URL', ['http:', 'https:']),
    holidays: Object.freeze(holidays(env)),
    logLevel,
    sessionTtlMinutes: integer(env, 'LATCHKEY_SESSION_TTL_MINUTES', 12 * 60, 5, 60 * 24 * 30),
    sessionIdleMinutes: integer(env, 'LATCHKEY_SESSION_IDLE_MINUTES', 60, 5, 60 * 24 * 30),
    requestTimeoutSeconds: integer(env, 'LATCHKEY_REQUEST_TIMEOUT_SECONDS', 120, 1, 3600),
    maxConnections: integer(env, 'LATCHKEY_MAX_CONNECTIONS', 4096, 8, 1_000_000),
    signupsPerIpPerHour: integer(env, 'LATCHKEY_SIGNUPS_PER_IP_PER_HOUR', 20, 1, 1_000_000),
    evidenceMaxBytes: integer(env, 'LATCHKEY_EVIDENCE_MAX_BYTES', 25 * MIB, 1024, 1024 * MIB),
    evidenceTicketQuotaBytes: integer(env, 'LATCHKEY_EVIDENCE_TICKET_QUOTA_BYTES', 100 * MIB, 1024, 16 * 1024 * MIB),
    evidenceDailyQuotaBytes: integer(env, 'LATCHKEY_EVIDENCE_DAILY_QUOTA_BYTES', 200 * MIB, 1024, 64 * 1024 * MIB),
    evidenceMinFreeBytes: integer(env, 'LATCHKEY_EVIDENCE_MIN_FREE_BYTES', 1024 * MIB, 0, 2 ** 50),
    evidenceRetentionDays: integer(env, 'LATCHKEY_EVIDENCE_RETENTION_DAYS', 90, 1, 3650),
  });
}
