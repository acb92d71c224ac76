import { type Admission, type Admitted, windowFull } from '../domain/attempt-budget.ts';
import { FAILURE_WINDOW_MS, FAILURES_BEFORE_LOCK } from '../domain/policy.ts';
import { newId } from '../infra/tokens.ts';
import type { AttemptBudgetStore } from './attempt-budget.ts';
import type { Executor } from './executor.ts';
import { prepared } from './prepared.ts';

// Every second-factor attempt runs the admission: built once (prepared.ts).
// One statement, and the only one a right code runs here: the lock, the
// failures in the window, and whether this guess is one of them.
const admitQuery = prepared((db, p: { accountId: string; fingerprint: string; now: string; windowStart: string }) =>
  db.selectNoFrom((eb) => [
    eb
      .selectFrom('second_factor_locks')
      .select('locked_until')
      .where('account_id', '=', p.accountId)
      .where('locked_until', '>', p.now)
      .as('locked_until'),
    eb
      .selectFrom('second_factor_attempts')
      .select((inner) => inner.fn.countAll<number>().as('n'))
      .where('account_id', '=', p.accountId)
      .where('outcome', '=', 'failed')
      .where('created_at', '>=', p.windowStart)
      .as('failures'),
    eb
      .exists(
        eb
          .selectFrom('second_factor_attempts')
          .select('id')
          .where('account_id', '=', p.accountId)
          .where('fingerprint', '=', p.fingerprint)
          .where('outcome', '=', 'failed')
          .where('created_at', '>=', p.windowStart),
      )
      .as('repeat'),
  ]),
);
// Rows out of the window, and any a former version left pending: neither counts any more.
const forgetOldQuery = prepared((db, p: { accountId: string; windowStart: string }) =>
  db
    .deleteFrom('second_factor_attempts')
    .where('account_id', '=', p.accountId)
    .where((eb) => eb.or([eb('created_at', '<', p.windowStart), eb('outcome', '!=', 'failed')])),
);
const failQuery = prepared(
  (db, p: { id: string; accountId: string; fingerprint: string; method: string; createdAt: string }) =>
    db
      .insertInto('second_factor_attempts')
      .values({
        id: p.id,
        account_id: p.accountId,
        fingerprint: p.fingerprint,
        method: p.method,
        created_at: p.createdAt,
        outcome: 'failed',
      })
      // The same guess counted already (by a caller outside the account's row lock): once is enough.
      .onConflict((c) => c.columns(['account_id', 'fingerprint']).doNothing()),
);
const failuresQuery = prepared((db, p: { accountId: string; since: string }) =>
  db
    .selectFrom('second_factor_attempts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', p.accountId)
    .where('outcome', '=', 'failed')
    .where('created_at', '>=', p.since),
);
const lockQuery = prepared((db, p: { accountId: string; until: string; now: string }) =>
  db
    .insertInto('second_factor_locks')
    .values({ account_id: p.accountId, locked_until: p.until, created_at: p.now })
    .onConflict((c) =>
      c
        .column('account_id')
        .doUpdateSet({ locked_until: p.until, created_at: p.now })
        .where('second_factor_locks.locked_until', '<=', p.now),
    ),
);
const lockedUntilQuery = prepared((db, p: { accountId: string; now: string }) =>
  db
    .selectFrom('second_factor_locks')
    .select('locked_until')
    .where('account_id', '=', p.accountId)
    .where('locked_until', '>', p.now),
);
const clearAttemptsQuery = prepared((db, p: { accountId: string }) =>
  db.deleteFrom('second_factor_attempts').where('account_id', '=', p.accountId),
);
const clearLocksQuery = prepared((db, p: { accountId: string }) =>
  db.deleteFrom('second_factor_locks').where('account_id', '=', p.accountId),
);

/**
 * The budget in the database: `second_factor_attempts` holds the failed
 * guesses (by fingerprint), `second_factor_locks` the lock. It reserves
 * nothing ahead: `admit` runs inside the transaction that checks the code,
 * after the account's row lock (`attemptOnBudget`), where concurrent attempts
 * take turns, so it only reads, and a right code writes nothing here. A wrong
 * code writes its failure in that same transaction.
 */
export class SqlAttemptBudget implements AttemptBudgetStore {
  readonly reservesAhead = false;

  constructor(private readonly pool: Executor) {}

  async admit(
    accountId: string,
    fingerprint: string,
    method: string,
    now: Date,
    db: Executor = this.pool,
  ): Promise<Admission> {
    const windowStart = new Date(now.getTime() - FAILURE_WINDOW_MS).toISOString();
    const row = await admitQuery.first(db, { accountId, fingerprint, now: now.toISOString(), windowStart });
    if (row?.locked_until) return { kind: 'locked', until: new Date(row.locked_until) };
    if (Number(row?.repeat)) return { kind: 'admitted', fingerprint, method, repeat: true };
    // The window is full and the lock not (yet, or no longer) on: nothing more is checked.
    if (Number(row?.failures ?? 0) >= FAILURES_BEFORE_LOCK) {
      return windowFull(now);
    }
    return { kind: 'admitted', fingerprint, method, repeat: false };
  }

  async fail(accountId: string, attempt: Admitted, now: Date, db: Executor = this.pool): Promise<number> {
    const windowStart = new Date(now.getTime() - FAILURE_WINDOW_MS).toISOString();
    // Pruned here, not on every attempt: only a failure adds a row.
    await forgetOldQuery.changed(db, { accountId, windowStart });
    await failQuery.changed(db, {
      id: newId(),
      accountId,
      fingerprint: attempt.fingerprint,
      method: attempt.method,
      createdAt: now.toISOString(),
    });
    return this.failures(accountId, now, db);
  }

  async failures(accountId: string, now: Date, db: Executor = this.pool): Promise<number> {
    const since = new Date(now.getTime() - FAILURE_WINDOW_MS).toISOString();
    const row = await failuresQuery.first(db, { accountId, since });
    return Number(row?.n ?? 0);
  }

  async release(): Promise<void> {
    // Nothing was written for an attempt that did not fail.
  }

  async lock(accountId: string, until: Date, now: Date, db: Executor = this.pool): Promise<boolean> {
    const locked = await lockQuery.changed(db, {
      accountId,
      until: until.toISOString(),
      now: now.toISOString(),
    });
    return locked === 1;
  }

  async lockedUntil(accountId: string, now: Date, db: Executor = this.pool): Promise<Date | null> {
    const row = await lockedUntilQuery.first(db, { accountId, now: now.toISOString() });
    return row ? new Date(row.locked_until) : null;
  }

  async clear(accountId: string): Promise<void> {
    await clearAttemptsQuery.changed(this.pool, { accountId });
    await clearLocksQuery.changed(this.pool, { accountId });
  }
}
