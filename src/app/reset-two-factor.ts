// "Method 1" of the guide: reset 2FA while the authenticator still works. It
// takes the password AND a working second factor through the same gate as
// login (ASVS 5.0 6.4.3: never the password alone), and only opens a pending
// binding: until that is confirmed the old factors keep working.

import type { Account } from '../domain/account.ts';
import { DomainError } from '../domain/errors.ts';
import { appendAudit } from '../storage/events-repository.ts';
import { openPendingBinding, type PendingBinding } from './bind-authenticator.ts';
import { checkPassword } from './check-password.ts';
import type { AppContext, RequestOrigin } from './context.ts';
import { passSecondFactor } from './second-factor-gate.ts';

export async function resetTwoFactor(
  ctx: AppContext,
  account: Account,
  input: { password: string; method: string; code?: string | undefined; response?: unknown },
  origin: RequestOrigin,
): Promise<PendingBinding> {
  if (!(await checkPassword(ctx, account.email, account, input.password, origin))) {
    throw new DomainError('invalid_credentials', 'The password is wrong.');
  }
  const { result } = await passSecondFactor(
    ctx,
    { account, method: input.method, code: input.code, response: input.response, purpose: 'reset', origin },
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
