import { normalizeEmail } from '../domain/account-rules.ts';
import { DomainError } from '../domain/errors.ts';
import { checkPasswordStrength } from '../domain/password-rule.ts';
import { insertAccount } from '../storage/accounts-repository.ts';
import { appendAudit } from '../storage/events-repository.ts';
import type { AppContext, RequestOrigin } from './context.ts';
import { rememberCreatingBrowser } from './known-browsers.ts';

export async function createAccount(
  ctx: AppContext,
  input: { email: string; password: string; role?: 'user' | 'support' },
  /** Sign-up from a browser: that browser is the account's first known one (known-browsers.ts). */
  origin?: RequestOrigin,
): Promise<{ accountId: string; email: string }> {
  const email = normalizeEmail(input.email);
  // A new account has no second factor yet: the password is its only one.
  checkPasswordStrength(input.password, { email, hasSecondFactor: false });
  const passwordHash = await ctx.hasher.hashPassword(input.password);
  const createdAt = ctx.clock.now();
  const now = createdAt.toISOString();
  const accountId = ctx.tokens.newId();
  const created = await ctx.storage.db.transaction().execute(async (trx) => {
    const inserted = await insertAccount(trx, {
      id: accountId,
      email,
      passwordHash,
      role: input.role ?? 'user',
      createdAt,
    });
    if (!inserted) return false;
    await appendAudit(trx, { accountId, event: 'account_created', details: { role: input.role ?? 'user' }, at: now });
    if (origin) await rememberCreatingBrowser(trx, accountId, origin, createdAt);
    return true;
  });
  if (!created) throw new DomainError('email_taken', 'An account with this email already exists.');
  return { accountId, email };
}

/**
 * Sign-up from the API: throttled per client IP (issue 11, #15) before any work,
 * refused attempts included, so a network can neither mass-create accounts nor
 * probe which emails are taken.
 */
export async function signUp(
  ctx: AppContext,
  input: { email: string; password: string },
  origin: RequestOrigin,
): Promise<{ accountId: string; email: string }> {
  const wait = await ctx.signUpThrottle.take(origin.ip);
  if (wait > 0) {
    throw new DomainError('rate_limited', 'Too many sign-ups from your network. Wait, then try again.', {
      retryAfter: wait,
    });
  }
  return createAccount(ctx, input, origin);
}
