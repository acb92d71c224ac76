// Issue 5, "done when": over random reset-confirmation times, withdrawal times
// and lock lengths, no withdrawal is ever accepted inside a lock, and every one
// with a valid factor outside it is accepted. First the one policy function
// (pure, many runs), then the whole HTTP path on a frozen test clock (few runs:
// every run starts a server on a fresh database), where every instant is exact.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  lockFor,
  lockStartingAt,
  WITHDRAWAL_LOCK_CAUSES,
  WITHDRAWAL_LOCK_REASONS,
  type WithdrawalLockReason,
  type WithdrawalLockRecord,
  withdrawalLockState,
} from '../../src/domain/withdrawal-lock.ts';
import { challengeFor, codeFor, enrolledUser, PASSWORD } from '../support/flows.ts';
import { type Harness, startHarness } from '../support/harness.ts';

const HOUR_MS = 3600_000;
const EPOCH_2020 = Date.UTC(2020, 0, 1);
const EPOCH_2100 = Date.UTC(2100, 0, 1);

const instant = fc.integer({ min: EPOCH_2020, max: EPOCH_2100 });
const lockHours = fc.integer({ min: 1, max: 24 * 30 });
const reason = fc.constantFrom<WithdrawalLockReason>(...WITHDRAWAL_LOCK_REASONS);
const lockAfterRebind = (at: Date, hours: number, why: WithdrawalLockReason) =>
  lockStartingAt(at, { reason: why, hours });

/** The lock a series of rebind confirmations leaves: the last one decides. */
function afterConfirmations(confirmations: readonly number[], hours: number, why: WithdrawalLockReason) {
  let record: WithdrawalLockRecord = { lockedUntil: null, reason: null };
  for (const at of confirmations) record = lockAfterRebind(new Date(at), hours, why);
  return record;
}

describe('lockFor (pure)', () => {
  test('every cause locks for the configured hours; both recovery kinds show the reason recovery', () => {
    fc.assert(
      fc.property(fc.constantFrom(...WITHDRAWAL_LOCK_CAUSES), lockHours, (cause, hours) => {
        const lock = lockFor(cause, { withdrawalLockHours: hours });
        assert.equal(lock.hours, hours);
        assert.ok(WITHDRAWAL_LOCK_REASONS.includes(lock.reason));
      }),
    );
    const settings = { withdrawalLockHours: 24 };
    assert.deepEqual(lockFor('two_factor_reset', settings), { reason: 'two_factor_reset', hours: 24 });
    assert.deepEqual(lockFor('lost_two_factor_recovery', settings), { reason: 'recovery', hours: 24 });
    assert.deepEqual(lockFor('full_verification_recovery', settings), { reason: 'recovery', hours: 24 });
    assert.deepEqual(lockFor('password_changed', settings), { reason: 'password_changed', hours: 24 });
  });
});

