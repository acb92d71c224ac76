// Sign-ups are throttled per client IP (issue 11, #15): one network can't mass-
// create accounts (or probe which emails are taken). In memory for one
// instance, in Redis (shared) when REDIS_URL is set. The limit is
// LATCHKEY_SIGNUPS_PER_IP_PER_HOUR.
import { makeLimiter, type ThrottleStore, takePoint } from './password-throttle.ts';

export interface SignUpThrottle {
  /** Takes one sign-up for `ip`: seconds to wait when over the limit, else 0. */
  take(ip: string | null): Promise<number>;
}

export function createSignUpThrottle(perHour: number, store: ThrottleStore = {}, prefix = 'latchkey'): SignUpThrottle {
  const limiter = makeLimiter(store, prefix, 'signup:ip', { points: perHour, seconds: 3600 }, false);
  return { take: (ip) => takePoint(limiter, ip ?? 'unknown') };
}
