// Confirming a pending binding with a correct code turns 2FA on. A binding
// opened by a reset (or the first binding after an approved recovery) also
// replaces the old factors and locks withdrawals, all in one transaction.

import type { Account } from '../domain/account.ts';
import { DomainError } from '../domain/errors.ts';
import { BACKUP_CODES_PER_SET } from '../domain/policy.ts';
import { awaitsRecoveryBinding, rebindLockCause, recoveryBindingRequired } from '../domain/recovery-binding.ts';
import { checkTotp } from '../domain/totp.ts';
import { findAccountById, lockAccountRow } from '../storage/accounts-repository.ts';
import { appendAudit } from '../storage/events-repository.ts';
import { revokeAccountSessions } from '../storage/sessions-repository.ts';
import {
  activateTotpBinding,
  findActiveTotpBinding,
  findPendingTotpBinding,
  holdPendingTotpBinding,
} from '../storage/totp-repository.ts';
import type { AppContext } from './context.ts';
import { invalidCode } from './factors/factor.ts';
import { FACTOR_MODULES } from './factors/registry.ts';
import { type IssuedBackupCodes, prepareBackupCodes, storeBackupCodes } from './issue-backup-codes.ts';
import { notices, notifyEmail } from './notifications.ts';
import { normalizedCode, refusedWithAttemptsLeft } from './second-factor-gate.ts';
import { decryptTotpSecret } from './totp-secrets.ts';
import { startWithdrawalLock } from './withdrawal-lock.ts';

export async function confirmAuthenticator(
  ctx: AppContext,
  account: Account,
  sessionId: string | undefined,
  input: { setupId: string; code: string },
  options: { viaRecoveryTicket?: boolean } = {},
): Promise<IssuedBackupCodes> {
  const db = ctx.storage.db;
  const now = ctx.clock.now();
  if (awaitsRecoveryBinding(account.pendingRecoveryLock) && !options.viaRecoveryTicket) throw recoveryBindingRequired();
  const pending = await findPendingTotpBinding(db, input.setupId, account.id);
  if (!pending || pending.expires_at <= now.toISOString()) {
    throw new DomainError('setup_expired', 'This setup has expired or does not exist. Start the binding again.');
  }
  const code = await normalizedCode(ctx, account.id, input.code, now);
  const check = checkTotp(decryptTotpSecret(ctx.keyring, pending), code, now.getTime(), {
    lastStep: null,
    driftSteps: 0,
  });
  // Not drawn on the budget (the code proves a new binding, not the account),
  // but the refusal still says what the budget has left, as every invalid_code does.
  if (check.kind === 'out_of_sync') {
    throw await refusedWithAttemptsLeft(
      ctx,
      account.id,
      new DomainError('clock_out_of_sync', "The code is right for another time: your phone's clock is off.", {
        driftSeconds: check.driftSeconds,
      }),
      now,
    );
  }
  if (check.kind !== 'accepted') {
    throw await refusedWithAttemptsLeft(ctx, account.id, invalidCode(), now);
  }

  const prepared = await prepareBackupCodes(ctx);
  return db.transaction().execute(async (trx) => {
    const at = now.toISOString();
    // Held first (a guarded no-op write): of two confirmations racing for this
    // binding, the second waits here and then finds it no longer pending.
    if (!(await holdPendingTotpBinding(trx, pending.id, at))) {
      throw new DomainError('setup_expired', 'This setup has already been confirmed or has expired.');
    }
    // Then the account's row, before any factor row or audit entry: the order a
    // withdrawal's spend takes them in (second-factor-gate.ts), so they never deadlock.
    await lockAccountRow(trx, account.id);
    const current = await findAccountById(trx, account.id);
    const hadAuthenticator = (await findActiveTotpBinding(trx, account.id)) !== undefined;
    if (pending.purpose === 'enroll' && hadAuthenticator) {
      throw new DomainError('two_factor_already_enabled', 'Two-factor authentication is already on.');
    }
    const lockCause = rebindLockCause(pending.purpose, current?.pendingRecoveryLock ?? null);
    // A reset replaces every old factor (ASVS 5.0 7.4.3): a key or phone someone
    // else added must not survive it. The owner adds theirs again. This binding
    // is retired with the others and then, held above, becomes the active one.
    if (lockCause) for (const factor of FACTOR_MODULES) await factor.removeAll(trx, account.id, at);
    await activateTotpBinding(trx, pending.id, at, check.step);
    const issued = await storeBackupCodes(ctx, trx, account.id, prepared);
    // Sessions that signed in with the password alone must not outlive the
    // switch to 2FA (ASVS 5.0 7.4.3): only the one that proved the new code stays.
    await revokeAccountSessions(trx, account.id, at, sessionId);
    if (lockCause) {
      await appendAudit(trx, {
        accountId: account.id,
        event: 'two_factor_reset',
        details: { setupId: pending.id, setId: issued.backupCodes.setId, cause: lockCause },
        at,
      });
      const lock = await startWithdrawalLock(ctx, trx, account.id, lockCause);
      await notifyEmail(ctx, trx, account, notices.twoFactorReset(BACKUP_CODES_PER_SET, lock.until));
    } else {
      await appendAudit(trx, {
        accountId: account.id,
        event: 'authenticator_bound',
        details: { setupId: pending.id, setId: issued.backupCodes.setId },
        at,
      });
      await notifyEmail(ctx, trx, account, notices.authenticatorBound(now));
    }
    return issued;
  });
}
