import type { Reservation } from '../domain/attempt-budget.ts';
import { FAILURE_WINDOW_MS, FAILURES_BEFORE_LOCK, PENDING_RESERVATION_MS } from '../domain/policy.ts';
import { newId } from '../infra/tokens.ts';
import type { AttemptBudgetStore } from './attempt-budget.ts';
import type { Executor } from './executor.ts';

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
    await db
      .deleteFrom('second_factor_attempts')
      .where('account_id', '=', accountId)
      .where((eb) =>
        eb.or([
          eb('created_at', '<', windowStart),
          eb.and([eb('outcome', '=', 'pending'), eb('created_at', '<', abandonedBefore)]),
        ]),
      )
      .execute();
    const id = newId();
    const inserted = await db
      .insertInto('second_factor_attempts')
      .values({ id, account_id: accountId, fingerprint, method, created_at: now.toISOString(), outcome: 'pending' })
      .onConflict((c) => c.columns(['account_id', 'fingerprint']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) {
      return { kind: 'reserved', attemptId: id, repeat: true };
    }
    // Counted after our own insert committed: of any set of concurrent
    // reservations the last to count sees them all, so at most the limit pass.
    const { n } = await db
      .selectFrom('second_factor_attempts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow();
    if (Number(n) > FAILURES_BEFORE_LOCK) {
      await db.deleteFrom('second_factor_attempts').where('id', '=', id).execute();
      return { kind: 'locked', until: new Date(now.getTime() + 1000) };
    }
    return { kind: 'reserved', attemptId: id, repeat: false };
  }

  async fail(accountId: string, attemptId: string, now: Date, db: Executor = this.pool): Promise<number> {
    await db.updateTable('second_factor_attempts').set({ outcome: 'failed' }).where('id', '=', attemptId).execute();
    return this.failures(accountId, now, db);
  }

  async failures(accountId: string, now: Date, db: Executor = this.pool): Promise<number> {
    const { n } = await db
      .selectFrom('second_factor_attempts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .where('outcome', '=', 'failed')
      .where('created_at', '>=', new Date(now.getTime() - FAILURE_WINDOW_MS).toISOString())
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  async release(_accountId: string, attemptId: string, db: Executor = this.pool): Promise<void> {
    await db
      .deleteFrom('second_factor_attempts')
      .where('id', '=', attemptId)
      .where('outcome', '=', 'pending')
      .execute();
  }

  async lock(accountId: string, until: Date, now: Date, db: Executor = this.pool): Promise<boolean> {
    const result = await db
      .insertInto('second_factor_locks')
      .values({ account_id: accountId, locked_until: until.toISOString(), created_at: now.toISOString() })
      .onConflict((c) =>
        c
          .column('account_id')
          .doUpdateSet({ locked_until: until.toISOString(), created_at: now.toISOString() })
          .where('second_factor_locks.locked_until', '<=', now.toISOString()),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async lockedUntil(accountId: string, now: Date, db: Executor = this.pool): Promise<Date | null> {
    const row = await db
      .selectFrom('second_factor_locks')
      .select('locked_until')
      .where('account_id', '=', accountId)
      .where('locked_until', '>', now.toISOString())
      .executeTakeFirst();
    return row ? new Date(row.locked_until) : null;
  }

  async clear(accountId: string): Promise<void> {
    await this.pool.deleteFrom('second_factor_attempts').where('account_id', '=', accountId).execute();
    await this.pool.deleteFrom('second_factor_locks').where('account_id', '=', accountId).execute();
  }
}
