// Issue 12, "Change password", on both databases: the current password and,
// with 2FA, a second factor through the one gate; the other sessions and
// unfinished sign-ins end, withdrawals lock (reason `password_changed`), the
// owner is emailed and a webhook event goes out; weak passwords are refused
// with a reason a person can act on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PASSWORD_MIN_LENGTH } from '../../src/domain/policy.ts';
import { listAudit } from '../../src/storage/events-repository.ts';
import { outboxTo } from '../recovery/helpers.ts';
import {
  challengeFor,
  codeFor,
  enrolledUser,
  failedSecondFactorPurposes,
  PASSWORD,
  signUpAndLogin,
  uniqueEmail,
  wrongCodeFor,
} from '../support/flows.ts';
import { describeOnEachDatabase, type Harness } from '../support/harness.ts';

const NEW_PASSWORD = 'lantern otter marmalade 41';
const LOCK_HOURS = 36;

function change(h: Harness, token: string, body: object) {
  return h.call('POST', '/v1/me/password', { token, body });
}

async function secondSession(h: Harness, email: string, secret: string): Promise<string> {
  await h.clock.advance(30);
  const verify = await h.call('POST', '/v1/sessions/verify', {
    body: { challenge: await challengeFor(h, email), method: 'totp', code: codeFor(h, secret) },
  });
  assert.equal(verify.status, 200, JSON.stringify(verify.body));
  await h.clock.advance(30);
  return verify.body.token;
}

