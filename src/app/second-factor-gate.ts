// The one second-factor gate. Login, 2FA reset and withdrawals all pass
// through here, and every wrong code, whatever the method, draws on the same
// per-account attempt budget (architecture: "One second-factor gate"). Each
// method's own checks live in factors/.

import type { Account } from '../domain/account.ts';
import {
  type Admitted,
  attemptsRemaining,
  challengeAttemptsRemaining,
  retryAfterSeconds,
  shouldLock,
} from '../domain/attempt-budget.ts';
import { normalizeCode } from '../domain/backup-codes.ts';
import { challengeExpired, DomainError } from '../domain/errors.ts';
import { FAILURE_REPORT_INTERVAL_MS, FAILURES_PER_CHALLENGE, LOCK_DURATION_MS } from '../domain/policy.ts';
import {
  isSecondFactorMethod,
  methodAllowedFor,
  methodNotAllowed,
  type SecondFactorMethod,
  type SecondFactorPurpose,
} from '../domain/second-factor.ts';
import { lockAccountRow } from '../storage/accounts-repository.ts';
import { attemptOnBudget } from '../storage/attempt-budget.ts';
import { appendAudit, auditEventSince } from '../storage/events-repository.ts';
import { atomically, type Executor } from '../storage/executor.ts';
import {
  challengeFailedAttempts,
  completeChallenge,
  takeChallengeAttempt,
  usableChallengeFailures,
} from '../storage/sessions-repository.ts';
import type { AppContext, RequestOrigin } from './context.ts';
import { type FactorAttempt, type FactorModule, notAvailable, type SecondFactorOutcome } from './factors/factor.ts';
import { FACTOR_MODULES, factorModule } from './factors/registry.ts';
import { recordLogin } from './login-history.ts';
import { notices, notifyEmail } from './notifications.ts';

export type { SecondFactorMethod, SecondFactorPurpose } from '../domain/second-factor.ts';
export type { SecondFactorOutcome, SecondFactorWarning } from './factors/factor.ts';

export interface SecondFactorAttempt {
  readonly account: Account;
  readonly method: string;
  readonly code: string | undefined;
  /** A WebAuthn assertion (`AuthenticationResponseJSON`) when the method is `webauthn`. */
  readonly response?: unknown;
  readonly purpose: SecondFactorPurpose;
  readonly origin: RequestOrigin;
  /** The login challenge the attempt belongs to: its own 5-failure limit applies too. */
  readonly challengeId?: string;
  /**
   * A right code completes the challenge (a login): the guarded write that
   * also refuses a challenge that died meanwhile, so only one of several
   * racing requests finishes it.
   */
  readonly completesChallenge?: boolean;
}

async function boundModules(db: Executor, accountId: string): Promise<FactorModule[]> {
  const bound = await Promise.all(FACTOR_MODULES.map((module) => module.isBound(db, accountId)));
  return FACTOR_MODULES.filter((_, index) => bound[index]);
}

/** The methods the account has bound, in the order the UI offers them. */
export async function boundMethods(db: Executor, accountId: string): Promise<SecondFactorMethod[]> {
  return (await boundModules(db, accountId)).map((module) => module.method);
}

/** The bound methods that may authorise `purpose` (the purpose policy): what the login step offers. */
export async function methodsFor(
  db: Executor,
  accountId: string,
  purpose: SecondFactorPurpose,
): Promise<SecondFactorMethod[]> {
  const bound = await boundModules(db, accountId);
  return bound.filter((module) => methodAllowedFor(module, purpose, bound)).map((module) => module.method);
}

/** Refuses a method the purpose policy does not allow here, before anything is counted. */
export async function assertMethodAllowed(
  db: Executor,
  accountId: string,
  method: SecondFactorMethod,
  purpose: SecondFactorPurpose,
): Promise<void> {
  const factor = factorModule(method);
  // Only a restricted method depends on what else is bound: the others skip the reads.
  const bound = factor.restricted ? await boundModules(db, accountId) : [];
  if (!methodAllowedFor(factor, purpose, bound)) throw methodNotAllowed(method, purpose);
}

