// Contract v1.1 "Attempts left, the burnt step" (issue 14, #3 and #4): every
// refused code says how many more wrong codes the account's budget and the
// login challenge take; a right code for a step a clock diagnosis burnt is
// `code_step_reserved` with `retryAt`, counted nowhere, and after `retryAt` the
// right code signs in. On SQLite, PostgreSQL, and with the budget in Redis.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FAILURES_BEFORE_LOCK, FAILURES_PER_CHALLENGE, LOCK_DURATION_MS } from '../../src/domain/policy.ts';
import { challengeFor, codeFor, type Enrolled, enrolledUser, PASSWORD } from '../support/flows.ts';
import { describeOnEachDatabase, type Harness, type Reply } from '../support/harness.ts';

/** Moves the frozen clock to 1 s into the next 30 s step, so a test's codes stay in one step. */
function alignClock(h: Harness): void {
  const now = h.clock.now().getTime();
  h.clock.set(new Date((Math.floor(now / 30_000) + 1) * 30_000 + 1_000));
}

/** Codes wrong for every step within ±15 minutes (not even clock_out_of_sync). */
function wrongCodes(h: Harness, user: Enrolled, count: number): string[] {
  const near = new Set<string>();
  for (let s = -30; s <= 30; s += 1) near.add(codeFor(h, user.secret, s * 30));
  const codes: string[] = [];
  for (let n = 100_003; codes.length < count; n += 7_919) {
    const code = String(n % 1_000_000).padStart(6, '0');
    if (!near.has(code) && !codes.includes(code) && !user.codes.includes(code)) codes.push(code);
  }
  return codes;
}

function verify(h: Harness, challenge: string, code: string, method = 'totp'): Promise<Reply> {
  return h.call('POST', '/v1/sessions/verify', { body: { challenge, method, code } });
}

async function countedFailures(h: Harness, accountId: string): Promise<number> {
  const rows = await h.ctx.storage.db
    .selectFrom('audit_log')
    .select('id')
    .where('account_id', '=', accountId)
    .where('event', '=', 'second_factor_failed')
    .execute();
  return rows.length;
}

function refused(reply: Reply, code: string): void {
  assert.equal(reply.status, 401, JSON.stringify(reply.body));
  assert.equal(reply.body.code, code, JSON.stringify(reply.body));
}

