// Issue 11, #3: locks must not be turned on the owner. While the second-factor
// step is locked, the right password still yields a recovery-only challenge
// (it opens a recovery ticket and nothing else); an approved ticket resets
// the attempt budget and the account-wide password ceiling.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOCK_DURATION_MS } from '../../src/domain/attempt-budget.ts';
import { PASSWORD_LIMITS } from '../../src/infra/password-throttle.ts';
import { decide, png, submitTicket, supportAgent, type Ticket, uploadEvidence } from '../recovery/helpers.ts';
import { codeFor, type Enrolled, enrolledUser, PASSWORD, passwordStepFrom, randomIp } from '../support/flows.ts';
import { describeOnEachDatabase, type Harness, type Reply } from '../support/harness.ts';

function passwordStep(h: Harness, email: string, password: string, ip = '127.0.0.1'): Promise<Reply> {
  return passwordStepFrom(h, email, password, ip);
}

async function lockSecondFactor(h: Harness, user: Enrolled): Promise<Date> {
  const now = h.clock.now();
  const until = new Date(now.getTime() + LOCK_DURATION_MS);
  assert.equal(await h.ctx.budget.lock(user.accountId, until, now), true);
  return until;
}

/** The answer to the right password while the second-factor step is locked. */
async function lockedAnswer(h: Harness, user: Enrolled): Promise<Reply> {
  const reply = await passwordStep(h, user.email, PASSWORD);
  assert.equal(reply.status, 429, JSON.stringify(reply.body));
  return reply;
}

async function openTicketWith(h: Harness, challenge: string): Promise<Ticket> {
  const opened = await h.call('POST', '/v1/recovery/tickets', { body: { challenge, kind: 'lost_two_factor' } });
  assert.equal(opened.status, 201, JSON.stringify(opened.body));
  return { ticketId: opened.body.ticketId, ticketToken: opened.body.ticketToken };
}

function wayOutTests(h: Harness): void {
  test('while the second-factor step is locked, the right password gets a 429 with a recovery-only challenge', async () => {
    const user = await enrolledUser(h);
    const until = await lockSecondFactor(h, user);
    const reply = await lockedAnswer(h, user);
    assert.equal(reply.body.code, 'rate_limited');
    assert.ok(Number(reply.headers['retry-after']) > 23 * 3600);
    assert.equal(reply.body.lockedUntil, until.toISOString());
    assert.equal(typeof reply.body.challenge, 'string');
    assert.equal(reply.body.challengePurpose, 'recovery');
    assert.ok(Date.parse(reply.body.challengeExpiresAt) > h.clock.now().getTime());
    assert.match(reply.body.detail, /recovery ticket/);
    // A wrong password learns nothing about the lock.
    const wrong = await passwordStep(h, user.email, 'not the password at all');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.challenge, undefined);
  });

  test('the recovery-only challenge opens a recovery ticket', async () => {
    const user = await enrolledUser(h);
    await lockSecondFactor(h, user);
    const ticket = await openTicketWith(h, (await lockedAnswer(h, user)).body.challenge);
    assert.ok(ticket.ticketToken);
  });

  test('the recovery-only challenge can never finish a login, even once the lock is gone', async () => {
    const user = await enrolledUser(h);
    await lockSecondFactor(h, user);
    const { challenge } = (await lockedAnswer(h, user)).body;
    await h.ctx.budget.clear(user.accountId);
    const verify = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge, method: 'totp', code: codeFor(h, user.secret) },
    });
    assert.equal(verify.status, 401, JSON.stringify(verify.body));
    assert.equal(verify.body.code, 'challenge_expired');
    assert.match(verify.body.detail, /only open a recovery ticket/);
    const backup = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge, method: 'backup_code', code: user.codes[0] },
    });
    assert.equal(backup.status, 401);
    for (const url of ['/v1/sessions/sms', '/v1/sessions/webauthn/options']) {
      const other = await h.call('POST', url, { body: { challenge } });
      assert.equal(other.status, 401, `${url}: ${JSON.stringify(other.body)}`);
      assert.equal(other.body.code, 'challenge_expired');
    }
    // The backup code was not spent: a normal login still works with it.
    const login = await passwordStep(h, user.email, PASSWORD);
    assert.equal(login.body.status, 'second_factor_required');
    const normal = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: login.body.challenge, method: 'backup_code', code: user.codes[0] },
    });
    assert.equal(normal.status, 200, JSON.stringify(normal.body));
  });

  test("an approved ticket resets the second-factor lock and the account's password ceiling", async () => {
    const user = await enrolledUser(h);
    await lockSecondFactor(h, user);
    // Strangers from many networks run the account-wide password ceiling up.
    const { perClient, accountCeiling } = PASSWORD_LIMITS;
    for (let n = 0; n < Math.ceil(accountCeiling.points / perClient.points); n += 1) {
      const ip = randomIp();
      await Promise.all(
        Array.from({ length: perClient.points }, (_, i) => passwordStep(h, user.email, `guess ${n}-${i}`, ip)),
      );
    }
    const ceiling = await passwordStep(h, user.email, PASSWORD, randomIp());
    assert.equal(ceiling.status, 429);
    assert.equal(ceiling.body.scope, 'account');

    const ticket = await openTicketWith(h, (await lockedAnswer(h, user)).body.challenge);
    assert.equal((await uploadEvidence(h, ticket, 'id_document', png())).status, 201);
    assert.equal((await submitTicket(h, ticket)).status, 200);
    const agent = await supportAgent(h);
    const decided = await decide(h, agent, ticket.ticketId, 'approve');
    assert.equal(decided.status, 200, JSON.stringify(decided.body));

    assert.equal(await h.ctx.budget.lockedUntil(user.accountId, h.clock.now()), null);
    // From a network never seen, the right password is accepted again (the
    // approved recovery now waits for its binding through the ticket).
    const after = await passwordStep(h, user.email, PASSWORD, randomIp());
    assert.equal(after.status, 403, JSON.stringify(after.body));
    assert.equal(after.body.code, 'recovery_binding_required');
    const audit = await h.ctx.storage.db
      .selectFrom('audit_log')
      .select('details')
      .where('account_id', '=', user.accountId)
      .where('event', '=', 'attempt_limits_reset')
      .execute();
    assert.deepEqual(
      audit.map((a) => JSON.parse(a.details)),
      [{ proof: 'recovery_approved' }],
    );
  });
}

describeOnEachDatabase('the way out of a lockout, limits in the database and memory', wayOutTests);
describeOnEachDatabase('the way out of a lockout, limits in Redis', { redis: true, only: ['sqlite'] }, wayOutTests);
