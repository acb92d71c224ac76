// Throttles password guessing (ASVS 5.0 6.3.1, NIST SP 800-63B-4 §3.2.2): wrong
// passwords are counted per account key and per client IP; past the limit the
// password step answers 429 with Retry-After. In memory for one instance, in
// Redis (shared) when REDIS_URL is set. Keys are keyed hashes, never emails.
import type { Redis } from 'ioredis';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

const WINDOW_SECONDS = 15 * 60;
const PER_ACCOUNT = 10;
const PER_IP = 100;

export interface PasswordThrottle {
  /** Seconds until the next attempt is allowed, or 0 when it is allowed now. */
  retryAfter(accountKey: string, ip: string | null): Promise<number>;
  recordFailure(accountKey: string, ip: string | null): Promise<void>;
}

export function createPasswordThrottle(redis?: Redis, prefix = 'latchkey'): PasswordThrottle {
  const make = (points: number, name: string): RateLimiterAbstract =>
    redis
      ? new RateLimiterRedis({
          storeClient: redis,
          keyPrefix: `${prefix}:pw:${name}`,
          points,
          duration: WINDOW_SECONDS,
          blockDuration: WINDOW_SECONDS,
        })
      : new RateLimiterMemory({
          keyPrefix: `pw:${name}`,
          points,
          duration: WINDOW_SECONDS,
          blockDuration: WINDOW_SECONDS,
        });
  const byAccount = make(PER_ACCOUNT, 'account');
  const byIp = make(PER_IP, 'ip');
  const pairs = (accountKey: string, ip: string | null): Array<[RateLimiterAbstract, string, number]> => [
    [byAccount, accountKey, PER_ACCOUNT],
    ...(ip ? [[byIp, ip, PER_IP] as [RateLimiterAbstract, string, number]] : []),
  ];
  return {
    async retryAfter(accountKey, ip) {
      let wait = 0;
      for (const [limiter, key, points] of pairs(accountKey, ip)) {
        const state = await limiter.get(key);
        if (state && state.consumedPoints >= points) wait = Math.max(wait, Math.ceil(state.msBeforeNext / 1000));
      }
      return wait;
    },
    async recordFailure(accountKey, ip) {
      for (const [limiter, key] of pairs(accountKey, ip)) {
        try {
          await limiter.consume(key);
        } catch (error) {
          // Over the limit: the block is in place; anything else is a store failure.
          if (!(error instanceof RateLimiterRes)) throw error;
        }
      }
    },
  };
}
