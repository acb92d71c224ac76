// The one second-factor gate. Login, 2FA reset and withdrawals all pass
// through here, and every wrong code, whatever the method, draws on the same
// per-account attempt budget (architecture: "One second-factor gate").
import { FAILURES_PER_CHALLENGE, LOCK_DURATION_MS, retryAfterSeconds, shouldLock } from '../domain/attempt-budget.ts';
import { type BackupCodeWarning, backupCodeWarnings, normalizeCode } from '../domain/backup-codes.ts';
import { DomainError } from '../domain/errors.ts';
import { checkTotp, TOTP_DIGITS, type TotpCheck, totpStep } from '../domain/totp.ts';
import { hashBackupCode } from '../infra/hashing.ts';
import type { AccountRow } from '../storage/accounts-repository.ts';
import {
  type BackupCodeSetRow,
  consumeBackupCode,
  countUnusedBackupCodes,
  findLiveBackupCodeSet,
} from '../storage/backup-codes-repository.ts';
import { appendAudit, recordLoginEvent } from '../storage/events-repository.ts';
import type { Executor } from '../storage/executor.ts';
import { countChallengeFailure } from '../storage/sessions-repository.ts';
import { acceptTotpStep, findActiveTotpBinding, type TotpBindingRow } from '../storage/totp-repository.ts';
import type { AppContext, RequestOrigin } from './context.ts';
import { notices, notifyEmail } from './notifications.ts';
import { decryptTotpSecret } from './totp-secrets.ts';

export type SecondFactorMethod = 'totp' | 'backup_code';
export type SecondFactorPurpose = 'login' | 'reset' | 'withdrawal';

export type SecondFactorWarning = BackupCodeWarning | { readonly code: 'clock_drift'; readonly driftSeconds: number };

export interface SecondFactorOutcome {
  readonly method: SecondFactorMethod;
  readonly warnings: SecondFactorWarning[];
  readonly backupCodesRemaining?: number;
}

export interface SecondFactorAttempt {
  readonly account: AccountRow;
  readonly method: string;
  readonly code: string | undefined;
  readonly purpose: SecondFactorPurpose;
  readonly origin: RequestOrigin;
  /** The login challenge the attempt belongs to: its own 5-failure limit applies too. */
  readonly challengeId?: string;
}

type Verified = { ok: true; outcome: SecondFactorOutcome } | { ok: false; error: DomainError };

/** The methods the account has bound, in the order the UI offers them. */
export async function boundMethods(db: Executor, accountId: string): Promise<SecondFactorMethod[]> {
  const [binding, set] = await Promise.all([
    findActiveTotpBinding(db, accountId),
    findLiveBackupCodeSet(db, accountId),
  ]);
  const methods: SecondFactorMethod[] = [];
  if (binding) methods.push('totp');
  // A spent set stays live (no automatic replenishment: the guide), but there
  // is nothing left to offer from it: the UI must not propose a dead method.
  if (set && (await countUnusedBackupCodes(db, set.id)) > 0) methods.push('backup_code');
  return methods;
}

/**
 * Verifies one second-factor code and, only if it is right, runs `onSuccess`
 * in the same transaction as the write that spends the code: if `onSuccess`
 * fails, the code is not spent.
 */
export async function passSecondFactor<T>(
  ctx: AppContext,
  attempt: SecondFactorAttempt,
  onSuccess: (trx: Executor, outcome: SecondFactorOutcome) => Promise<T>,
): Promise<{ outcome: SecondFactorOutcome; result: T }> {
  const { account } = attempt;
  const db = ctx.storage.db;
  const method = attempt.method;
  if (method !== 'totp' && method !== 'backup_code') {
    throw new DomainError('method_not_available', `The method ${method} is not bound to this account.`);
  }
  const binding = method === 'totp' ? await findActiveTotpBinding(db, account.id) : undefined;
  const set = method === 'backup_code' ? await findLiveBackupCodeSet(db, account.id) : undefined;
  if (!binding && !set)
    throw new DomainError('method_not_available', `The method ${method} is not bound to this account.`);
  if (attempt.code === undefined) throw new DomainError('invalid_request', 'A code is required.');
  const code = normalizeCode(attempt.code, TOTP_DIGITS);

  const now = ctx.clock.now();
  // A repeat (double click, retry, race) counts once. A TOTP code is a new guess
  // at every step (the right answer changes), so its repeat is scoped to the step:
  // otherwise one wrong code could be resubmitted every 30 s without ever counting.
  const scope = method === 'totp' ? `|${totpStep(now.getTime())}` : '';
  const fingerprint = ctx.keyring.fingerprint('second-factor-attempt', `${account.id}|${method}|${code}${scope}`);
  const reservation = await ctx.budget.reserve(account.id, fingerprint, method, now);
  if (reservation.kind === 'locked') throw rateLimited(reservation.until, now);

  let verified: Verified;
  let result: T | undefined;
  try {
    const prepared = set
      ? await hashBackupCode(
          code,
          Buffer.from(set.salt, 'base64url'),
          ctx.keyring.derive(set.pepper_version, 'backup-code-pepper'),
        )
      : undefined;
    verified = await db.transaction().execute(async (trx) => {
      const check = binding
        ? await spendTotp(ctx, trx, binding, code, now)
        : await spendBackupCode(trx, account, set as BackupCodeSetRow, prepared as string, now, attempt.purpose);
      if (check.ok) result = await onSuccess(trx, check.outcome);
      return check;
    });
  } catch (error) {
    await ctx.budget.release(account.id, reservation.attemptId);
    throw error;
  }

  if (verified.ok) {
    await ctx.budget.release(account.id, reservation.attemptId);
    return { outcome: verified.outcome, result: result as T };
  }
  if (!reservation.repeat) await countFailure(ctx, attempt, reservation.attemptId, now);
  throw verified.error;
}