describe('withdrawalLockState (pure)', () => {
  test('locked exactly while now < confirmation + hours, with the end and the reason', () => {
    fc.assert(
      fc.property(
        instant,
        lockHours,
        reason,
        fc.integer({ min: 0, max: 24 * 60 * HOUR_MS }),
        (confirmedAt, hours, why, elapsed) => {
          const state = withdrawalLockState(
            lockAfterRebind(new Date(confirmedAt), hours, why),
            new Date(confirmedAt + elapsed),
          );
          if (elapsed < hours * HOUR_MS) {
            assert.deepEqual(state, { locked: true, until: new Date(confirmedAt + hours * HOUR_MS), reason: why });
          } else {
            assert.deepEqual(state, { locked: false });
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('the boundary: locked one millisecond before the end, open at the end', () => {
    fc.assert(
      fc.property(instant, lockHours, reason, (confirmedAt, hours, why) => {
        const record = lockAfterRebind(new Date(confirmedAt), hours, why);
        const end = confirmedAt + hours * HOUR_MS;
        assert.equal(withdrawalLockState(record, new Date(end - 1)).locked, true);
        assert.equal(withdrawalLockState(record, new Date(end)).locked, false);
        assert.equal(withdrawalLockState(record, new Date(confirmedAt)).locked, true);
      }),
      { numRuns: 500 },
    );
  });

  test('a later rebind restarts the lock from its own confirmation and never shortens it', () => {
    fc.assert(
      fc.property(
        fc.array(instant, { minLength: 1, maxLength: 5 }).map((xs) => [...xs].sort((a, b) => a - b)),
        lockHours,
        reason,
        instant,
        (confirmations, hours, why, now) => {
          const last = confirmations[confirmations.length - 1] as number;
          fc.pre(now >= last);
          const record = afterConfirmations(confirmations, hours, why);
          const anyEarlierEnd = Math.max(...confirmations.map((c) => c + hours * HOUR_MS));
          assert.equal(record.lockedUntil?.getTime(), last + hours * HOUR_MS);
          assert.ok((record.lockedUntil as Date).getTime() >= anyEarlierEnd);
          assert.equal(withdrawalLockState(record, new Date(now)).locked, now < last + hours * HOUR_MS);
        },
      ),
      { numRuns: 1000 },
    );
  });

  test('no lock record, no lock', () => {
    fc.assert(
      fc.property(instant, (now) => {
        assert.deepEqual(withdrawalLockState({ lockedUntil: null, reason: null }, new Date(now)), { locked: false });
      }),
    );
  });
});

// ---------------------------------------------------------------------------
// Through HTTP: the real routes, use cases, databases and the test clock.

interface Segment {
  /** Seconds from the previous action to the reset's confirmation. */
  readonly gap: number;
  /** Withdrawal times, seconds after the confirmation. */
  readonly withdrawals: number[];
}

interface Scenario {
  readonly hours: number;
  /** Withdrawals before any reset, seconds after enrolment. */
  readonly before: number[];
  readonly segments: Segment[];
}

const scenario: fc.Arbitrary<Scenario> = fc.integer({ min: 1, max: 48 }).chain((hours) => {
  const lock = hours * 3600;
  // Anywhere in two lock lengths, or within 90 s of the lock's end.
  const offset = fc.oneof(fc.integer({ min: 0, max: 2 * lock }), fc.integer({ min: lock - 90, max: lock + 90 }));
  const sorted = (arb: fc.Arbitrary<number>, min: number, max: number) =>
    fc.array(arb, { minLength: min, maxLength: max }).map((xs) => [...xs].sort((a, b) => a - b));
  return fc.record({
    hours: fc.constant(hours),
    before: sorted(fc.integer({ min: 0, max: lock }), 0, 2),
    segments: fc.array(
      fc.record({
        gap: fc.integer({ min: 0, max: 2 * lock }),
        withdrawals: sorted(offset, 1, 3),
      }),
      { minLength: 1, maxLength: 2 },
    ),
  });
});

const step = (ms: number) => Math.floor(ms / 30_000);

async function runScenario(s: Scenario, startAt?: Date): Promise<void> {
  const h: Harness = await startHarness('sqlite', {
    env: { LATCHKEY_WITHDRAWAL_LOCK_HOURS: String(s.hours) },
    frozenClock: true,
  });
  try {
    if (startAt) h.clock.set(startAt);
    const user = await enrolledUser(h);
    let secret = user.secret;
    let codes = [...user.codes];
    let lastTotpStep = step(h.clock.now().getTime());
    /** The instant of the latest confirmation (the clock stands still during a request). */
    let confirmed: number | undefined;
    let serverUntil: string | undefined;
    /** The instant of the latest accepted withdrawal: a lock starts after it, never at the same millisecond. */
    let lastAccepted: number | undefined;

    const moveTo = (at: number) => {
      if (at > h.clock.now().getTime()) h.clock.set(new Date(at));
    };
    const nextBackup = () => {
      const code = codes.shift();
      assert.ok(code, 'the scenario ran out of backup codes');
      return code;
    };
    const factor = (): { method: string; code: string } => {
      const now = h.clock.now().getTime();
      if (step(now) > lastTotpStep) {
        lastTotpStep = step(now);
        return { method: 'totp', code: codeFor(h, secret) };
      }
      return { method: 'backup_code', code: nextBackup() };
    };
    const session = async () => {
      const challenge = await challengeFor(h, user.email);
      const r = await h.call('POST', '/v1/sessions/verify', {
        body: { challenge, method: 'backup_code', code: nextBackup() },
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.token as string;
    };

    const attemptWithdrawal = async (label: string) => {
      const token = await session();
      const f = factor();
      const at = h.clock.now().getTime();
      const r = await h.call('POST', '/v1/withdrawals', {
        token,
        body: { asset: 'BTC', amount: '1.5', address: 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh', ...f },
      });
      const where = `${label}: ${JSON.stringify(r.body)}`;
      if (confirmed !== undefined && at < confirmed + s.hours * HOUR_MS) {
        assert.equal(r.status, 423, `accepted inside the lock — ${where}`);
        assert.equal(r.body.lockedUntil, serverUntil);
      } else {
        assert.equal(r.status, 201, `refused outside the lock — ${where}`);
        lastAccepted = at;
      }
    };

    const start = h.clock.now().getTime();
    for (const [i, at] of s.before.entries()) {
      moveTo(start + at * 1000);
      await attemptWithdrawal(`before any reset #${i}`);
    }
    for (const [n, segment] of s.segments.entries()) {
      moveTo(h.clock.now().getTime() + segment.gap * 1000);
      const token = await session();
      const opened = await h.call('POST', '/v1/me/two-factor/reset', {
        token,
        body: { password: PASSWORD, ...factor() },
      });
      assert.equal(opened.status, 200, JSON.stringify(opened.body));
      const at = h.clock.now().getTime();
      const confirm = await h.call('POST', '/v1/me/totp/confirm', {
        token,
        body: { setupId: opened.body.setupId, code: codeFor(h, opened.body.secret) },
      });
      assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
      // The frozen clock lets a withdrawal and the confirmation share an instant:
      // the server starts the lock one millisecond after the withdrawal it holds.
      confirmed = lastAccepted !== undefined && lastAccepted >= at ? lastAccepted + 1 : at;
      secret = opened.body.secret;
      codes = [...confirm.body.backupCodes.codes];
      lastTotpStep = step(at);
      const me = await h.call('GET', '/v1/me/security', { token });
      serverUntil = me.body.withdrawalLock.until;
      assert.equal(serverUntil, new Date(confirmed + s.hours * HOUR_MS).toISOString());
      for (const [i, offset] of segment.withdrawals.entries()) {
        moveTo(confirmed + offset * 1000);
        await attemptWithdrawal(`reset #${n}, withdrawal #${i} at +${offset}s`);
      }
    }
  } finally {
    await h.close();
  }
}

describe('withdrawal lock through HTTP (sqlite, frozen test clock)', () => {
  test('no withdrawal inside a lock is accepted; every one outside it is', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, (s) => runScenario(s)),
      { numRuns: 15 },
    );
  });

  test('a withdrawal and a reset in the same instant: the lock starts one millisecond after the withdrawal', async () => {
    // Found by the property above (it failed only when the frozen clock started on a 30-second step).
    const onAStep = new Date(Math.ceil(Date.now() / 30_000) * 30_000);
    await runScenario({ hours: 12, before: [0], segments: [{ gap: 0, withdrawals: [43_110] }] }, onAStep);
  });
});
