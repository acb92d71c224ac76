// What a password change and a forgotten-password reset share (issue 12): the
// one password rule (8 characters are enough once the account has 2FA), the
// account's second factor through the one gate and its attempt budget when it
// has one, and ONE transaction that sets the hash, ends every other session,
// unfinished sign-in and forgotten-password link, locks withdrawals (the one
// lock policy), appends the audit entry (and so its webhook event) and queues
// the email. A second factor passed too proves control: the attempt limits
// strangers ran up start again.
import type { Account } from '../domain/account.ts';
import { DomainError } from '../domain/errors.ts';
import { checkPasswordStrength } from '../domain/password-rule.ts';
import { lockFor } from '../domain/withdrawal-lock.ts';
import { setPasswordHash } from '../storage/accounts-repository.ts';
import { appendAudit } from '../storage/events-repository.ts';
import type { Executor } from '../storage/executor.ts';
import { endPasswordResets } from '../storage/password-resets-repository.ts';
import { endAccountChallenges, revokeAccountSessions } from '../storage/sessions-repository.ts';
import type { AppContext, RequestOrigin } from './context.ts';
import { notifyEmail, passwordNotices } from './notifications.ts';
import { ownerProvedControl } from './owner-proved-control.ts';
import { boundMethods, passSecondFactor, type SecondFactorMethod } from './second-factor-gate.ts';
import { startWithdrawalLock } from './withdrawal-lock.ts';

/** The second factor that comes with a new password when the account has 2FA. */
export interface NewPasswordProof {
  readonly method?: string | undefined;
  readonly code?: string | undefined;
  readonly response?: unknown;
}

const KINDS = {
  password_change: { cause: 'password_changed', notice: passwordNotices.passwordChanged },
  password_reset: { cause: 'password_reset', notice: passwordNotices.passwordReset },
} as const;

export interface NewPassword {
  readonly purpose: keyof typeof KINDS;
  readonly newPassword: string;
  readonly proof: NewPasswordProof;
  readonly origin: RequestOrigin;
  /** The session that made the change stays signed in (a change); none does after a reset. */
  readonly keepSessionId?: string;
  /** Runs first under the account's row, before anything is written (spends the reset link); a throw undoes all. */
  readonly claim?: (trx: Executor, at: string) => Promise<void>;
}

export function secondFactorMissing(methods: readonly SecondFactorMethod[]): DomainError {
  return new DomainError(
    'invalid_request',
    'This account has two-factor authentication: confirm with your authenticator app, a backup code or a security key (send method and code, or response).',
    { methods },
  );
}

export async function setNewPassword(ctx: AppContext, account: Account, change: NewPassword): Promise<void> {
  const db = ctx.storage.db;
  const methods = await boundMethods(db, account.id);
  checkPasswordStrength(change.newPassword, { email: account.email, hasSecondFactor: methods.length > 0 });
  const { proof, origin } = change;
  const method = proof.method;
  if (methods.length > 0 && method === undefined) throw secondFactorMissing(methods);
  const passwordHash = await ctx.hasher.hashPassword(change.newPassword);
  const kind = KINDS[change.purpose];

  const apply = async (trx: Executor, passed: string | null) => {
    // The lock holds the account's row first (the lock order of every security write).
    const lock = await startWithdrawalLock(ctx, trx, account.id, kind.cause);
    const now = lock.startedAt;
    const at = now.toISOString();
    await change.claim?.(trx, at);
    await setPasswordHash(trx, account.id, passwordHash);
    await revokeAccountSessions(trx, account.id, at, change.keepSessionId);
    await endAccountChallenges(trx, account.id, at);
    await endPasswordResets(trx, account.id, at);
    await appendAudit(trx, {
      accountId: account.id,
      event: kind.cause,
      details: { method: passed, ip: origin.ip },
      at,
    });
    const hours = lockFor(kind.cause, ctx.config).hours;
    await notifyEmail(ctx, trx, account, kind.notice(now, origin, { until: lock.until, hours }));
  };

  if (methods.length === 0 || method === undefined) {
    await db.transaction().execute((trx) => apply(trx, null));
    return;
  }
  await passSecondFactor(
    ctx,
    { account, method, code: proof.code, response: proof.response, purpose: change.purpose, origin },
    (trx) => apply(trx, method),
  );
  await ownerProvedControl(ctx, account, kind.cause);
}