/**
 * Verifies one second factor and, only if it is right, runs `onSuccess` in the
 * same transaction as the write that spends it: if `onSuccess` fails, the
 * factor is not spent.
 */
export async function passSecondFactor<T>(
  ctx: AppContext,
  attempt: SecondFactorAttempt,
  onSuccess: (trx: Executor, outcome: SecondFactorOutcome) => Promise<T>,
): Promise<{ outcome: SecondFactorOutcome; result: T }> {
  const { account, method } = attempt;
  if (!isSecondFactorMethod(method)) throw notAvailable(method);
  // The purpose policy comes before anything is counted: a method that may not
  // authorise this is refused whatever the code.
  await assertMethodAllowed(ctx.storage.db, account.id, method, attempt.purpose);
  const now = ctx.clock.now();
  const challengeId = attempt.challengeId;
  const factorAttempt = await factorModule(method)
    .attempt(ctx, account, { code: attempt.code, response: attempt.response, purpose: attempt.purpose }, now)
    .catch(async (error: unknown) => {
      // A code that is not even a code (wrong length) is refused before anything is counted.
      if (!(error instanceof DomainError && error.code === 'invalid_code')) throw error;
      const challengeFailures = challengeId ? await challengeFailedAttempts(ctx.storage.db, challengeId) : undefined;
      throw await refusedWithAttemptsLeft(ctx, account.id, error, now, { challengeFailures });
    });
  return passFactorAttempt(ctx, attempt, factorAttempt, now, onSuccess);
}

/**
 * The gate's decision on a prepared attempt (`FactorAttempt`): what
 * `passSecondFactor` does once the method is known, and what phone
 * verification does with its own check.
 *
 * One commit per attempt (docs/adr/0006), on the budget's one shape
 * (`attemptOnBudget`, ADR 0003): the slow check (argon2id, a signature) runs
 * first, outside any transaction; then ONE transaction takes the account's row
 * lock, admits the attempt (the database store only reads: the lock, the
 * failures, whether this guess is one of them), spends the factor and — on a
 * login — completes the challenge, and runs `onSuccess`; or, for a wrong code,
 * takes one of the challenge's attempts and records the failure with its
 * counts, audit, emails and lock. What is neither (a repeat, a refusal before
 * the check) rolls back and counts nothing. Concurrent attempts on one account
 * take turns on its row, so each sees every failure before it. With the budget
 * in Redis, a slot is reserved there before the check, across instances.
 */
