// Issue 12, "Forgotten password", on both databases: 202 for any address
// after the same work; a single-use link (token stored hashed, 30 minutes,
// ended by a newer request); the account's second factor is still required;
// every session ends and withdrawals lock (reason `password_reset`); throttled
// per address and per IP; two uses of one link at once: exactly one wins.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import {
  PASSWORD_RESET_REQUESTS_PER_ADDRESS_PER_HOUR,
  PASSWORD_RESET_REQUESTS_PER_IP_PER_HOUR,
  PASSWORD_RESET_TTL_MS,
} from '../../src/domain/policy.ts';
import { listAudit } from '../../src/storage/events-repository.ts';
import { outboxTo, submittedTicket } from '../recovery/helpers.ts';
import {
  codeFor,
  enrolledUser,
  failedSecondFactorPurposes,
  PASSWORD,
  randomIp,
  signUpAndLogin,
  uniqueEmail,
  wrongCodeFor,
} from '../support/flows.ts';
import { describeOnEachDatabase, type Harness, type Reply } from '../support/harness.ts';

const NEW_PASSWORD = 'lantern otter marmalade 41';

async function forgot(h: Harness, email: string, ip = randomIp()): Promise<Reply> {
  const response = await h.app.inject({
    method: 'POST',
    url: '/v1/password-resets',
    remoteAddress: ip,
    payload: { email },
  });
  return { status: response.statusCode, body: response.json(), headers: response.headers, raw: response.rawPayload };
}

/** The token of the newest reset link emailed to `email`. */
async function linkToken(h: Harness, email: string): Promise<string> {
  const mails = (await outboxTo(h, email)).filter((m) => m.subject === 'Reset your password');
  const token = /\/password-reset#token=([A-Za-z0-9_-]+)/.exec(mails.at(-1)?.body ?? '')?.[1];
  assert.ok(token, 'a reset link was emailed');
  return token;
}

function confirm(h: Harness, body: object) {
  return h.call('POST', '/v1/password-resets/confirm', { body });
}

async function auditOf(h: Harness, accountId: string | null, event: string) {
  const rows = await h.ctx.storage.db.selectFrom('audit_log').selectAll().where('event', '=', event).execute();
  return rows.filter((r) => r.account_id === accountId);
}

