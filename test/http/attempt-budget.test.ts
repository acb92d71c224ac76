// One attempt budget per account over HTTP: 5 wrong codes kill a challenge,
// 10 in 24 hours lock the second-factor step for 24 hours (429 + Retry-After)
// and email the owner once. Run on SQLite, PostgreSQL, and with Redis.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { passSecondFactor } from '../../src/app/second-factor-gate.ts';
import { FAILURES_BEFORE_LOCK, FAILURES_PER_CHALLENGE } from '../../src/domain/policy.ts';
import { hashToken } from '../../src/infra/tokens.ts';
import { findChallengeWithAccount, takeChallengeAttempt } from '../../src/storage/sessions-repository.ts';
import { challengeFor, codeFor, type Enrolled, enrolledUser, PASSWORD } from '../support/flows.ts';
import { describeOnEachDatabase, type Harness, type Reply } from '../support/harness.ts';

const LOCK_SUBJECT = /locked/i;

/** Moves the test clock to 1 s into the next 30 s step, so a test's codes stay in one step. */
async function alignClock(h: Harness): Promise<void> {
  const now = h.clock.now().getTime();
  h.clock.set(new Date((Math.floor(now / 30_000) + 1) * 30_000 + 1_000));
}

/** Codes that are wrong for every step within ±15 minutes of now (not even clock_out_of_sync). */
function wrongCodes(h: Harness, user: Enrolled, count: number, spanSteps = 30): string[] {
  const near = new Set<string>();
  for (let s = -spanSteps; s <= spanSteps; s += 1) near.add(codeFor(h, user.secret, s * 30));
  const codes: string[] = [];
  for (let n = 100_003; codes.length < count; n += 7_919) {
    const code = String(n % 1_000_000).padStart(6, '0');
    if (!near.has(code) && !codes.includes(code)) codes.push(code);
  }
  return codes;
}

function verify(h: Harness, challenge: string, code: string, method = 'totp'): Promise<Reply> {
  return h.call('POST', '/v1/sessions/verify', { body: { challenge, method, code } });
}

