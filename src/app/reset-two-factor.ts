// "Method 1" of the guide: reset 2FA while the authenticator still works. It
// takes the password AND a working second factor through the same gate as
// login (ASVS 5.0 6.4.3: never the password alone), and only opens a pending
// binding: until that is confirmed the old factors keep working.
import { DomainError } from '../domain/errors.ts';
import { verifyPassword } from '../infra/hashing.ts';
import type { AccountRow } from '../storage/accounts-repository.ts';
import { appendAudit } from '../storage/events-repository.ts';
import { openPendingBinding, type PendingBinding } from './bind-authenticator.ts';
import type { AppContext, RequestOrigin } from './context.ts';
import { passSecondFactor } from './second-factor-gate.ts';

export async function resetTwoFactor(
  ctx: AppContext,
  account: AccountRow,
  input: { password: string; method: string; code?: string | undefined },
  origin: RequestOrigin,
): Promise<PendingBinding> {
  const throttleKey = ctx.keyring.fingerprint('password-throttle', account.email);
  const wait = await ctx.passwordThrottle.retryAfter(throttleKey, origin.ip);
  if (wait > 0)
    throw new DomainError('rate_limited', 'Too many wrong passwords. Try again later.', { retryAfter: wait });
  if (!(await verifyPassword(account.password_hash, input.password))) {
    await ctx.passwordThrottle.recordFailure(throttleKey, origin.ip);
    throw new DomainError('invalid_credentials', 'The password is wrong.');
  }
  const { result } = await passSecondFactor(
    ctx,
    { account, method: input.method, code: input.code, purpose: 'reset', origin },
    async (trx) => {
      await appendAudit(trx, {
        accountId: account.id,
        event: 'two_factor_reset_started',
        details: { method: input.method },
        at: ctx.clock.now().toISOString(),
      });
      return openPendingBinding(ctx, trx, account, 'reset');
    },
  );
  return result;
}
