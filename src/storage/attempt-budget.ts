// The per-account second-factor attempt budget (domain/attempt-budget.ts has
// the numbers). Two stores implement it: the database (one instance) and Redis
// (several instances). Both reserve BEFORE the code is checked, so a flood of
// concurrent guesses can never get more than the limit through at once.
import type { Reservation } from '../domain/attempt-budget.ts';

export interface AttemptBudgetStore {
  /**
   * Reserves one attempt for `fingerprint` (a keyed hash of method + code).
   * The same fingerprint again within the window is a `repeat`: it is checked
   * but never counted twice. `locked` while the account's lock is on, or while
   * the window is already full of failures and attempts in flight.
   */
  reserve(accountId: string, fingerprint: string, method: string, now: Date): Promise<Reservation>;
  /** The code was wrong: the reservation becomes a failure. Returns failures in the window. */
  fail(accountId: string, attemptId: string, now: Date): Promise<number>;
  /** The failures in the window at `now`, counting nothing (what a refusal reports as attempts left). */
  failures(accountId: string, now: Date): Promise<number>;
  /** The code was right: the reservation is dropped. */
  release(accountId: string, attemptId: string): Promise<void>;
  /**
   * Locks the account until `until` unless a lock is already on at `now`. A
   * guarded write: of concurrent callers exactly one gets true (and tells the owner).
   */
  lock(accountId: string, until: Date, now: Date): Promise<boolean>;
  lockedUntil(accountId: string, now: Date): Promise<Date | null>;
  /** Recovery clears the budget with the factors. */
  clear(accountId: string): Promise<void>;
}
