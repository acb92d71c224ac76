// The purpose policy (issue 11 #1): SMS is a restricted authenticator (NIST SP
// 800-63B-4 §3.2.9). It may sign in while no security key is bound, and never
// authorises a withdrawal, a factor change or a reset; adding a factor locks
// withdrawals as a 2FA reset does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BINDERS, ORIGIN, signInWithTotp } from '../app/bind-factors.ts';
import { codeFor, enrolledUser, PASSWORD } from '../support/flows.ts';
import { describeOnEachDatabase } from '../support/harness.ts';

const WITHDRAWAL = { asset: 'BTC', amount: '0.1', address: 'bc1qexampleaddress000' };
const DAY_AND_A_BIT = 24 * 3600 + 60;

describeOnEachDatabase('which factor may do what', { env: { LATCHKEY_PUBLIC_ORIGIN: ORIGIN } }, (h) => {
  async function userWithPhone() {
    const user = await enrolledUser(h);
    const sms = await BINDERS.sms(h, user);
    return { ...user, sms };
  }

  test('adding a phone or a security key locks withdrawals (reason factor_added)', async () => {
    for (const method of ['sms', 'webauthn'] as const) {
      const user = await enrolledUser(h);
      await h.clock.advance(30);
      const before = await h.call('GET', '/v1/me/security', { token: user.token });
      assert.deepEqual(before.body.withdrawalLock, { locked: false });
      await BINDERS[method](h, user);
      const me = await h.call('GET', '/v1/me/security', { token: user.token });
      assert.equal(me.body.withdrawalLock.locked, true, method);
      assert.equal(me.body.withdrawalLock.reason, 'factor_added');
      await h.clock.advance(30);
      const refused = await h.call('POST', '/v1/withdrawals', {
        token: user.token,
        body: { ...WITHDRAWAL, method: 'totp', code: codeFor(h, user.secret) },
      });
      assert.equal(refused.status, 423, JSON.stringify(refused.body));
      assert.equal(refused.body.reason, 'factor_added');
      const outbox = await h.call('GET', '/v1/test/outbox');
      assert.ok(
        outbox.body.messages.some(
          (m: { to: string; body: string }) => m.to === user.email && /Withdrawals are locked until/.test(m.body),
        ),
      );
    }
  });

  test('SMS never pays a withdrawal, changes a factor or resets 2FA: 403 method_not_allowed', async () => {
    const bound = await userWithPhone();
    await h.clock.advance(DAY_AND_A_BIT);
    const user = { ...bound, token: await signInWithTotp(h, bound) };
    // No step-up takes SMS, so none is sent for one.
    const send = await h.call('POST', '/v1/me/sms/send', { token: user.token, body: {} });
    assert.equal(send.status, 403, JSON.stringify(send.body));
    assert.equal(send.body.code, 'method_not_allowed');
    // A code sent for a sign-in, offered for a step-up instead.
    const { code } = await user.sms.proof();
    const withdrawal = await h.call('POST', '/v1/withdrawals', {
      token: user.token,
      body: { ...WITHDRAWAL, method: 'sms', code },
    });
    assert.equal(withdrawal.status, 403, JSON.stringify(withdrawal.body));
    assert.equal(withdrawal.body.code, 'method_not_allowed');
    const keyOptions = await h.call('POST', '/v1/me/security-keys/options', {
      token: user.token,
      body: { method: 'sms', code },
    });
    assert.equal(keyOptions.status, 403, JSON.stringify(keyOptions.body));
    assert.equal(keyOptions.body.code, 'method_not_allowed');
    const removePhone = await h.call('DELETE', '/v1/me/phone', { token: user.token, body: { method: 'sms', code } });
    assert.equal(removePhone.status, 403);
    const reset = await h.call('POST', '/v1/me/two-factor/reset', {
      token: user.token,
      body: { password: PASSWORD, method: 'sms', code },
    });
    assert.ok(reset.status === 400 || reset.status === 403, JSON.stringify(reset.body));
    // None of these counted as a wrong code: the same SMS code still signs in.
    const login = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } });
    assert.ok(login.body.methods.includes('sms'));
    const verified = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: login.body.challenge, method: 'sms', code },
    });
    assert.equal(verified.status, 200, JSON.stringify(verified.body));
    const withTotp = await h.call('POST', '/v1/withdrawals', {
      token: user.token,
      body: { ...WITHDRAWAL, method: 'totp', code: codeFor(h, user.secret) },
    });
    assert.equal(withTotp.status, 201, JSON.stringify(withTotp.body));
  });

  test('with a security key bound, login offers no SMS and refuses it (no downgrade)', async () => {
    const user = await userWithPhone();
    const { code } = await user.sms.proof();
    await BINDERS.webauthn(h, user);
    const login = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } });
    assert.deepEqual(login.body.methods, ['totp', 'backup_code', 'webauthn']);
    const send = await h.call('POST', '/v1/sessions/sms', { body: { challenge: login.body.challenge } });
    assert.equal(send.status, 403, JSON.stringify(send.body));
    assert.equal(send.body.code, 'method_not_allowed');
    const verify = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: login.body.challenge, method: 'sms', code },
    });
    assert.equal(verify.status, 403, JSON.stringify(verify.body));
    assert.equal(verify.body.code, 'method_not_allowed');
  });
});
