// Holes a security review found, each closed and kept closed here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { challengeFor, codeFor, enrolledUser, PASSWORD, signUpAndLogin } from '../support/flows.ts';
import { describeOnEachDatabase } from '../support/harness.ts';

describeOnEachDatabase('second-factor hardening', (h) => {
  const failures = async (accountId: string) =>
    (
      await h.ctx.storage.db
        .selectFrom('audit_log')
        .select('event')
        .where('account_id', '=', accountId)
        .where('event', '=', 'second_factor_failed')
        .execute()
    ).length;

  const lastSms = async () => {
    const messages = (await h.call('GET', '/v1/test/outbox')).body.messages;
    const body: string = messages.filter((m: { channel: string }) => m.channel === 'sms').at(-1).body;
    return body.slice(0, 6);
  };

  test('a code diagnosed as right 5 minutes from now is never accepted when that time comes', async () => {
    const user = await enrolledUser(h);
    const future = codeFor(h, user.secret, 300);
    const early = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: await challengeFor(h, user.email), method: 'totp', code: future },
    });
    assert.equal(early.body.code, 'clock_out_of_sync');
    assert.equal(early.body.driftSeconds, 300);
    await h.clock.advance(300);
    assert.equal(codeFor(h, user.secret), future);
    const later = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: await challengeFor(h, user.email), method: 'totp', code: future },
    });
    assert.equal(later.status, 401);
    // Refused (its step is burnt) without counting as a guess: codes work from the next step.
    assert.equal(later.body.code, 'code_step_reserved');
    assert.ok(Date.parse(later.body.retryAt) > h.clock.now().getTime(), later.body.retryAt);
  });

  test('concurrent wrong codes on one challenge: at most 5 are checked', async () => {
    const user = await enrolledUser(h);
    const challenge = await challengeFor(h, user.email);
    const right = codeFor(h, user.secret);
    const codes = Array.from({ length: 9 }, (_, i) => String(100001 + i * 7919)).filter((c) => c !== right);
    const answers = await Promise.all(
      codes.map((code) => h.call('POST', '/v1/sessions/verify', { body: { challenge, method: 'totp', code } })),
    );
    assert.ok(answers.every((a) => a.status === 401 || a.status === 429));
    assert.ok((await failures(user.accountId)) <= 5);
    const row = await h.ctx.storage.db
      .selectFrom('login_challenges')
      .select('failed_attempts')
      .where('account_id', '=', user.accountId)
      .executeTakeFirstOrThrow();
    assert.ok(row.failed_attempts <= 5);
  });

  test('SMS: a new code supersedes the old one, and the same wrong digits count again against it', async () => {
    const user = await enrolledUser(h);
    await h.call('POST', '/v1/me/phone', {
      token: user.token,
      body: { phone: '+14155550199', method: 'totp', code: codeFor(h, user.secret) },
    });
    await h.call('POST', '/v1/me/phone/verify', { token: user.token, body: { code: await lastSms() } });
    await h.clock.advance(31);
    const challenge = await challengeFor(h, user.email);
    await h.call('POST', '/v1/sessions/sms', { body: { challenge } });
    const first = await lastSms();
    const wrong = first === '111111' ? '222222' : '111111';
    assert.equal(
      (await h.call('POST', '/v1/sessions/verify', { body: { challenge, method: 'sms', code: wrong } })).status,
      401,
    );
    await h.clock.advance(31);
    await h.call('POST', '/v1/sessions/sms', { body: { challenge } });
    const second = await lastSms();
    const again = second === wrong ? '333333' : wrong;
    assert.equal(
      (await h.call('POST', '/v1/sessions/verify', { body: { challenge, method: 'sms', code: again } })).status,
      401,
    );
    assert.equal(await failures(user.accountId), 2);
    if (first !== second) {
      const stale = await h.call('POST', '/v1/sessions/verify', { body: { challenge, method: 'sms', code: first } });
      assert.equal(stale.status, 401, 'the superseded code is dead');
    }
    const ok = await h.call('POST', '/v1/sessions/verify', { body: { challenge, method: 'sms', code: second } });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  });

  test('wrong phone-verification codes draw on the budget and lock the account like any wrong code', async () => {
    const user = await enrolledUser(h);
    await h.call('POST', '/v1/me/phone', {
      token: user.token,
      body: { phone: '+14155550188', method: 'totp', code: codeFor(h, user.secret) },
    });
    const right = await lastSms();
    for (let i = 0; i < 10; i += 1) {
      const code = String(500000 + i);
      if (code === right) continue;
      await h.call('POST', '/v1/me/phone/verify', { token: user.token, body: { code } });
    }
    const locked = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } });
    assert.equal(locked.status, 429);
    const outbox = (await h.call('GET', '/v1/test/outbox')).body.messages;
    assert.ok(outbox.some((m: { to: string; subject: string }) => m.to === user.email && /locked/.test(m.subject)));
  });

  test('turning 2FA on signs out every other password-only session', async () => {
    const user = await signUpAndLogin(h);
    const other = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } });
    const setup = await h.call('POST', '/v1/me/totp/setup', { token: user.token, body: {} });
    const confirm = await h.call('POST', '/v1/me/totp/confirm', {
      token: user.token,
      body: { setupId: setup.body.setupId, code: codeFor(h, setup.body.secret) },
    });
    assert.equal(confirm.status, 200);
    assert.equal((await h.call('GET', '/v1/me/security', { token: other.body.token })).status, 401);
    assert.equal((await h.call('GET', '/v1/me/security', { token: user.token })).status, 200);
  });

  test('adding or removing a phone needs a second factor, not just a session', async () => {
    const user = await enrolledUser(h);
    const bare = await h.call('POST', '/v1/me/phone', { token: user.token, body: { phone: '+14155550177' } });
    assert.equal(bare.status, 400);
    const wrong = await h.call('POST', '/v1/me/phone', {
      token: user.token,
      body: {
        phone: '+14155550177',
        method: 'totp',
        code: codeFor(h, user.secret) === '000000' ? '000001' : '000000',
      },
    });
    assert.equal(wrong.status, 401);
    const keyOptions = await h.call('POST', '/v1/me/security-keys/options', { token: user.token, body: {} });
    assert.equal(keyOptions.status, 400);
  });

  test('a reset removes security keys and the phone with the old authenticator', async () => {
    const user = await enrolledUser(h);
    await h.call('POST', '/v1/me/phone', {
      token: user.token,
      body: { phone: '+14155550166', method: 'totp', code: codeFor(h, user.secret) },
    });
    await h.call('POST', '/v1/me/phone/verify', { token: user.token, body: { code: await lastSms() } });
    await h.clock.advance(30);
    const reset = await h.call('POST', '/v1/me/two-factor/reset', {
      token: user.token,
      body: { password: PASSWORD, method: 'totp', code: codeFor(h, user.secret) },
    });
    assert.equal(reset.status, 200, JSON.stringify(reset.body));
    const confirm = await h.call('POST', '/v1/me/totp/confirm', {
      token: user.token,
      body: { setupId: reset.body.setupId, code: codeFor(h, reset.body.secret) },
    });
    assert.equal(confirm.status, 200);
    const me = await h.call('GET', '/v1/me/security', { token: user.token });
    assert.equal(me.body.twoFactor.sms, null);
    assert.deepEqual(me.body.twoFactor.securityKeys, []);
  });
});