export async function passFactorAttempt<T>(
  ctx: AppContext,
  attempt: Pick<
    SecondFactorAttempt,
    'account' | 'method' | 'purpose' | 'origin' | 'challengeId' | 'completesChallenge'
  >,
  factorAttempt: FactorAttempt,
  now: Date,
  onSuccess: (trx: Executor, outcome: SecondFactorOutcome) => Promise<T>,
): Promise<{ outcome: SecondFactorOutcome; result: T }> {
  const { account, method, challengeId } = attempt;
  // A repeat (double click, retry, race) counts once: the budget recognises it by a
  // keyed hash of the guess, so no code is stored in the clear.
  const fingerprint = ctx.keyring.fingerprint(
    'second-factor-attempt',
    `${account.id}|${method}|${factorAttempt.guess}`,
  );
  let decided:
    | { outcome: SecondFactorOutcome; result: T }
    | { refused: DomainError; failures: number; challengeFailures: number | undefined };
  try {
    decided = await attemptOnBudget(
      ctx.budget,
      ctx.storage.db,
      { accountId: account.id, fingerprint, method, now },
      {
        check: () => factorAttempt.verify(),
        locked: (until) => rateLimited(until, now),
        decide: async (trx, admitted, spend) => {
          const check = await spend(trx);
          if (check.ok === true) {
            // A challenge that died meanwhile (its five wrong codes, completed,
            // expired) takes no right code either: refused, and the spend rolls back.
            if (challengeId && !(await challengeTakesRightCode(trx, attempt, challengeId, now))) {
              throw challengeExpired();
            }
            return { outcome: check.outcome, result: await onSuccess(trx, check.outcome) };
          }
          if (check.ok !== 'pending' && !check.uncounted && !admitted.repeat) {
            // A counted wrong code takes one of the challenge's attempts (none left: it died meanwhile).
            const challengeAttempts = challengeId
              ? await takeChallengeAttempt(trx, challengeId, now.toISOString(), FAILURES_PER_CHALLENGE)
              : 0;
            if (challengeAttempts === undefined) throw challengeExpired();
            const failures = await recordSecondFactorFailure(ctx, trx, attempt, admitted, challengeAttempts, now);
            return { refused: check.error, failures, challengeFailures: challengeId ? challengeAttempts : undefined };
          }
          // What follows counts nothing; a dead challenge is refused as such.
          const challengeFailures = challengeId
            ? await usableChallengeFailures(trx, challengeId, now.toISOString(), FAILURES_PER_CHALLENGE)
            : 0;
          if (challengeFailures === undefined) throw challengeExpired();
          if (check.ok === 'pending') {
            // Not yet answered out of band: neither spent nor a failure.
            throw new DomainError('approval_pending', 'The approval has not arrived yet. Try again shortly.', {
              retryAfter: check.retryAfterSeconds,
            });
          }
          // The right proof submitted twice (a double click), a code for a reserved
          // step, or a wrong guess counted the first time: no new guess. Rolled
          // back, so it keeps neither a reservation nor the challenge attempt.
          throw new Uncounted(check.error, challengeId ? challengeFailures : undefined);
        },
      },
    );
  } catch (error) {
    if (!(error instanceof Uncounted)) throw error;
    throw await refusedWithAttemptsLeft(ctx, account.id, error.refusal, now, {
      challengeFailures: error.challengeFailures,
    });
  }
  // After the commit: what is left is read from the committed budget (the lock's end included).
  if ('refused' in decided) throw await refusedWithAttemptsLeft(ctx, account.id, decided.refused, now, decided);
  return decided;
}

/**
 * Inside the gate's transaction, after a right code: whether the challenge
 * still takes it. A login completes it here (the guarded write, so of racing
 * requests only the first logs in); other uses only read it.
 */
async function challengeTakesRightCode(
  trx: Executor,
  attempt: Pick<SecondFactorAttempt, 'completesChallenge'>,
  challengeId: string,
  now: Date,
): Promise<boolean> {
  if (attempt.completesChallenge) {
    return completeChallenge(trx, challengeId, now.toISOString(), FAILURES_PER_CHALLENGE);
  }
  return (await usableChallengeFailures(trx, challengeId, now.toISOString(), FAILURES_PER_CHALLENGE)) !== undefined;
}

/** Thrown inside the gate's transaction to roll back a refusal that counts nothing. */
class Uncounted extends Error {
  constructor(
    readonly refusal: DomainError,
    readonly challengeFailures: number | undefined,
  ) {
    super(refusal.message);
  }
}

/**
 * A refused code with what is left (contract v1.1): `attemptsRemaining`, the
 * wrong codes the account's budget takes before the 24-hour lock, and on a
 * login challenge `challengeAttemptsRemaining`; at 0 attempts left, the lock's
 * `lockedUntil`. `failures` is the count the
 * refusal itself reached; without it the budget is read, counting nothing.
 */
export async function refusedWithAttemptsLeft(
  ctx: AppContext,
  accountId: string,
  error: DomainError,
  now: Date,
  counts: { failures?: number | undefined; challengeFailures?: number | undefined } = {},
): Promise<DomainError> {
  const failures = counts.failures ?? (await ctx.budget.failures(accountId, now));
  const left = attemptsRemaining(failures);
  // The refusal that used the budget up says when the lock it started ends.
  const lockedUntil = left === 0 ? await ctx.budget.lockedUntil(accountId, now) : null;
  return new DomainError(error.code, error.message, {
    ...error.extras,
    attemptsRemaining: left,
    ...(lockedUntil ? { lockedUntil: lockedUntil.toISOString() } : {}),
    ...(counts.challengeFailures === undefined
      ? {}
      : { challengeAttemptsRemaining: challengeAttemptsRemaining(counts.challengeFailures) }),
  });
}