function resetSuite(h: Harness): void {
  test('without 2FA: the link sets the password once; every session ends; lock password_reset; email; webhook', async () => {
    const user = await signUpAndLogin(h, uniqueEmail());
    const asked = await forgot(h, user.email);
    assert.equal(asked.status, 202);
    assert.deepEqual(asked.body, { status: 'accepted' });
    const token = await linkToken(h, user.email);
    const mail = (await outboxTo(h, user.email)).find((m) => m.subject === 'Reset your password');
    assert.match(mail?.body ?? '', /within 30 minutes/);
    assert.match(mail?.body ?? '', /UTC/);

    // Stored as its SHA-256 hash only.
    const rows = await h.ctx.storage.db
      .selectFrom('password_resets')
      .selectAll()
      .where('account_id', '=', user.accountId)
      .execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.token_hash, crypto.createHash('sha256').update(token).digest('base64url'));
    assert.ok(!JSON.stringify(rows).includes(token));

    const view = await h.call('POST', '/v1/password-resets/check', { body: { token } });
    assert.equal(view.status, 200, JSON.stringify(view.body));
    assert.equal(view.body.email, user.email);
    assert.equal(view.body.twoFactor, false);
    assert.deepEqual(view.body.methods, []);

    const done = await confirm(h, { token, newPassword: NEW_PASSWORD });
    assert.equal(done.status, 204, JSON.stringify(done.body));
    assert.equal((await h.call('GET', '/v1/me/security', { token: user.token })).status, 401);
    assert.equal(
      (await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } })).status,
      401,
    );
    const login = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: NEW_PASSWORD } });
    assert.equal(login.status, 200);
    const me = await h.call('GET', '/v1/me/security', { token: login.body.token });
    assert.equal(me.body.withdrawalLock.locked, true);
    assert.equal(me.body.withdrawalLock.reason, 'password_reset');

    const again = await confirm(h, { token, newPassword: 'another fine password 77' });
    assert.equal(again.status, 400);
    assert.equal(again.body.code, 'invalid_token');
    assert.equal((await h.call('POST', '/v1/password-resets/check', { body: { token } })).body.code, 'invalid_token');

    const reset = (await outboxTo(h, user.email)).filter((m) => m.subject === 'Your password was reset');
    assert.equal(reset.length, 1);
    assert.match(reset[0]?.body ?? '', /withdrawals are locked for 24 hours, until \w+day, /);
    assert.equal((await auditOf(h, user.accountId, 'password_reset')).length, 1);
    const hooks = await h.ctx.storage.db
      .selectFrom('webhook_events')
      .select('type')
      .where('account_id', '=', user.accountId)
      .where('type', 'like', 'password.%')
      .execute();
    assert.deepEqual(
      hooks.map((e) => e.type),
      ['password.reset_requested', 'password.reset'],
    );
  });

  test('an unknown address gets the same answer after the same work, and no email', async () => {
    const known = await signUpAndLogin(h, uniqueEmail());
    const unknown = uniqueEmail('nobody');
    const before = (await auditOf(h, null, 'password_reset_unknown_address')).length;
    const a = await forgot(h, known.email);
    const b = await forgot(h, unknown);
    assert.equal(a.status, b.status);
    assert.deepEqual(a.body, b.body);
    assert.equal(a.headers['content-type'], b.headers['content-type']);
    assert.equal(a.headers['content-length'], b.headers['content-length']);
    // The unknown address went through the same transaction (its audit entry names no address).
    const after = await auditOf(h, null, 'password_reset_unknown_address');
    assert.equal(after.length, before + 1);
    assert.ok(!JSON.stringify(after).includes(unknown));
    assert.deepEqual(await outboxTo(h, unknown), []);
  });

  test('a newer request ends the older link; a link expires after 30 minutes', async () => {
    const user = await signUpAndLogin(h, uniqueEmail());
    await forgot(h, user.email);
    const older = await linkToken(h, user.email);
    await forgot(h, user.email);
    const newer = await linkToken(h, user.email);
    assert.notEqual(older, newer);
    const stale = await confirm(h, { token: older, newPassword: NEW_PASSWORD });
    assert.equal(stale.status, 400);
    assert.equal(stale.body.code, 'invalid_token');

    await h.clock.advance(PASSWORD_RESET_TTL_MS / 1000);
    const expired = await confirm(h, { token: newer, newPassword: NEW_PASSWORD });
    assert.equal(expired.status, 400);
    assert.equal(expired.body.code, 'invalid_token');
    // Nothing changed.
    assert.equal(
      (await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } })).status,
      200,
    );
  });

  test('forged tokens of any shape are 400 invalid_token, never 500', async () => {
    for (const token of ['x', 'A'.repeat(43), '../../etc/passwd', 'ñ-🔑', 'a'.repeat(512)]) {
      for (const url of [
        '/v1/password-resets/confirm',
        '/v1/password-resets/check',
        '/v1/password-resets/webauthn/options',
      ]) {
        const reply = await h.call('POST', url, {
          body: { token, ...(url.endsWith('confirm') ? { newPassword: NEW_PASSWORD } : {}) },
        });
        assert.equal(reply.status, 400, `${url} ${token}`);
        assert.equal(reply.body.code, 'invalid_token');
      }
    }
  });

  test('with 2FA the second factor is still required; a wrong code spends nothing; then every session ends', async () => {
    const user = await enrolledUser(h);
    await forgot(h, user.email);
    const token = await linkToken(h, user.email);
    const view = await h.call('POST', '/v1/password-resets/check', { body: { token } });
    assert.equal(view.body.twoFactor, true);
    assert.deepEqual(view.body.methods, ['totp', 'backup_code']);

    const bare = await confirm(h, { token, newPassword: NEW_PASSWORD });
    assert.equal(bare.status, 400);
    assert.equal(bare.body.code, 'invalid_request');
    assert.deepEqual(bare.body.methods, ['totp', 'backup_code']);
    const right = codeFor(h, user.secret);
    const wrong = await confirm(h, {
      token,
      newPassword: NEW_PASSWORD,
      method: 'totp',
      code: wrongCodeFor(h, user.secret),
    });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.code, 'invalid_code');
    assert.deepEqual(
      await failedSecondFactorPurposes(h, user.accountId),
      ['password_reset'],
      'counted in the one budget',
    );

    // password123 is refused with the reason, even though 8 characters would do with 2FA.
    const weak = await confirm(h, { token, newPassword: 'password123', method: 'totp', code: right });
    assert.equal(weak.status, 400);
    assert.equal(weak.body.code, 'weak_password');
    assert.match(weak.body.detail, /commonly used password/);

    const done = await confirm(h, { token, newPassword: NEW_PASSWORD, method: 'totp', code: right });
    assert.equal(done.status, 204, JSON.stringify(done.body));
    assert.equal((await h.call('GET', '/v1/me/security', { token: user.token })).status, 401);
    // Still two factors to sign in: the reset changed the password, not 2FA.
    const login = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: NEW_PASSWORD } });
    assert.equal(login.body.status, 'second_factor_required');
    await h.clock.advance(30);
    const verified = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: login.body.challenge, method: 'totp', code: codeFor(h, user.secret) },
    });
    const me = await h.call('GET', '/v1/me/security', { token: verified.body.token });
    assert.equal(me.body.withdrawalLock.reason, 'password_reset');
    assert.equal(JSON.parse((await auditOf(h, user.accountId, 'password_reset'))[0]?.details ?? '{}').method, 'totp');
    // The mailbox and the second factor prove control: the limits strangers ran up start again.
    const proofs = (await auditOf(h, user.accountId, 'attempt_limits_reset')).map((e) => JSON.parse(e.details).proof);
    assert.deepEqual(proofs, ['password_reset']);
  });

  test('a frozen account (full verification in review): its link answers 423 account_frozen', async () => {
    const user = await enrolledUser(h);
    await forgot(h, user.email);
    const token = await linkToken(h, user.email);
    await submittedTicket(h, user.email, 'full_verification');
    const check = await h.call('POST', '/v1/password-resets/check', { body: { token } });
    assert.equal(check.status, 423, JSON.stringify(check.body));
    assert.equal(check.body.code, 'account_frozen');
    const done = await confirm(h, { token, newPassword: NEW_PASSWORD, method: 'totp', code: codeFor(h, user.secret) });
    assert.equal(done.status, 423, JSON.stringify(done.body));
    assert.equal(done.body.code, 'account_frozen');
  });

  test('two confirms with one link at once: exactly one 204, the other 400 invalid_token', async () => {
    const user = await signUpAndLogin(h, uniqueEmail());
    await forgot(h, user.email);
    const token = await linkToken(h, user.email);
    const answers = await Promise.all([
      confirm(h, { token, newPassword: NEW_PASSWORD }),
      confirm(h, { token, newPassword: 'the other racer wins 55' }),
    ]);
    const statuses = answers.map((a) => a.status).sort();
    assert.deepEqual(statuses, [204, 400], JSON.stringify(answers.map((a) => a.body)));
    assert.equal(answers.find((a) => a.status === 400)?.body.code, 'invalid_token');
    assert.equal((await auditOf(h, user.accountId, 'password_reset')).length, 1);
    const locks = (await listAudit(h.ctx.storage.db, user.accountId)).filter(
      (e) => e.event === 'withdrawal_lock_started',
    );
    assert.equal(locks.length, 1);
  });

  test(`throttled: ${PASSWORD_RESET_REQUESTS_PER_ADDRESS_PER_HOUR} per address (known or not), ${PASSWORD_RESET_REQUESTS_PER_IP_PER_HOUR} per IP an hour; 429 with Retry-After`, async () => {
    for (const email of [(await signUpAndLogin(h, uniqueEmail())).email, uniqueEmail('nobody')]) {
      for (let i = 0; i < PASSWORD_RESET_REQUESTS_PER_ADDRESS_PER_HOUR; i += 1) {
        assert.equal((await forgot(h, email)).status, 202);
      }
      const refused = await forgot(h, email);
      assert.equal(refused.status, 429);
      assert.equal(refused.body.code, 'rate_limited');
      assert.ok(Number(refused.headers['retry-after']) > 0);
    }
    const ip = randomIp();
    for (let i = 0; i < PASSWORD_RESET_REQUESTS_PER_IP_PER_HOUR; i += 1) {
      assert.equal((await forgot(h, uniqueEmail('spray'), ip)).status, 202);
    }
    assert.equal((await forgot(h, uniqueEmail('spray'), ip)).status, 429);
    assert.equal((await forgot(h, uniqueEmail('spray'))).status, 202, 'another network is not affected');
  });
}

describeOnEachDatabase('password reset', resetSuite);
describeOnEachDatabase('password reset, throttles in Redis', { redis: true, only: ['sqlite'] }, (h) => {
  test('the per-address limit holds in Redis', async () => {
    const email = uniqueEmail('redis');
    for (let i = 0; i < PASSWORD_RESET_REQUESTS_PER_ADDRESS_PER_HOUR; i += 1) {
      assert.equal((await forgot(h, email)).status, 202);
    }
    assert.equal((await forgot(h, email)).status, 429);
  });
});
