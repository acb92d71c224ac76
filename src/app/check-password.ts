// Every password check goes through here: throttled per account and client,
// per client and per account (src/infra/password-throttle.ts), the attempt
// taken BEFORE the hash is checked; an unknown account costs the same argon2id
// as a known one (ASVS 5.0 6.3.8: no enumeration by timing).

import type { Account } from '../domain/account.ts';
import { DomainError } from '../domain/errors.ts';
import { DAY_MS } from '../domain/policy.ts';
import { PASSWORD_LIMITS, type ThrottleScope } from '../infra/password-throttle.ts';
import { passedPasswordFrom } from '../storage/events-repository.ts';
import type { AppContext, RequestOrigin } from './context.ts';
import { PASSWORD_PASSED_RESULTS } from './login-history.ts';

/** The throttle's key for an account: a keyed hash of the normalised email (or of the raw input when it isn't one). */
export function passwordThrottleKey(ctx: AppContext, subject: string): string {
  return ctx.keyring.fingerprint('password-throttle', subject);
}

/** What the 429 tells whoever is refused: why, and what to do. */
const ADVICE: Record<ThrottleScope, string> = {
  client:
    'Too many wrong passwords for this account from your network. Wait, then try again; if these attempts were not yours, change your password once you are signed in.',
  network: 'Too many wrong passwords from your network. Wait, then try again.',
  account:
    'This account is receiving many wrong passwords, so for now it can be signed in only from a device or network that has signed in to it before. Sign in from one of those, or wait, then try again.',
};

/** `subject` is the normalised email (or the raw input when it isn't one), known account or not. */
export async function checkPassword(
  ctx: AppContext,
  subject: string,
  account: Pick<Account, 'id' | 'passwordHash'> | undefined,
  password: string,
  origin: RequestOrigin,
): Promise<boolean> {
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - PASSWORD_LIMITS.knownClientDays * DAY_MS).toISOString();
  const attempt = await ctx.passwordThrottle.reserve(
    passwordThrottleKey(ctx, subject),
    origin.ip,
    async () =>
      account !== undefined &&
      origin.ip !== null &&
      passedPasswordFrom(ctx.storage.db, account.id, origin.ip, since, PASSWORD_PASSED_RESULTS),
  );
  if (!attempt.allowed) {
    throw new DomainError('rate_limited', ADVICE[attempt.scope], {
      retryAfter: attempt.retryAfter,
      retryAt: new Date(now.getTime() + attempt.retryAfter * 1000).toISOString(),
      scope: attempt.scope,
    });
  }
  const ok = await ctx.hasher.verifyPassword(account?.passwordHash ?? (await ctx.hasher.dummyPasswordHash()), password);
  if (ok && account) {
    await attempt.giveBack();
    return true;
  }
  return false;
}
