// Setting a new password from a forgotten-password link (issue 12). The link
// proves the mailbox only: when the account has 2FA, its second factor is
// still required (set-new-password.ts: the one gate and its attempt budget; a
// reset never bypasses 2FA, whoever lost both goes to recovery). In one
// transaction the link is spent (a guarded write: of two uses, one wins),
// every session is ended and withdrawals lock (cause `password_reset`).
import type { Account } from '../domain/account.ts';
import { DomainError } from '../domain/errors.ts';
import { awaitsRecoveryBinding, recoveryBindingRequired } from '../domain/recovery-binding.ts';
import { hashToken } from '../infra/tokens.ts';
import { findAccountById } from '../storage/accounts-repository.ts';
import { findLivePasswordReset, usePasswordReset } from '../storage/password-resets-repository.ts';
import { assertNotFrozen } from './account-freeze.ts';
import type { AppContext, RequestOrigin } from './context.ts';
import { boundMethods, methodsFor, type SecondFactorMethod } from './second-factor-gate.ts';
import { securityKeyAssertionOptions } from './security-keys.ts';
import { type NewPasswordProof, setNewPassword } from './set-new-password.ts';

export function invalidResetLink(): DomainError {
  return new DomainError(
    'invalid_token',
    'This password reset link is not valid: it has expired, was already used, was replaced by a newer one, or was never issued. Ask for a new link.',
  );
}

/**
 * An approved recovery cleared the factors and waits for the claimant to bind
 * a new authenticator through the ticket: a reset now would ask no second
 * factor, and its password opens the approval email's continue link, so the
 * mailbox alone could take the binding (and the account). Refused until the
 * recovery is finished (403 `recovery_binding_required`).
 */
function assertNoRecoveryBinding(account: Account): void {
  if (awaitsRecoveryBinding(account.pendingRecoveryLock)) throw recoveryBindingRequired();
}

/** The account a live link belongs to (not frozen, no approved recovery pending), or 400 `invalid_token`. */
async function accountOfLink(ctx: AppContext, token: string): Promise<{ account: Account; expiresAt: string }> {
  const db = ctx.storage.db;
  const live = await findLivePasswordReset(db, hashToken(token), ctx.clock.now().toISOString());
  const account = live && (await findAccountById(db, live.account_id));
  if (!live || !account) throw invalidResetLink();
  await assertNotFrozen(db, account.id);
  assertNoRecoveryBinding(account);
  return { account, expiresAt: live.expires_at };
}

export interface ResetLinkView {
  readonly email: string;
  readonly expiresAt: string;
  /** Whether the account has 2FA: then the new password needs a second factor, and 8 characters are enough. */
  readonly twoFactor: boolean;
  /** The second factors that may confirm the reset (SMS may not). */
  readonly methods: SecondFactorMethod[];
}

/** What the link page needs before it asks anything: is the link good, and is a second factor needed. */
export async function inspectResetLink(ctx: AppContext, token: string): Promise<ResetLinkView> {
  const { account, expiresAt } = await accountOfLink(ctx, token);
  const db = ctx.storage.db;
  return {
    email: account.email,
    expiresAt,
    twoFactor: (await boundMethods(db, account.id)).length > 0,
    methods: await methodsFor(db, account.id, 'password_reset'),
  };
}

/** Options for confirming the reset with a security key. */
export async function resetLinkKeyOptions(ctx: AppContext, token: string) {
  const { account } = await accountOfLink(ctx, token);
  return securityKeyAssertionOptions(ctx, account.id, 'step_up');
}

export async function confirmPasswordReset(
  ctx: AppContext,
  input: { token: string; newPassword: string } & NewPasswordProof,
  origin: RequestOrigin,
): Promise<void> {
  const { account } = await accountOfLink(ctx, input.token);
  const tokenHash = hashToken(input.token);
  await setNewPassword(ctx, account, {
    purpose: 'password_reset',
    newPassword: input.newPassword,
    proof: input,
    origin,
    // The guarded write: of two uses of one link, one wins; a used, replaced or
    // expired link spends nothing, the second factor neither.
    claim: async (trx, at) => {
      if ((await usePasswordReset(trx, tokenHash, at)) !== account.id) throw invalidResetLink();
      // Read again under the account's row: an approval may have landed since.
      const current = await findAccountById(trx, account.id);
      if (current) assertNoRecoveryBinding(current);
    },
  });
}
