// The per-account second-factor attempt budget (domain/attempt-budget.ts has
// the numbers). Two stores implement it: the database (one instance) and Redis
// (several instances). Both reserve BEFORE the code is checked (the database
// inside the gate's transaction, under the account's row lock; Redis ahead of
// it), so a flood of concurrent guesses can never get more than the limit through.
import type { Reservation } from '../domain/attempt-budget.ts';
import type { Executor } from './executor.ts';

/**
 * `trx`: the transaction that checks and spends the code, holding the
 * account's row lock (docs/adr/0006). The database store writes in it, so an
 * attempt is one commit; Redis ignores it.
 */
export interface AttemptBudgetStore {
  /**
   * True when attempts are reserved before the code is checked, in the store
   * itself (Redis: atomic across instances). False for the database: the gate
   * reserves inside its transaction, under the account's row lock, where
   * concurrent attempts on one account take turns.
   */
  readonly reservesAhead: boolean;
  /**
   * Reserves one attempt for `fingerprint` (a keyed hash of method + code).
   * The same fingerprint again within the window is a `repeat`: it is checked
   * but never counted twice. `locked` while the account's lock is on, or while
   * the window is already full of failures and attempts in flight.
   */
  reserve(accountId: string, fingerprint: string, method: string, now: Date, trx?: Executor): Promise<Reservation>;
  /** The code was wrong: the reservation becomes a failure. Returns failures in the window. */
  fail(accountId: string, attemptId: string, now: Date, trx?: Executor): Promise<number>;
  /** The failures in the window at `now`, counting nothing (what a refusal reports as attempts left). */
  failures(accountId: string, now: Date): Promise<number>;
  /** The code was right: the reservation is dropped. */
  release(accountId: string, attemptId: string, trx?: Executor): Promise<void>;
  /**
   * Locks the account until `until` unless a lock is already on at `now`. A
   * guarded write: of concurrent callers exactly one gets true (and tells the owner).
   */
  lock(accountId: string, until: Date, now: Date, trx?: Executor): Promise<boolean>;
  lockedUntil(accountId: string, now: Date): Promise<Date | null>;
  /** Recovery clears the budget with the factors. */
  clear(accountId: string): Promise<void>;
}
