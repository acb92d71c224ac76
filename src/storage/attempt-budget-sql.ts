import type { Reservation } from '../domain/attempt-budget.ts';
import { FAILURE_WINDOW_MS, FAILURES_BEFORE_LOCK, PENDING_RESERVATION_MS } from '../domain/policy.ts';
import { newId } from '../infra/tokens.ts';
import type { AttemptBudgetStore } from './attempt-budget.ts';
import type { Executor } from './executor.ts';
import { prepared } from './prepared.ts';

// Every second-factor attempt runs these: built once (prepared.ts).
const forgetOldQuery = prepared((db, p: { accountId: string; windowStart: string; abandonedBefore: string }) =>
  db
    .deleteFrom('second_factor_attempts')
    .where('account_id', '=', p.accountId)
    .where((eb) =>
      eb.or([
        eb('created_at', '<', p.windowStart),
        eb.and([eb('outcome', '=', 'pending'), eb('created_at', '<', p.abandonedBefore)]),
      ]),
    ),
);
const reserveQuery = prepared(
  (db, p: { id: string; accountId: string; fingerprint: string; method: string; createdAt: string }) =>
    db
      .insertInto('second_factor_attempts')
      .values({
        id: p.id,
        account_id: p.accountId,
        fingerprint: p.fingerprint,
        method: p.method,
        created_at: p.createdAt,
        outcome: 'pending',
      })
      .onConflict((c) => c.columns(['account_id', 'fingerprint']).doNothing()),
);
const countQuery = prepared((db, p: { accountId: string }) =>
  db
    .selectFrom('second_factor_attempts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', p.accountId),
);
const deleteAttemptQuery = prepared((db, p: { id: string }) =>
  db.deleteFrom('second_factor_attempts').where('id', '=', p.id),
);
const failQuery = prepared((db, p: { id: string }) =>
  db.updateTable('second_factor_attempts').set({ outcome: 'failed' }).where('id', '=', p.id),
);
const failuresQuery = prepared((db, p: { accountId: string; since: string }) =>
  db
    .selectFrom('second_factor_attempts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', p.accountId)
    .where('outcome', '=', 'failed')
    .where('created_at', '>=', p.since),
);
const releaseQuery = prepared((db, p: { id: string }) =>
  db.deleteFrom('second_factor_attempts').where('id', '=', p.id).where('outcome', '=', 'pending'),
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

export class SqlAttemptBudget implements AttemptBudgetStore {
  readonly reservesAhead = false;

  constructor(private readonly pool: Executor) {}

  async reserve(
    accountId: string,
    fingerprint: string,
    method: string,
    now: Date,
    db: Executor = this.pool,
  ): Promise<Reservation> {
    const until = await this.lockedUntil(accountId, now, db);
    if (until) return { kind: 'locked', until };
    const windowStart = new Date(now.getTime() - FAILURE_WINDOW_MS).toISOString();
    const abandonedBefore = new Date(now.getTime() - PENDING_RESERVATION_MS).toISOString();
    // Out of the window, and reservations a crash left pending: neither holds a slot.
    await forgetOldQuery.changed(db, { accountId, windowStart, abandonedBefore });
    const id = newId();
    const inserted = await reserveQuery.changed(db, {
      id,
      accountId,
      fingerprint,
      method,
      createdAt: now.toISOString(),
    });
    if (inserted === 0) {
      return { kind: 'reserved', attemptId: id, repeat: true };
    }
    // Counted after our own insert committed: of any set of concurrent
    // reservations the last to count sees them all, so at most the limit pass.
    const counted = await countQuery.first(db, { accountId });
    if (Number(counted?.n ?? 0) > FAILURES_BEFORE_LOCK) {
      await deleteAttemptQuery.changed(db, { id });
      return { kind: 'locked', until: new Date(now.getTime() + 1000) };
    }
    return { kind: 'reserved', attemptId: id, repeat: false };
  }

  async fail(accountId: string, attemptId: string, now: Date, db: Executor = this.pool): Promise<number> {
    await failQuery.changed(db, { id: attemptId });
    return this.failures(accountId, now, db);
  }

  async failures(accountId: string, now: Date, db: Executor = this.pool): Promise<number> {
    const since = new Date(now.getTime() - FAILURE_WINDOW_MS).toISOString();
    const row = await failuresQuery.first(db, { accountId, since });
    return Number(row?.n ?? 0);
  }

  async release(_accountId: string, attemptId: string, db: Executor = this.pool): Promise<void> {
    await releaseQuery.changed(db, { id: attemptId });
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
