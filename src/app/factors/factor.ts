// What every second-factor method provides to the gate (second-factor-gate.ts):
// how to recognise a repeated guess, and how to check and spend it.
import type { BackupCodeWarning } from '../../domain/backup-codes.ts';
import { DomainError } from '../../domain/errors.ts';
import type { AccountRow } from '../../storage/accounts-repository.ts';
import type { Executor } from '../../storage/executor.ts';
import type { AppContext } from '../context.ts';

export type SecondFactorMethod = 'totp' | 'backup_code' | 'webauthn' | 'sms';
/** `factor_change`: adding or removing a security key or phone needs a second factor too. */
export type SecondFactorPurpose = 'login' | 'reset' | 'withdrawal' | 'factor_change';

export type SecondFactorWarning = BackupCodeWarning | { readonly code: 'clock_drift'; readonly driftSeconds: number };

export interface SecondFactorOutcome {
  readonly method: SecondFactorMethod;
  readonly warnings: SecondFactorWarning[];
  readonly backupCodesRemaining?: number;
}

export type Verified = { ok: true; outcome: SecondFactorOutcome } | { ok: false; error: DomainError };

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
export type Factor = (ctx: AppContext, account: AccountRow, input: FactorInput, now: Date) => Promise<FactorAttempt>;

export function notAvailable(method: string): DomainError {
  return new DomainError('method_not_available', `The method ${method} is not bound to this account.`);
}

export function invalidCode(): DomainError {
  return new DomainError('invalid_code', 'The code is not valid.');
}

export function failed(error: DomainError = invalidCode()): Spend {
  return async () => ({ ok: false, error });
}