describeOnEachDatabase('password change', { env: { LATCHKEY_WITHDRAWAL_LOCK_HOURS: String(LOCK_HOURS) } }, (h) => {
  test('with 2FA: password + code → 204; other sessions dead, this one lives; lock password_changed; email; webhook', async () => {
    const user = await enrolledUser(h);
    const other = await secondSession(h, user.email, user.secret);
    // Someone else stopped at the second-factor step with the old password.
    const pending = await challengeFor(h, user.email);
    const before = h.clock.now().getTime();
    const reply = await change(h, user.token, {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
      method: 'totp',
      code: codeFor(h, user.secret),
    });
    assert.equal(reply.status, 204, JSON.stringify(reply.body));

    assert.equal((await h.call('GET', '/v1/me/security', { token: other })).status, 401);
    const me = await h.call('GET', '/v1/me/security', { token: user.token });
    assert.equal(me.status, 200);
    assert.equal(me.body.withdrawalLock.locked, true);
    assert.equal(me.body.withdrawalLock.reason, 'password_changed');
    const until = new Date(me.body.withdrawalLock.until).getTime();
    assert.ok(until >= before + LOCK_HOURS * 3600_000 && until <= h.clock.now().getTime() + LOCK_HOURS * 3600_000);

    // The unfinished sign-in proved the old password: it leads nowhere now.
    await h.clock.advance(30);
    const late = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: pending, method: 'totp', code: codeFor(h, user.secret) },
    });
    assert.equal(late.status, 401);
    assert.equal(late.body.code, 'challenge_expired');

    // Old password refused, new one accepted.
    assert.equal(
      (await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } })).status,
      401,
    );
    const fresh = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: NEW_PASSWORD } });
    assert.equal(fresh.body.status, 'second_factor_required');

    const mail = (await outboxTo(h, user.email)).filter((m) => m.subject === 'Your password was changed');
    assert.equal(mail.length, 1);
    assert.match(mail[0]?.body ?? '', new RegExp(`withdrawals are locked for ${LOCK_HOURS} hours, until \\w+day, `));
    assert.match(mail[0]?.body ?? '', / UTC/);
    assert.ok(!(mail[0]?.body ?? '').includes(NEW_PASSWORD));

    const audit = await listAudit(h.ctx.storage.db, user.accountId);
    const changed = audit.filter((e) => e.event === 'password_changed');
    assert.equal(changed.length, 1);
    assert.equal(JSON.parse(changed[0]?.details ?? '{}').method, 'totp');
    const locks = audit.filter((e) => e.event === 'withdrawal_lock_started').map((e) => JSON.parse(e.details).cause);
    assert.deepEqual(locks, ['password_changed']);
    // The password and a second factor prove control: the limits strangers ran up start again.
    const proofs = audit.filter((e) => e.event === 'attempt_limits_reset').map((e) => JSON.parse(e.details).proof);
    assert.deepEqual(proofs, ['password_changed']);
    const hooks = await h.ctx.storage.db
      .selectFrom('webhook_events')
      .select('type')
      .where('account_id', '=', user.accountId)
      .where('type', 'in', ['password.changed', 'withdrawal_lock.started'])
      .execute();
    assert.deepEqual(hooks.map((e) => e.type).sort(), ['password.changed', 'withdrawal_lock.started']);
  });

  test('withdrawals are refused during the lock (423, reason password_changed)', async () => {
    const user = await enrolledUser(h);
    assert.equal(
      (
        await change(h, user.token, {
          currentPassword: PASSWORD,
          newPassword: NEW_PASSWORD,
          method: 'backup_code',
          code: user.codes[0],
        })
      ).status,
      204,
    );
    const withdrawal = await h.call('POST', '/v1/withdrawals', {
      token: user.token,
      body: {
        asset: 'BTC',
        amount: '0.1',
        address: 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh',
        method: 'totp',
        code: codeFor(h, user.secret),
      },
    });
    assert.equal(withdrawal.status, 423);
    assert.equal(withdrawal.body.code, 'withdrawal_locked');
    assert.equal(withdrawal.body.reason, 'password_changed');
  });

  test('with 2FA, the second factor is required; a wrong code is counted and changes nothing', async () => {
    const user = await enrolledUser(h);
    const missing = await change(h, user.token, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.code, 'invalid_request');
    assert.deepEqual(missing.body.methods, ['totp', 'backup_code']);
    const wrong = await change(h, user.token, {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
      method: 'totp',
      code: wrongCodeFor(h, user.secret),
    });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.code, 'invalid_code');
    assert.deepEqual(
      await failedSecondFactorPurposes(h, user.accountId),
      ['password_change'],
      'counted in the one budget',
    );
    const sms = await change(h, user.token, {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
      method: 'sms',
      code: '123456',
    });
    assert.ok([400, 403].includes(sms.status), JSON.stringify(sms.body));
    // Nothing changed: the old password still signs in.
    const login = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } });
    assert.equal(login.body.status, 'second_factor_required');
    const me = await h.call('GET', '/v1/me/security', { token: user.token });
    assert.deepEqual(me.body.withdrawalLock, { locked: false });
  });

  test('a wrong current password is 401 invalid_credentials and changes nothing', async () => {
    const user = await enrolledUser(h);
    const reply = await change(h, user.token, {
      currentPassword: 'not the password at all',
      newPassword: NEW_PASSWORD,
      method: 'totp',
      code: codeFor(h, user.secret),
    });
    assert.equal(reply.status, 401);
    assert.equal(reply.body.code, 'invalid_credentials');
    assert.equal((await h.call('GET', '/v1/me/security', { token: user.token })).status, 200);
  });

  test('password123 and qwertyuiop1 are refused with a reason in words, even with 2FA (8 characters would do)', async () => {
    const user = await enrolledUser(h);
    for (const newPassword of ['password123', 'qwertyuiop1']) {
      const reply = await change(h, user.token, {
        currentPassword: PASSWORD,
        newPassword,
        method: 'totp',
        code: codeFor(h, user.secret),
      });
      assert.equal(reply.status, 400, newPassword);
      assert.equal(reply.body.code, 'weak_password');
      assert.match(reply.body.detail, /commonly used password|row of keys/);
      assert.match(reply.body.detail, /Choose another one/);
    }
    // With 2FA on, a short but uncommon password is enough.
    const short = await change(h, user.token, {
      currentPassword: PASSWORD,
      newPassword: 'Kp7#vR2x',
      method: 'totp',
      code: codeFor(h, user.secret),
    });
    assert.equal(short.status, 204, JSON.stringify(short.body));
  });

  test('without 2FA: the password alone changes it, but 15 characters are needed; the same password is refused', async () => {
    const user = await signUpAndLogin(h, uniqueEmail());
    const short = await change(h, user.token, { currentPassword: PASSWORD, newPassword: 'Kp7#vR2x' });
    assert.equal(short.status, 400);
    assert.equal(short.body.code, 'weak_password');
    assert.match(short.body.detail, new RegExp(`at least ${PASSWORD_MIN_LENGTH} characters`));
    const same = await change(h, user.token, { currentPassword: PASSWORD, newPassword: PASSWORD });
    assert.equal(same.status, 400);
    assert.match(same.body.detail, /same as the current one/);
    const ok = await change(h, user.token, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    assert.equal(ok.status, 204, JSON.stringify(ok.body));
    const me = await h.call('GET', '/v1/me/security', { token: user.token });
    assert.equal(me.body.withdrawalLock.reason, 'password_changed');
  });

  test('sign-up refuses password123 and a short password with the reason', async () => {
    for (const [password, reason] of [
      ['password123', /at least 15 characters/],
      ['password12345678', /commonly used password/],
      ['qwertyuiop123456', /commonly used|row of keys/],
    ] as const) {
      const reply = await h.call('POST', '/v1/accounts', { body: { email: uniqueEmail(), password } });
      assert.equal(reply.status, 400, password);
      assert.equal(reply.body.code, 'weak_password');
      assert.match(reply.body.detail, reason);
    }
  });

  test('anonymous callers get 401; unknown fields 400', async () => {
    const anonymous = await h.call('POST', '/v1/me/password', {
      body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
    });
    assert.equal(anonymous.status, 401);
    const user = await signUpAndLogin(h, uniqueEmail());
    const extra = await change(h, user.token, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, admin: true });
    assert.equal(extra.status, 400);
  });
});
