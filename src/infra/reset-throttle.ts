// Forgotten-password requests are throttled per address (known or not, so the
// answer never tells which exist; and a stranger can neither flood a mailbox
// nor keep replacing the owner's link) and per client IP. Counts live where
// the other throttles keep theirs: Redis, else PostgreSQL, else memory.
import {
  PASSWORD_RESET_REQUESTS_PER_ADDRESS_PER_HOUR,
  PASSWORD_RESET_REQUESTS_PER_IP_PER_HOUR,
} from '../domain/policy.ts';
import { makeLimiter, type ThrottleStore, takePoint } from './password-throttle.ts';

export interface ResetThrottle {
  /**
   * Takes one request for `addressKey` (a keyed hash of the address) from `ip`:
   * the seconds to wait when either limit is over, else 0.
   */
  take(addressKey: string, ip: string | null): Promise<number>;
}

export function createResetThrottle(store: ThrottleStore = {}, prefix = 'latchkey'): ResetThrottle {
  const hour = (points: number) => ({ points, seconds: 3600 });
  const byIp = makeLimiter(store, prefix, 'reset:ip', hour(PASSWORD_RESET_REQUESTS_PER_IP_PER_HOUR), false);
  const byAddress = makeLimiter(
    store,
    prefix,
    'reset:address',
    hour(PASSWORD_RESET_REQUESTS_PER_ADDRESS_PER_HOUR),
    false,
  );
  return {
    async take(addressKey, ip) {
      const network = await takePoint(byIp, ip ?? 'unknown');
      if (network > 0) return network;
      return takePoint(byAddress, addressKey);
    },
  };
}