function attemptsRemainingTests(h: Harness): void {
  test('attemptsRemaining counts down 1 by 1 across challenges and methods; challengeAttemptsRemaining per challenge', async () => {
    const user = await enrolledUser(h);
    alignClock(h);
    const wrong = wrongCodes(h, user, FAILURES_BEFORE_LOCK);
    const first = await challengeFor(h, user.email);
    for (let i = 1; i <= FAILURES_PER_CHALLENGE; i += 1) {
      const reply = await verify(h, first, wrong[i - 1] as string);
      refused(reply, 'invalid_code');
      assert.equal(reply.body.attemptsRemaining, FAILURES_BEFORE_LOCK - i);
      assert.equal(reply.body.challengeAttemptsRemaining, FAILURES_PER_CHALLENGE - i);
    }
    // Used up: this sign-in is over, even for the right code.
    refused(await verify(h, first, codeFor(h, user.secret)), 'challenge_expired');

    // A new challenge has its own five; the account's budget goes on where it was.
    const second = await challengeFor(h, user.email);
    const backup = await verify(h, second, wrong[5] as string, 'backup_code');
    refused(backup, 'invalid_code');
    assert.equal(backup.body.attemptsRemaining, FAILURES_BEFORE_LOCK - 6, 'every method draws on one budget');
    assert.equal(backup.body.challengeAttemptsRemaining, FAILURES_PER_CHALLENGE - 1);
    // The same wrong code again (a double click) is counted once, and says so.
    const repeat = await verify(h, second, wrong[5] as string, 'backup_code');
    refused(repeat, 'invalid_code');
    assert.equal(repeat.body.attemptsRemaining, FAILURES_BEFORE_LOCK - 6);
    assert.equal(repeat.body.challengeAttemptsRemaining, FAILURES_PER_CHALLENGE - 1);
    // Not even a code (five digits): refused before anything is counted.
    const malformed = await verify(h, second, '12345');
    refused(malformed, 'invalid_code');
    assert.equal(malformed.body.attemptsRemaining, FAILURES_BEFORE_LOCK - 6);
    assert.equal(malformed.body.challengeAttemptsRemaining, FAILURES_PER_CHALLENGE - 1);
    assert.equal(await countedFailures(h, user.accountId), 6);

    for (let i = 7; i <= FAILURES_BEFORE_LOCK; i += 1) {
      const reply = await verify(h, second, wrong[i - 1] as string);
      refused(reply, 'invalid_code');
      assert.equal(reply.body.attemptsRemaining, FAILURES_BEFORE_LOCK - i);
      // The refusal that locks says until when; the others carry no lock.
      assert.equal(
        reply.body.lockedUntil,
        i === FAILURES_BEFORE_LOCK ? new Date(h.clock.now().getTime() + LOCK_DURATION_MS).toISOString() : undefined,
      );
    }
    assert.equal(await countedFailures(h, user.accountId), FAILURES_BEFORE_LOCK);
    // At 0 the lock is on: the password step answers 429 with its end.
    const login = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } });
    assert.equal(login.status, 429, JSON.stringify(login.body));
    assert.ok(Date.parse(login.body.lockedUntil) > h.clock.now().getTime(), JSON.stringify(login.body));
  });

  test('a step-up outside login carries attemptsRemaining and no challengeAttemptsRemaining', async () => {
    const user = await enrolledUser(h);
    alignClock(h);
    const [wrong] = wrongCodes(h, user, 1);
    const reply = await h.call('POST', '/v1/me/two-factor/reset', {
      token: user.token,
      body: { password: PASSWORD, method: 'totp', code: wrong },
    });
    refused(reply, 'invalid_code');
    assert.equal(reply.body.attemptsRemaining, FAILURES_BEFORE_LOCK - 1);
    assert.equal(reply.body.challengeAttemptsRemaining, undefined);
  });

  test('the fast-clock trap: a right code for a burnt step is code_step_reserved, counted nowhere; after retryAt it signs in', async () => {
    const user = await enrolledUser(h);
    alignClock(h);
    const challenge = await challengeFor(h, user.email);
    // The phone runs 3 minutes fast: its code is right for a step 6 ahead.
    const fast = await verify(h, challenge, codeFor(h, user.secret, 180));
    refused(fast, 'clock_out_of_sync');
    assert.equal(fast.body.driftSeconds, 180);
    assert.equal(fast.body.attemptsRemaining, FAILURES_BEFORE_LOCK - 1, 'the diagnosis is still a failure');
    assert.equal(fast.body.challengeAttemptsRemaining, FAILURES_PER_CHALLENGE - 1);

    // The owner fixes the clock and types the right code: its step is before the burnt one.
    await h.clock.advance(20);
    const reserved = await verify(h, challenge, codeFor(h, user.secret));
    refused(reserved, 'code_step_reserved');
    const burntStep = Math.floor((h.clock.now().getTime() - 20_000 + 180_000) / 30_000);
    assert.equal(reserved.body.retryAt, new Date((burntStep + 1) * 30_000).toISOString());
    assert.equal(reserved.body.attemptsRemaining, FAILURES_BEFORE_LOCK - 1, 'not counted in the budget');
    assert.equal(reserved.body.challengeAttemptsRemaining, FAILURES_PER_CHALLENGE - 1, 'nor on the challenge');
    // Again every half minute until retryAt: never counted.
    while (Date.parse(reserved.body.retryAt) - h.clock.now().getTime() > 30_000) {
      await h.clock.advance(30);
      const again = await verify(h, challenge, codeFor(h, user.secret));
      refused(again, 'code_step_reserved');
      assert.equal(again.body.retryAt, reserved.body.retryAt);
      assert.equal(again.body.attemptsRemaining, FAILURES_BEFORE_LOCK - 1);
    }
    assert.equal(await countedFailures(h, user.accountId), 1);

    h.clock.set(new Date(Date.parse(reserved.body.retryAt) + 1_000));
    const login = await verify(h, challenge, codeFor(h, user.secret));
    assert.equal(login.status, 200, JSON.stringify(login.body));
    assert.equal(login.body.status, 'authenticated');
    assert.deepEqual(login.body.warnings, [], 'the clock is right now: no drift warning');
    assert.equal(await countedFailures(h, user.accountId), 1, 'only the diagnosis counted');
    const activity = await h.call('GET', '/v1/me/activity', { token: login.body.token });
    const results = activity.body.events.map((e: { result: string }) => e.result);
    assert.deepEqual(results.slice(0, 2), ['success', 'second_factor_failed'], JSON.stringify(results));
    assert.equal(results.filter((r: string) => r === 'second_factor_failed').length, 1);
  });

  test('a backup code works while the step is reserved', async () => {
    const user = await enrolledUser(h);
    alignClock(h);
    const challenge = await challengeFor(h, user.email);
    refused(await verify(h, challenge, codeFor(h, user.secret, 240)), 'clock_out_of_sync');
    refused(await verify(h, challenge, codeFor(h, user.secret)), 'code_step_reserved');
    const backup = await verify(h, challenge, user.codes[0] as string, 'backup_code');
    assert.equal(backup.status, 200, JSON.stringify(backup.body));
  });
}

describeOnEachDatabase('attempts left and the burnt step', { frozenClock: true }, attemptsRemainingTests);
describeOnEachDatabase(
  'attempts left and the burnt step, budget in Redis',
  { frozenClock: true, redis: true, only: ['postgres'] },
  attemptsRemainingTests,
);
