// Throttles password guessing (ASVS 5.0 6.3.1, NIST SP 800-63B-4 §3.2.2)
// without handing strangers a way to lock the owner out (issue 11, #3):
// - per account AND client (IP): 10 wrong passwords per 15 minutes, then that
//   client waits 15 minutes. A stranger hammering the email from one network
//   does not touch the owner on another.
// - per client across accounts: 100 per 15 minutes (credential stuffing).
// - per account, whatever the client: a ceiling of 100 per 24 hours (NIST's
//   100 consecutive failures). Past it, only clients that have passed this
//   account's password before keep trying (their own limit still applies); a
//   distributed guesser gets no more, the owner at home is not locked out.
// Each attempt is RESERVED BEFORE the password hash is checked and given back
// when the password is right (issue 11, #7): of a burst of concurrent guesses
// at most the limit reach argon2id. In memory for one instance, in Redis
// (shared) when REDIS_URL is set. Keys are keyed hashes, never emails.
import type { Redis } from 'ioredis';
import type pg from 'pg';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';

export const PASSWORD_LIMITS = Object.freeze({
  perClient: { points: 10, seconds: 15 * 60 },
  perIp: { points: 100, seconds: 15 * 60 },
  accountCeiling: { points: 100, seconds: 24 * 60 * 60 },
  /** How long a client that passed the account's password stays known to it. */
  knownClientDays: 90,
});

/** Which limit refused the attempt: `client` (this account from this network), `network` (all accounts from it), `account`. */
export type ThrottleScope = 'client' | 'network' | 'account';

export type PasswordAttempt =
  | {
      readonly allowed: true;
      /** The password was right: the attempt is not a failure. */
      giveBack(): Promise<void>;
    }
  | { readonly allowed: false; readonly scope: ThrottleScope; readonly retryAfter: number };

export interface PasswordThrottle {
  /**
   * Takes one attempt before the password is checked. `knownClient` is asked
   * only once the account-wide ceiling is reached.
   */
  reserve(accountKey: string, ip: string | null, knownClient: () => Promise<boolean>): Promise<PasswordAttempt>;
  /** The owner proved control of the account: its account-wide ceiling starts again. */
  forgiveAccount(accountKey: string): Promise<void>;
}

interface Limit {
  readonly limiter: RateLimiterAbstract;
  readonly key: string;
}

/** Where the throttles keep their counts: shared by every instance, except in memory. */
export interface ThrottleStore {
  readonly redis?: Redis | undefined;
  /** PostgreSQL without Redis: the `rate_limits` table (migration 011). */
  readonly pgPool?: pg.Pool | undefined;
}

/**
 * A rate-limiter-flexible limiter: in Redis when there is one, else in
 * PostgreSQL (several instances may share it), else in memory (SQLite: one process).
 */
export function makeLimiter(
  store: ThrottleStore,
  prefix: string,
  name: string,
  limit: { points: number; seconds: number },
  block: boolean,
): RateLimiterAbstract {
  const options = { points: limit.points, duration: limit.seconds, blockDuration: block ? limit.seconds : 0 };
  if (store.redis)
    return new RateLimiterRedis({ storeClient: store.redis, keyPrefix: `${prefix}:${name}`, ...options });
  if (store.pgPool) {
    return new RateLimiterPostgres({
      storeClient: store.pgPool,
      storeType: 'pool',
      tableName: 'rate_limits',
      tableCreated: true,
      keyPrefix: name,
      ...options,
    });
  }
  return new RateLimiterMemory({ keyPrefix: name, ...options });
}

/** Consumes one point; the wait in seconds when the limit is exceeded, else 0. */
export async function takePoint(limiter: RateLimiterAbstract, key: string): Promise<number> {
  try {
    await limiter.consume(key);
    return 0;
  } catch (error) {
    // Over the limit; anything else is a store failure.
    if (!(error instanceof RateLimiterRes)) throw error;
    return Math.max(1, Math.ceil(error.msBeforeNext / 1000));
  }
}

export function createPasswordThrottle(store: ThrottleStore = {}, prefix = 'latchkey'): PasswordThrottle {
  const make = (name: string, limit: { points: number; seconds: number }, block: boolean) =>
    makeLimiter(store, prefix, `pw:${name}`, limit, block);
  const byClient = make('client', PASSWORD_LIMITS.perClient, true);
  const byIp = make('ip', PASSWORD_LIMITS.perIp, true);
  const byAccount = make('account', PASSWORD_LIMITS.accountCeiling, false);

  const take = ({ limiter, key }: Limit) => takePoint(limiter, key);
  const giveBack = async (taken: readonly Limit[]) => {
    for (const { limiter, key } of taken) await limiter.reward(key);
  };

  return {
    async reserve(accountKey, ip, knownClient) {
      const client = ip ?? 'unknown';
      const steps: Array<[ThrottleScope, Limit]> = [
        ['client', { limiter: byClient, key: `${accountKey}|${client}` }],
        ...(ip ? [['network', { limiter: byIp, key: ip }] as [ThrottleScope, Limit]] : []),
        ['account', { limiter: byAccount, key: accountKey }],
      ];
      const taken: Limit[] = [];
      for (const [scope, limit] of steps) {
        const wait = await take(limit);
        taken.push(limit);
        if (wait === 0 || (scope === 'account' && (await knownClient()))) continue;
        // Refused: the limits passed so far did not see a real attempt.
        await giveBack(taken.slice(0, -1));
        return { allowed: false, scope, retryAfter: wait };
      }
      return { allowed: true, giveBack: () => giveBack(taken) };
    },
    async forgiveAccount(accountKey) {
      await byAccount.delete(accountKey);
    },
  };
}
