// The contract every second-factor method fulfils (one folder per method,
// listed once in registry.ts): how the gate (second-factor-gate.ts) checks and
// spends an attempt, whether an account has the method bound, how a reset or
// a recovery removes all of it, and which columns it keeps encrypted.

import type { Account } from '../../domain/account.ts';
import type { BackupCodeWarning } from '../../domain/backup-codes.ts';
import { DomainError } from '../../domain/errors.ts';
import type { FactorTraits, SecondFactorMethod, SecondFactorPurpose } from '../../domain/second-factor.ts';
import type { Executor } from '../../storage/executor.ts';
import type { AppContext } from '../context.ts';
import type { EncryptedColumn } from '../encrypted-columns.ts';

export type { SecondFactorMethod, SecondFactorPurpose } from '../../domain/second-factor.ts';

export type SecondFactorWarning = BackupCodeWarning | { readonly code: 'clock_drift'; readonly driftSeconds: number };

export interface SecondFactorOutcome {
  readonly method: SecondFactorMethod;
  readonly warnings: SecondFactorWarning[];
  readonly backupCodesRemaining?: number;
}

/**
 * The answer of a check whose proof arrives outside the request: an out-of-band
 * method (a push approval, say) whose user has not answered yet. It is neither a
 * success nor a failure: the gate spends nothing, counts nothing and answers
 * "not yet" (`approval_pending`, with `retryAfter`); the client submits again.
 */
export interface PendingOutcome {
  readonly ok: 'pending';
  readonly retryAfterSeconds: number;
}

export type Verified =
  | { ok: true; outcome: SecondFactorOutcome }
  /**
   * `uncounted`: refused, but not a guess — the proof was right and is already
   * spent just now (a double submit, or the twin of a racing request), or it is
   * right for a step a clock diagnosis reserved (`code_step_reserved`).
   */
  | { ok: false; error: DomainError; uncounted?: boolean }
  | PendingOutcome;

/** The conditional write that spends the factor, run inside the gate's transaction. */
export type Spend = (trx: Executor) => Promise<Verified>;

export interface FactorAttempt {
  /** Two submissions with the same guess are one attempt for the budget (a double click, a retry). */
  readonly guess: string;
  /** The slow read-only part (hashing, signature checks), done outside the transaction. */
  verify(): Promise<Spend>;
}

export interface FactorInput {
  readonly code: string | undefined;
  readonly response: unknown;
  readonly purpose: SecondFactorPurpose;
}

/** Prepares an attempt; throws `method_not_available` when the account hasn't bound the method. */
export type Factor = (ctx: AppContext, account: Account, input: FactorInput, now: Date) => Promise<FactorAttempt>;

/** Everything the server knows about one second-factor method. */
export interface FactorModule<M extends SecondFactorMethod = SecondFactorMethod> extends FactorTraits {
  readonly method: M;
  /** True when the account can use the method now (what the login step and step-ups offer). */
  isBound(db: Executor, accountId: string): Promise<boolean>;
  readonly attempt: Factor;
  /**
   * Removes (or retires) every credential of the method the account holds, bound
   * or still pending, inside the caller's transaction: a 2FA reset and an approved
   * recovery call it for every method, so nothing someone else added survives them.
   */
  removeAll(trx: Executor, accountId: string, at: string): Promise<void>;
  /** The columns where the method keeps secrets encrypted: `keys rotate` re-encrypts them. */
  readonly encryptedColumns: readonly EncryptedColumn[];
}

export function notAvailable(method: string): DomainError {
  return new DomainError('method_not_available', `The method ${method} is not bound to this account.`);
}

export function invalidCode(): DomainError {
  return new DomainError('invalid_code', 'The code is not valid.');
}

export function failed(error: DomainError = invalidCode()): Spend {
  return async () => ({ ok: false, error });
}

/** A right proof already spent just now: refused like a wrong one, but not counted. */
export function alreadySpent(): Verified {
  return { ok: false, error: invalidCode(), uncounted: true };
}