async function lockEmails(h: Harness, email: string): Promise<number> {
  const outbox = await h.call('GET', '/v1/test/outbox');
  return outbox.body.messages.filter(
    (m: { to: string; subject: string }) => m.to === email && LOCK_SUBJECT.test(m.subject),
  ).length;
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

function assertRateLimited(reply: Reply): void {
  assert.equal(reply.status, 429, JSON.stringify(reply.body));
  assert.equal(reply.body.code, 'rate_limited');
  assert.match(String(reply.headers['content-type']), /application\/problem\+json/);
  const retryAfter = Number(reply.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 24 * 3600, `Retry-After ${retryAfter}`);
}

function attemptBudgetTests(h: Harness): void {
  test('a challenge dies after 5 wrong codes', async () => {
    const user = await enrolledUser(h);
    await alignClock(h);
    const challenge = await challengeFor(h, user.email);
    for (const code of wrongCodes(h, user, 5)) {
      const reply = await verify(h, challenge, code);
      assert.equal(reply.status, 401);
      assert.equal(reply.body.code, 'invalid_code');
    }
    const right = await verify(h, challenge, codeFor(h, user.secret));
    assert.equal(right.status, 401);
    assert.equal(right.body.code, 'challenge_expired');
    // The account itself is not locked after 5: a new challenge works.
    const fresh = await verify(h, await challengeFor(h, user.email), codeFor(h, user.secret));
    assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
  });

  test('a right code for a challenge that died after it was opened is refused, spends nothing and counts nothing', async () => {
    const user = await enrolledUser(h);
    await alignClock(h);
    const db = h.ctx.storage.db;
    // A login completes its challenge; a ticket cancellation only needs it alive.
    for (const completesChallenge of [true, false]) {
      const found = await findChallengeWithAccount(db, hashToken(await challengeFor(h, user.email)));
      assert.ok(found);
      const { challenge, account } = found;
      // Its five wrong codes land between the request's opening of the challenge and its transaction.
      for (let i = 0; i < FAILURES_PER_CHALLENGE; i += 1) {
        await takeChallengeAttempt(db, challenge.id, h.clock.now().toISOString(), FAILURES_PER_CHALLENGE);
      }
      await assert.rejects(
        passSecondFactor(
          h.ctx,
          {
            account,
            method: 'totp',
            code: codeFor(h, user.secret),
            purpose: 'login',
            origin: { ip: null, userAgent: null },
            challengeId: challenge.id,
            completesChallenge,
          },
          async () => 'signed in',
        ),
        (error: { code?: string }) => error.code === 'challenge_expired',
      );
      assert.equal((await findChallengeWithAccount(db, challenge.token_hash))?.challenge.completed_at, null);
    }
    assert.equal(await countedFailures(h, user.accountId), 0);
    // The code was not spent: it still signs in with a live challenge.
    const fresh = await verify(h, await challengeFor(h, user.email), codeFor(h, user.secret));
    assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
  });

  test('a challenge that expires between its opening and the check takes neither a right code nor a wrong one, and counts nothing', async () => {
    const user = await enrolledUser(h);
    const db = h.ctx.storage.db;
    const origin = { ip: null, userAgent: null };
    // A login completes its challenge; a ticket cancellation only needs it alive.
    for (const completesChallenge of [true, false]) {
      await alignClock(h);
      const found = await findChallengeWithAccount(db, hashToken(await challengeFor(h, user.email)));
      assert.ok(found);
      const { challenge, account } = found;
      // The request opened the challenge; it expires before the gate's check (a slow argon2, a stalled request).
      h.clock.set(new Date(Date.parse(challenge.expires_at) + 1_000));
      const [wrong] = wrongCodes(h, user, 1) as [string];
      for (const code of [codeFor(h, user.secret), wrong]) {
        await assert.rejects(
          passSecondFactor(
            h.ctx,
            { account, method: 'totp', code, purpose: 'login', origin, challengeId: challenge.id, completesChallenge },
            async () => 'signed in',
          ),
          (error: { code?: string }) => error.code === 'challenge_expired',
          `${code === wrong ? 'wrong' : 'right'} code, completesChallenge ${completesChallenge}`,
        );
      }
      const after = (await findChallengeWithAccount(db, challenge.token_hash))?.challenge;
      assert.equal(after?.completed_at, null);
      assert.equal(after?.failed_attempts, 0, 'the wrong code took none of the challenge’s attempts');
    }
    assert.equal(await countedFailures(h, user.accountId), 0);
    // The right code was not spent: it still signs in with a live challenge.
    const fresh = await verify(h, await challengeFor(h, user.email), codeFor(h, user.secret));
    assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
  });

  test('10 wrong codes in 24 h lock verify and password login (429 + Retry-After), email the owner once; the lock ends after 24 h', async () => {
    const user = await enrolledUser(h);
    await alignClock(h);
    const [first, second, third] = [
      await challengeFor(h, user.email),
      await challengeFor(h, user.email),
      await challengeFor(h, user.email),
    ] as [string, string, string];
    const codes = wrongCodes(h, user, FAILURES_BEFORE_LOCK);
    for (const [i, code] of codes.entries()) {
      const reply = await verify(h, i < 5 ? first : second, code);
      assert.equal(reply.status, 401, `attempt ${i + 1}: ${JSON.stringify(reply.body)}`);
    }
    // Even the right code is refused now, on a challenge opened before the lock.
    assertRateLimited(await verify(h, third, codeFor(h, user.secret)));
    assertRateLimited(await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } }));
    // The backup codes share the budget.
    const backup = await verify(h, third, user.codes[0] as string, 'backup_code');
    assertRateLimited(backup);
    assert.ok(Number(backup.headers['retry-after']) > 23 * 3600);
    assert.equal(await lockEmails(h, user.email), 1);
    const audit = await h.ctx.storage.db
      .selectFrom('audit_log')
      .select('event')
      .where('account_id', '=', user.accountId)
      .where('event', '=', 'second_factor_locked')
      .execute();
    assert.equal(audit.length, 1);
    // The refused password login is in the login history too.
    const history = await h.ctx.storage.db
      .selectFrom('login_events')
      .select(['result', 'factor'])
      .where('account_id', '=', user.accountId)
      .where('result', '=', 'second_factor_locked')
      .execute();
    assert.deepEqual(history, [{ result: 'second_factor_locked', factor: 'password' }]);

    await h.clock.advance(23 * 3600);
    assertRateLimited(await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } }));
    await h.clock.advance(3600 + 1);
    const after24h = await verify(h, await challengeFor(h, user.email), codeFor(h, user.secret));
    assert.equal(after24h.status, 200, JSON.stringify(after24h.body));
    assert.equal(await lockEmails(h, user.email), 1);
  });

  test('the same wrong code submitted 5 times counts as one failure', async () => {
    const user = await enrolledUser(h);
    await alignClock(h);
    const challenge = await challengeFor(h, user.email);
    const [wrong] = wrongCodes(h, user, 1) as [string];
    for (let i = 0; i < 5; i += 1) {
      const reply = await verify(h, challenge, wrong);
      assert.equal(reply.status, 401);
      assert.equal(reply.body.code, 'invalid_code');
    }
    // Also as a double click: five at once.
    const burst = await Promise.all(Array.from({ length: 5 }, () => verify(h, challenge, wrong)));
    assert.deepEqual(
      burst.map((r) => r.status),
      [401, 401, 401, 401, 401],
    );
    assert.equal(await countedFailures(h, user.accountId), 1);
    const right = await verify(h, challenge, codeFor(h, user.secret));
    assert.equal(right.status, 200, `the challenge is still alive: ${JSON.stringify(right.body)}`);
  });

  test('the same wrong TOTP code at later time steps is a new guess each time', async () => {
    const user = await enrolledUser(h);
    await alignClock(h);
    // Wrong for every step this test will pass through.
    const [wrong] = wrongCodes(h, user, 1, 40) as [string];
    let challenge = await challengeFor(h, user.email);
    let sinceChallenge = 0;
    for (let step = 0; step < FAILURES_BEFORE_LOCK; step += 1) {
      if (sinceChallenge === 5) {
        challenge = await challengeFor(h, user.email);
        sinceChallenge = 0;
      }
      const reply = await verify(h, challenge, wrong);
      assert.equal(reply.status, 401, `step ${step}: ${JSON.stringify(reply.body)}`);
      sinceChallenge += 1;
      await h.clock.advance(30);
    }
    assert.equal(await countedFailures(h, user.accountId), FAILURES_BEFORE_LOCK);
    assertRateLimited(await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } }));
  });

  test('30 concurrent wrong codes across 6 challenges never count more than 10 failures', async () => {
    const user = await enrolledUser(h);
    await alignClock(h);
    const challenges = await Promise.all(Array.from({ length: 6 }, () => challengeFor(h, user.email)));
    const codes = wrongCodes(h, user, 45);
    const replies = await Promise.all(
      codes.slice(0, 30).map((code, i) => verify(h, challenges[i % 6] as string, code)),
    );
    for (const reply of replies) {
      assert.ok(reply.status === 401 || reply.status === 429, `${reply.status} ${JSON.stringify(reply.body)}`);
      assert.ok(reply.body.code);
    }
    const counted = await countedFailures(h, user.accountId);
    assert.ok(counted <= FAILURES_BEFORE_LOCK, `${counted} failures counted`);
    // Whatever the burst got through, the account locks after exactly 10 in total.
    // A new password login answers 429 once the account is locked.
    const tryChallenge = async () => {
      const login = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } });
      return login.status === 429 ? undefined : (login.body.challenge as string);
    };
    let challenge = await tryChallenge();
    for (const code of codes.slice(30)) {
      if (!challenge) break;
      let reply = await verify(h, challenge, code);
      if (reply.body.code === 'challenge_expired') {
        challenge = await tryChallenge();
        if (!challenge) break;
        reply = await verify(h, challenge, code);
      }
      if (reply.status === 429) break;
    }
    assert.equal(await countedFailures(h, user.accountId), FAILURES_BEFORE_LOCK);
    assertRateLimited(await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } }));
    assert.equal(await lockEmails(h, user.email), 1);
  });

  test('10 concurrent wrong codes reaching the limit together lock once and email the owner once', async () => {
    for (let round = 0; round < 3; round += 1) {
      const user = await enrolledUser(h);
      await alignClock(h);
      const challenges = [await challengeFor(h, user.email), await challengeFor(h, user.email)];
      const codes = wrongCodes(h, user, FAILURES_BEFORE_LOCK);
      await Promise.all(codes.map((code, i) => verify(h, challenges[i % 2] as string, code)));
      const counted = await countedFailures(h, user.accountId);
      assert.ok(counted <= FAILURES_BEFORE_LOCK);
      assert.equal(await lockEmails(h, user.email), counted === FAILURES_BEFORE_LOCK ? 1 : 0, `round ${round}`);
    }
  });

  test('clock_out_of_sync counts as a failure', async () => {
    const user = await enrolledUser(h);
    await alignClock(h);
    const [first, second, third] = [
      await challengeFor(h, user.email),
      await challengeFor(h, user.email),
      await challengeFor(h, user.email),
    ] as [string, string, string];
    const behind = await verify(h, first, codeFor(h, user.secret, -300));
    assert.equal(behind.status, 401);
    assert.equal(behind.body.code, 'clock_out_of_sync');
    assert.equal(behind.body.driftSeconds, -300);
    const codes = wrongCodes(h, user, FAILURES_BEFORE_LOCK - 1);
    for (const [i, code] of codes.entries()) {
      const reply = await verify(h, i < 4 ? first : second, code);
      assert.equal(reply.status, 401, `attempt ${i + 2}`);
    }
    assertRateLimited(await verify(h, third, codeFor(h, user.secret)));
  });
}

describeOnEachDatabase('attempt budget over HTTP, budget in the database', attemptBudgetTests);
describeOnEachDatabase(
  'attempt budget over HTTP, budget in Redis',
  { only: ['sqlite'], redis: true },
  attemptBudgetTests,
);
