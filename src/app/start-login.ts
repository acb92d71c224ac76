// The password step. Unknown emails and wrong passwords get the same answer
// after the same work (ASVS 5.0 6.3.8: no enumeration by message or timing).
import { accountFrozen } from '../domain/account-freeze.ts';
import { normalizeEmail } from '../domain/account-rules.ts';
import { retryAfterSeconds } from '../domain/attempt-budget.ts';
import { DomainError } from '../domain/errors.ts';
import { awaitsRecoveryBinding, recoveryBindingRequired } from '../domain/recovery-binding.ts';
import { findAccountByEmail } from '../storage/accounts-repository.ts';
import { countUnusedBackupCodes, findLiveBackupCodeSet } from '../storage/backup-codes-repository.ts';
import { accountFreezeReason } from '../storage/freezes-repository.ts';
import { checkPassword } from './check-password.ts';
import type { AppContext, RequestOrigin } from './context.ts';
import { noticeSignInBrowser } from './known-browsers.ts';
import { recordLogin } from './login-history.ts';
import { methodsFor, type SecondFactorMethod } from './second-factor-gate.ts';
import { issueChallenge, issueSession } from './sessions.ts';

export type LoginStart =
  | { status: 'authenticated'; token: string; expiresAt: Date }
  | {
      status: 'second_factor_required';
      challenge: string;
      methods: SecondFactorMethod[];
      expiresAt: Date;
      /** Unused backup codes, when backup codes are among the methods (the login step names the count). */
      backupCodesRemaining?: number;
    };

export async function startLogin(
  ctx: AppContext,
  input: { email: string; password: string },
  origin: RequestOrigin,
): Promise<LoginStart> {
  const db = ctx.storage.db;
  let email: string | undefined;
  try {
    email = normalizeEmail(input.email);
  } catch {
    email = undefined;
  }
  const account = email ? await findAccountByEmail(db, email) : undefined;
  const passwordOk = await checkPassword(ctx, email ?? input.email, account, input.password, origin);
  const at = ctx.clock.now().toISOString();
  const event = { ip: origin.ip, user_agent: origin.userAgent, at };
  if (!account || !passwordOk) {
    await recordLogin(ctx, db, {
      account_id: account?.id ?? null,
      result: 'invalid_credentials',
      factor: 'password',
      ...event,
    });
    throw new DomainError('invalid_credentials', 'The email or password is wrong.');
  }
  // Frozen (the guide's emergency path, or the owner's "this wasn't me"):
  // nobody can sign in, the attacker included. The owner still gets a
  // challenge: during a full verification it is good for seeing and cancelling
  // the ticket with a second factor (or opening one); after the owner's freeze
  // it opens a recovery ticket only, the one way to unfreeze (nothing the
  // account's factors prove counts until support has reviewed it).
  // Finishing a login with either is refused.
  const frozen = await accountFreezeReason(db, account.id);
  if (frozen) {
    const purpose = frozen === 'owner' ? 'recovery' : 'login';
    const challenge = await db.transaction().execute(async (trx) => {
      await recordLogin(ctx, trx, { account_id: account.id, result: 'account_frozen', factor: 'password', ...event });
      return issueChallenge(ctx, trx, account.id, origin, purpose);
    });
    const refusal = accountFrozen(frozen);
    throw new DomainError('account_frozen', refusal.message, {
      ...refusal.extras,
      challenge: challenge.token,
      challengeExpiresAt: challenge.expiresAt.toISOString(),
      challengePurpose: purpose,
    });
  }
  // An approved recovery cleared the factors: no password-only session until the
  // claimant binds the new authenticator through the ticket.
  // A claimant who lost the ticket token can still open a new ticket with the
  // challenge (it can do nothing else: no factor is bound to finish it with).
  if (awaitsRecoveryBinding(account.pendingRecoveryLock)) {
    const challenge = await db.transaction().execute(async (trx) => {
      await recordLogin(ctx, trx, {
        account_id: account.id,
        result: 'recovery_binding_required',
        factor: 'password',
        ...event,
      });
      return issueChallenge(ctx, trx, account.id, origin);
    });
    throw new DomainError('recovery_binding_required', recoveryBindingRequired().message, {
      challenge: challenge.token,
    });
  }
  // The second-factor step is locked (too many wrong codes): the right password
  // still gets a recovery-only challenge, so the owner can open a recovery
  // ticket (ADR 0003) even while someone else keeps the step locked. It can't
  // finish a login. Existing clients see the same 429 as before.
  const lockedUntil = await ctx.budget.lockedUntil(account.id, ctx.clock.now());
  if (lockedUntil) {
    const challenge = await db.transaction().execute(async (trx) => {
      await recordLogin(ctx, trx, {
        account_id: account.id,
        result: 'second_factor_locked',
        factor: 'password',
        ...event,
      });
      return issueChallenge(ctx, trx, account.id, origin, 'recovery');
    });
    throw new DomainError(
      'rate_limited',
      `Too many wrong codes, so the second-factor step is locked until ${lockedUntil.toISOString()}: sign in again then. ` +
        'If the wrong codes were not yours, or your factors are gone, open a recovery ticket with the challenge in this answer (it is good for nothing else).',
      {
        retryAfter: retryAfterSeconds(lockedUntil, ctx.clock.now()),
        lockedUntil: lockedUntil.toISOString(),
        challenge: challenge.token,
        challengeExpiresAt: challenge.expiresAt.toISOString(),
        challengePurpose: 'recovery',
      },
    );
  }
  const methods = await methodsFor(db, account.id, 'login');
  const codes = methods.includes('backup_code') ? await findLiveBackupCodeSet(db, account.id) : undefined;
  const backupCodesRemaining = codes ? await countUnusedBackupCodes(db, codes.id) : undefined;
  return db.transaction().execute(async (trx) => {
    if (methods.length === 0) {
      const session = await issueSession(ctx, trx, account.id, origin);
      await recordLogin(ctx, trx, { account_id: account.id, result: 'success', factor: 'password', ...event });
      await noticeSignInBrowser(ctx, trx, account, origin);
      return { status: 'authenticated', token: session.token, expiresAt: session.expiresAt };
    }
    const challenge = await issueChallenge(ctx, trx, account.id, origin);
    await recordLogin(ctx, trx, { account_id: account.id, result: 'password_ok', factor: 'password', ...event });
    return {
      status: 'second_factor_required',
      challenge: challenge.token,
      methods,
      expiresAt: challenge.expiresAt,
      ...(backupCodesRemaining === undefined ? {} : { backupCodesRemaining }),
    };
  });
}
