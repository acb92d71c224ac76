// Every password check goes through here: throttled per account key and per IP
// (src/infra/password-throttle.ts), and an unknown account costs the same
// argon2id as a known one (ASVS 5.0 6.3.8: no enumeration by timing).
import { DomainError } from '../domain/errors.ts';
import type { AppContext, RequestOrigin } from './context.ts';

/** `subject` is the normalised email (or the raw input when it isn't one), known account or not. */
export async function checkPassword(
  ctx: AppContext,
  subject: string,
  passwordHash: string | undefined,
  password: string,
  origin: RequestOrigin,
): Promise<boolean> {
  const key = ctx.keyring.fingerprint('password-throttle', subject);
  const wait = await ctx.passwordThrottle.retryAfter(key, origin.ip);
  if (wait > 0)
    throw new DomainError('rate_limited', 'Too many wrong passwords. Try again later.', { retryAfter: wait });
  const ok = await ctx.hasher.verifyPassword(passwordHash ?? (await ctx.hasher.dummyPasswordHash()), password);
  if (!ok || passwordHash === undefined) {
    await ctx.passwordThrottle.recordFailure(key, origin.ip);
    return false;
  }
  return true;
}
