// The owner proved control of the account (an approved recovery ticket; a
// password change or reset with a second factor): whatever strangers ran up against it
// starts again — the second-factor attempt budget and its lock, and the
// account-wide password ceiling (issue 11, #3). Call it once the proof is committed.
import type { Account } from '../domain/account.ts';
import { appendAudit } from '../storage/events-repository.ts';
import { passwordThrottleKey } from './check-password.ts';
import type { AppContext } from './context.ts';

export async function ownerProvedControl(
  ctx: AppContext,
  account: Pick<Account, 'id' | 'email'>,
  proof: 'recovery_approved' | 'password_changed' | 'password_reset' | 'agent_promoted',
): Promise<void> {
  await ctx.budget.clear(account.id);
  await ctx.passwordThrottle.forgiveAccount(passwordThrottleKey(ctx, account.email));
  await appendAudit(ctx.storage.db, {
    accountId: account.id,
    event: 'attempt_limits_reset',
    details: { proof },
    at: ctx.clock.now().toISOString(),
  });
}