async function spendTotp(
  ctx: AppContext,
  trx: Executor,
  binding: TotpBindingRow,
  code: string,
  now: Date,
): Promise<Verified> {
  const secret = decryptTotpSecret(ctx.keyring, binding);
  const check: TotpCheck = checkTotp(secret, code, now.getTime(), {
    lastStep: binding.last_step,
    driftSteps: binding.drift_steps,
  });
  if (check.kind === 'out_of_sync') {
    const direction = check.driftSeconds > 0 ? 'ahead' : 'behind';
    return {
      ok: false,
      error: new DomainError(
        'clock_out_of_sync',
        `The code is wrong now but right for a time ${Math.abs(check.driftSeconds)} seconds ${direction}: your phone's clock is off. Set its date and time to automatic.`,
        { driftSeconds: check.driftSeconds },
      ),
    };
  }
  // The conditional write decides replays and races: only one request can record a step.
  if (check.kind === 'invalid' || !(await acceptTotpStep(trx, binding.id, check.step, check.driftSteps))) {
    return { ok: false, error: invalidCode() };
  }
  const warnings: SecondFactorWarning[] =
    check.driftSeconds !== 0 ? [{ code: 'clock_drift', driftSeconds: check.driftSeconds }] : [];
  return { ok: true, outcome: { method: 'totp', warnings } };
}

async function spendBackupCode(
  trx: Executor,
  account: AccountRow,
  set: BackupCodeSetRow,
  codeHash: string,
  now: Date,
  purpose: SecondFactorPurpose,
): Promise<Verified> {
  if (!(await consumeBackupCode(trx, set.id, codeHash, now.toISOString()))) return { ok: false, error: invalidCode() };
  const remaining = await countUnusedBackupCodes(trx, set.id);
  await appendAudit(trx, {
    accountId: account.id,
    event: 'backup_code_used',
    details: { setId: set.id, remaining, purpose },
    at: now.toISOString(),
  });
  await notifyEmail(trx, account.email, notices.backupCodeUsed(remaining, now), now);
  return {
    ok: true,
    outcome: { method: 'backup_code', warnings: backupCodeWarnings(remaining), backupCodesRemaining: remaining },
  };
}

async function countFailure(
  ctx: AppContext,
  attempt: SecondFactorAttempt,
  attemptId: string,
  now: Date,
): Promise<void> {
  const db = ctx.storage.db;
  const { account } = attempt;
  const failures = await ctx.budget.fail(account.id, attemptId, now);
  const at = now.toISOString();
  await db.transaction().execute(async (trx) => {
    await appendAudit(trx, {
      accountId: account.id,
      event: 'second_factor_failed',
      details: { method: attempt.method, purpose: attempt.purpose, failures },
      at,
    });
    if (attempt.purpose === 'login') {
      await recordLoginEvent(trx, {
        account_id: account.id,
        result: 'second_factor_failed',
        factor: attempt.method,
        ip: attempt.origin.ip,
        user_agent: attempt.origin.userAgent,
        at,
      });
    }
    if (attempt.challengeId) await countChallengeFailure(trx, attempt.challengeId);
  });
  if (shouldLock(failures) && !(await ctx.budget.lockedUntil(account.id, now))) {
    const until = new Date(now.getTime() + LOCK_DURATION_MS);
    await ctx.budget.lock(account.id, until, now);
    await db.transaction().execute(async (trx) => {
      await appendAudit(trx, {
        accountId: account.id,
        event: 'second_factor_locked',
        details: { until: until.toISOString(), failures },
        at,
      });
      await notifyEmail(trx, account.email, notices.secondFactorLocked(until), now);
    });
  }
}

export function rateLimited(until: Date, now: Date): DomainError {
  const retryAfter = retryAfterSeconds(until, now);
  return new DomainError('rate_limited', `Too many attempts. Try again after ${until.toISOString()}.`, {
    retryAfter,
    lockedUntil: until.toISOString(),
  });
}

function invalidCode(): DomainError {
  return new DomainError('invalid_code', 'The code is not valid.');
}

/** True when the challenge may still take codes. */
export function challengeUsable(failedAttempts: number): boolean {
  return failedAttempts < FAILURES_PER_CHALLENGE;
}
