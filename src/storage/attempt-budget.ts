// The per-account second-factor attempt budget (domain/attempt-budget.ts has
// the numbers). Two stores implement it: the database (one instance) and Redis
// (several instances). Both admit an attempt BEFORE the code's answer is acted
// on (the database inside the transaction that checks, under the account's row
// lock; Redis ahead of the check, reserving a slot), so a flood of concurrent
// guesses can never get more than the limit through. `attemptOnBudget` is that
// shape, the one way callers draw on the budget.
import type { Admission, Admitted } from '../domain/attempt-budget.ts';
import { lockAccountRow } from './accounts-repository.ts';
import type { Executor } from './executor.ts';

/**
 * `trx`: the transaction that checks and spends the code, holding the
 * account's row lock (docs/adr/0006). The database store reads and writes in
 * it, so an attempt is one commit; Redis ignores it.
 */
export interface AttemptBudgetStore {
  /**
   * True when `admit` reserves a slot in the store itself before the code is
   * checked (Redis: atomic across instances), to be given back by `release`.
   * False for the database: `admit` only reads, inside the transaction that
   * checks, where concurrent attempts on one account take turns on its row
   * lock, so each sees every failure committed before it.
   */
  readonly reservesAhead: boolean;
  /**
   * Lets one attempt for `fingerprint` (a keyed hash of method + code) be
   * checked, or not: `locked` while the account's lock is on, or while the
   * window is already full (of failures, and in Redis of attempts in flight).
   * The same fingerprint again within the window is a `repeat`: it is checked
   * but never counted twice.
   */
  admit(accountId: string, fingerprint: string, method: string, now: Date, trx?: Executor): Promise<Admission>;
  /** The code was wrong: the attempt is a failure (once per fingerprint). Returns failures in the window. */
  fail(accountId: string, attempt: Admitted, now: Date, trx?: Executor): Promise<number>;
  /** The failures in the window at `now`, counting nothing (what a refusal reports as attempts left). */
  failures(accountId: string, now: Date): Promise<number>;
  /** The attempt is over without a failure: a slot reserved ahead is given back (the database holds none). */
  release(accountId: string, attempt: Admitted): Promise<void>;
  /**
   * Locks the account until `until` unless a lock is already on at `now`. A
   * guarded write: of concurrent callers exactly one gets true (and tells the owner).
   */
  lock(accountId: string, until: Date, now: Date, trx?: Executor): Promise<boolean>;
  lockedUntil(accountId: string, now: Date): Promise<Date | null>;
  /** Recovery clears the budget with the factors. */
  clear(accountId: string): Promise<void>;
}

/**
 * One attempt on the account's budget (ADR 0003). A store that reserves ahead
 * admits it before `check` (the slow part of the check, outside any
 * transaction); then ONE transaction takes the account's row lock, the
 * database store admits there, and `decide` acts on the code's answer: a wrong
 * code calls `budget.fail` in `trx`, a right one spends it; throwing rolls all
 * of it back and counts nothing. So every attempt is counted before its answer
 * is acted on, and concurrent attempts on one account take turns. A slot
 * reserved ahead is given back once the attempt is over (a failure keeps it).
 * `locked` makes the refusal of an attempt the budget does not admit.
 */
export async function attemptOnBudget<C, T>(
  budget: AttemptBudgetStore,
  db: Executor,
  attempt: { readonly accountId: string; readonly fingerprint: string; readonly method: string; readonly now: Date },
  steps: {
    readonly check: () => Promise<C>;
    readonly decide: (trx: Executor, admitted: Admitted, checked: C) => Promise<T>;
    readonly locked: (until: Date) => Error;
  },
): Promise<T> {
  const { accountId, fingerprint, method, now } = attempt;
  const ahead = budget.reservesAhead ? await budget.admit(accountId, fingerprint, method, now) : undefined;
  if (ahead?.kind === 'locked') throw steps.locked(ahead.until);
  try {
    const checked = await steps.check();
    return await db.transaction().execute(async (trx) => {
      // The account's row first: every security write on an account takes its
      // locks in one order (account row, factor rows, audit chain), so a spend
      // racing a reset, a lock or a ticket change never deadlocks on PostgreSQL.
      await lockAccountRow(trx, accountId);
      const admission = ahead ?? (await budget.admit(accountId, fingerprint, method, now, trx));
      if (admission.kind === 'locked') throw steps.locked(admission.until);
      return steps.decide(trx, admission, checked);
    });
  } finally {
    // A repeat shares the original attempt's slot: only the original may give
    // it back, or the original's failure would go uncounted.
    if (ahead && !ahead.repeat) await budget.release(accountId, ahead);
  }
}