/**
 * A wrong second factor: counted in the account's budget, audited, written to
 * login history, and — at the limits — the challenge dies with an email to the
 * owner and the account's second-factor step locks. All in the caller's
 * transaction when `db` is one. Phone verification uses it too. Returns the
 * failures in the budget's window.
 */
export async function recordSecondFactorFailure(
  ctx: AppContext,
  db: Executor,
  attempt: Pick<SecondFactorAttempt, 'account' | 'method' | 'purpose' | 'origin'>,
  admitted: Admitted,
  challengeAttempts: number,
  now: Date,
): Promise<number> {
  const { account } = attempt;
  const at = now.toISOString();
  return atomically(db, async (trx) => {
    // Held first: of concurrent failures, one at a time counts and decides whether the day's report is due.
    await lockAccountRow(trx, account.id);
    const failures = await ctx.budget.fail(account.id, admitted, now, trx);
    await appendAudit(trx, {
      accountId: account.id,
      event: 'second_factor_failed',
      details: { method: attempt.method, purpose: attempt.purpose, failures },
      at,
    });
    if (attempt.purpose === 'login') {
      await recordLogin(ctx, trx, {
        account_id: account.id,
        result: 'second_factor_failed',
        factor: attempt.method,
        ip: attempt.origin.ip,
        user_agent: attempt.origin.userAgent,
        at,
      });
    }
    // Password right, second factor wrong five times: the password is probably
    // known to someone else, so the owner hears of it now, not only at the lock
    // (ASVS 5.0 6.3.5; OWASP MFA cheat sheet, "Failed Login Attempts").
    if (challengeAttempts === FAILURES_PER_CHALLENGE) {
      await notifyEmail(ctx, trx, account, notices.secondFactorFailing(FAILURES_PER_CHALLENGE, attempt.origin, now));
    }
    // Slow guessing (a few wrong codes a day, never reaching a limit) is reported
    // too: the first wrong code of a day is emailed, at most once a day.
    const since = new Date(now.getTime() - FAILURE_REPORT_INTERVAL_MS).toISOString();
    if (!(await auditEventSince(trx, account.id, 'second_factor_failure_reported', since))) {
      await appendAudit(trx, { accountId: account.id, event: 'second_factor_failure_reported', details: {}, at });
      await notifyEmail(ctx, trx, account, notices.secondFactorFailed(attempt.origin, now));
    }
    const until = new Date(now.getTime() + LOCK_DURATION_MS);
    // The lock is a guarded write: of concurrent failures that reach the limit, one locks and emails.
    if (shouldLock(failures) && (await ctx.budget.lock(account.id, until, now, trx))) {
      await appendAudit(trx, {
        accountId: account.id,
        event: 'second_factor_locked',
        details: { until: until.toISOString(), failures },
        at,
      });
      await notifyEmail(ctx, trx, account, notices.secondFactorLocked(until));
    }
    return failures;
  });
}

/** A typed code in its canonical form, or the refusal (with attempts left) of one that is not a code at all. */
export async function normalizedCode(
  ctx: AppContext,
  accountId: string,
  input: string,
  now: Date,
  digits?: number,
): Promise<string> {
  try {
    return normalizeCode(input, digits);
  } catch (error) {
    if (error instanceof DomainError) throw await refusedWithAttemptsLeft(ctx, accountId, error, now);
    throw error;
  }
}

export function rateLimited(until: Date, now: Date): DomainError {
  const retryAfter = retryAfterSeconds(until, now);
  return new DomainError('rate_limited', `Too many attempts. Try again after ${until.toISOString()}.`, {
    retryAfter,
    lockedUntil: until.toISOString(),
  });
}

/** True when the challenge may still take codes. */
export function challengeUsable(failedAttempts: number): boolean {
  return failedAttempts < FAILURES_PER_CHALLENGE;
}
