// The attempt budget in Redis, for several instances. Each step is one Lua
// script, so it is atomic across instances. Times come from the injected clock.
import crypto from 'node:crypto';
import type { Redis } from 'ioredis';
import { type Admission, type Admitted, windowFull } from '../domain/attempt-budget.ts';
import { FAILURE_WINDOW_MS, FAILURES_BEFORE_LOCK, PENDING_RESERVATION_MS } from '../domain/policy.ts';
import type { AttemptBudgetStore } from './attempt-budget.ts';

/**
 * A Lua script run by its SHA1 (EVALSHA): its text goes to Redis once, not
 * with every call of every login, and Redis skips hashing it each time.
 */
class Script {
  readonly #sha: string;

  constructor(readonly text: string) {
    this.#sha = crypto.createHash('sha1').update(text).digest('hex');
  }

  async run(redis: Redis, keys: number, ...args: Array<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(this.#sha, keys, ...args);
    } catch (error) {
      // Not loaded (the first call, or Redis restarted or flushed its scripts): EVAL loads it.
      if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
      return redis.eval(this.text, keys, ...args);
    }
  }
}

// KEYS: attempts zset (member = fingerprint, score = time), states hash, lock key.
const RESERVE = new Script(`
local now = tonumber(ARGV[1])
local lock = redis.call('GET', KEYS[3])
if lock and tonumber(lock) > now then return {'locked', lock} end
local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2])
for _, member in ipairs(old) do redis.call('HDEL', KEYS[2], member) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2])
-- Reservations a crash left pending (older than ARGV[6]) stop holding a slot.
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[6])) do
  if redis.call('HGET', KEYS[2], member) == 'pending' then
    redis.call('HDEL', KEYS[2], member)
    redis.call('ZREM', KEYS[1], member)
  end
end
if redis.call('ZSCORE', KEYS[1], ARGV[3]) then return {'repeat'} end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return {'busy'} end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('HSET', KEYS[2], ARGV[3], 'pending')
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return {'reserved'}
`);

const FAIL = new Script(`
if redis.call('HGET', KEYS[2], ARGV[1]) == 'pending' then redis.call('HSET', KEYS[2], ARGV[1], 'failed') end
local failed = 0
for _, state in ipairs(redis.call('HVALS', KEYS[2])) do if state == 'failed' then failed = failed + 1 end end
return failed
`);

// Failures in the window (ARGV[1]: its start), counting nothing and pruning nothing.
const FAILURES = new Script(`
local failed = 0
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf')) do
  if redis.call('HGET', KEYS[2], member) == 'failed' then failed = failed + 1 end
end
return failed
`);

const RELEASE = new Script(`
if redis.call('HGET', KEYS[2], ARGV[1]) == 'pending' then
  redis.call('HDEL', KEYS[2], ARGV[1])
  redis.call('ZREM', KEYS[1], ARGV[1])
end
return 1
`);

// KEYS: lock key. Sets the lock unless one is on at ARGV[1]; 1 when this call set it.
const LOCK = new Script(`
local lock = redis.call('GET', KEYS[1])
if lock and tonumber(lock) > tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
`);

export class RedisAttemptBudget implements AttemptBudgetStore {
  readonly reservesAhead = true;

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'latchkey',
  ) {}

  #keys(accountId: string): [string, string, string] {
    const base = `${this.prefix}:budget:{${accountId}}`;
    return [`${base}:attempts`, `${base}:states`, `${base}:lock`];
  }

  /** Reserves a slot for the attempt (pending until `fail` or `release`), atomically across instances. */
  async admit(accountId: string, fingerprint: string, method: string, now: Date): Promise<Admission> {
    const windowStart = now.getTime() - FAILURE_WINDOW_MS;
    const result = (await RESERVE.run(
      this.redis,
      3,
      ...this.#keys(accountId),
      now.getTime(),
      windowStart,
      fingerprint,
      FAILURES_BEFORE_LOCK,
      FAILURE_WINDOW_MS * 2,
      now.getTime() - PENDING_RESERVATION_MS,
    )) as string[];
    // In Redis the fingerprint itself identifies the reservation.
    switch (result[0]) {
      case 'locked':
        return { kind: 'locked', until: new Date(Number(result[1])) };
      case 'busy':
        return windowFull(now);
      default:
        return { kind: 'admitted', fingerprint, method, repeat: result[0] === 'repeat' };
    }
  }

  async fail(accountId: string, attempt: Admitted): Promise<number> {
    return Number(await FAIL.run(this.redis, 3, ...this.#keys(accountId), attempt.fingerprint));
  }

  async failures(accountId: string, now: Date): Promise<number> {
    const [attempts, states] = this.#keys(accountId);
    return Number(await FAILURES.run(this.redis, 2, attempts, states, now.getTime() - FAILURE_WINDOW_MS));
  }

  async release(accountId: string, attempt: Admitted): Promise<void> {
    await RELEASE.run(this.redis, 3, ...this.#keys(accountId), attempt.fingerprint);
  }

  async lock(accountId: string, until: Date, now: Date): Promise<boolean> {
    const [, , lockKey] = this.#keys(accountId);
    const set = await LOCK.run(
      this.redis,
      1,
      lockKey,
      now.getTime(),
      until.getTime(),
      Math.max(1, until.getTime() - now.getTime()) + FAILURE_WINDOW_MS,
    );
    return Number(set) === 1;
  }

  async lockedUntil(accountId: string, now: Date): Promise<Date | null> {
    const [, , lockKey] = this.#keys(accountId);
    const value = await this.redis.get(lockKey);
    return value && Number(value) > now.getTime() ? new Date(Number(value)) : null;
  }

  async clear(accountId: string): Promise<void> {
    await this.redis.del(...this.#keys(accountId));
  }
}
