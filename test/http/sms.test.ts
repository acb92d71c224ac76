import assert from 'node:assert/strict';
import { test } from 'node:test';
import { challengeFor, codeFor, enrolledUser, signUpAndLogin } from '../support/flows.ts';
import { describeOnEachDatabase } from '../support/harness.ts';

const PHONE = '+44 7700 900123';

describeOnEachDatabase('SMS codes', (h) => {
  async function lastSmsCode(): Promise<string> {
    const outbox = await h.call('GET', '/v1/test/outbox');
    const sms = outbox.body.messages.filter((m: { channel: string }) => m.channel === 'sms');
    const match = /^(\d{6}) is your/.exec(sms.at(-1)?.body ?? '');
    assert.ok(match, 'an SMS with a code was queued');
    return match[1] as string;
  }

  async function userWithPhone() {
    const user = await enrolledUser(h);
    const added = await h.call('POST', '/v1/me/phone', {
      token: user.token,
      body: { phone: PHONE, method: 'totp', code: codeFor(h, user.secret) },
    });
    assert.equal(added.status, 202, JSON.stringify(added.body));
    assert.equal(added.body.phone, '+44••••••••23');
    const verified = await h.call('POST', '/v1/me/phone/verify', {
      token: user.token,
      body: { code: await lastSmsCode() },
    });
    assert.equal(verified.status, 204);
    await h.clock.advance(31);
    return user;
  }

  test('a verified phone is offered at login and an SMS code logs in once', async () => {
    const user = await userWithPhone();
    const me = await h.call('GET', '/v1/me/security', { token: user.token });
    assert.deepEqual(me.body.twoFactor.sms, { phone: '+44••••••••23', verified: true });
    const login = await h.call('POST', '/v1/sessions', {
      body: { email: user.email, password: 'correct horse battery staple' },
    });
    assert.ok(login.body.methods.includes('sms'));
    const sent = await h.call('POST', '/v1/sessions/sms', { body: { challenge: login.body.challenge } });
    assert.equal(sent.status, 202);
    const code = await lastSmsCode();
    const ok = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: login.body.challenge, method: 'sms', code },
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const again = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: await challengeFor(h, user.email), method: 'sms', code },
    });
    assert.equal(again.status, 401);
  });

  test('codes expire after 10 minutes; sending is throttled', async () => {
    const user = await userWithPhone();
    const challenge = await challengeFor(h, user.email);
    assert.equal((await h.call('POST', '/v1/sessions/sms', { body: { challenge } })).status, 202);
    const tooSoon = await h.call('POST', '/v1/sessions/sms', { body: { challenge } });
    assert.equal(tooSoon.status, 429);
    assert.ok(Number(tooSoon.headers['retry-after']) > 0);
    const code = await lastSmsCode();
    await h.clock.advance(10 * 60 + 1);
    const late = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: await challengeFor(h, user.email), method: 'sms', code },
    });
    assert.equal(late.status, 401);
    assert.equal(late.body.code, 'invalid_code');
  });

  test('a phone needs an authenticator first and the number in international format', async () => {
    const plain = await signUpAndLogin(h);
    const refused = await h.call('POST', '/v1/me/phone', {
      token: plain.token,
      body: { phone: PHONE, method: 'totp', code: '123456' },
    });
    assert.equal(refused.status, 403);
    const user = await enrolledUser(h);
    const bad = await h.call('POST', '/v1/me/phone', {
      token: user.token,
      body: { phone: '07700 900123', method: 'totp', code: codeFor(h, user.secret) },
    });
    assert.equal(bad.status, 400);
  });

  test('the database holds neither the number nor a code in the clear', async () => {
    const user = await userWithPhone();
    await h.call('POST', '/v1/sessions/sms', { body: { challenge: await challengeFor(h, user.email) } });
    const code = await lastSmsCode();
    const rows = await h.ctx.storage.db.selectFrom('outbox').select('body').where('channel', '=', 'sms').execute();
    const phones = await h.ctx.storage.db.selectFrom('phones').select('phone_enc').execute();
    const dump = JSON.stringify([rows, phones]);
    assert.ok(!dump.includes(code));
    assert.ok(!dump.includes('7700900123'));
  });

  async function smsCodes(accountId: string) {
    return h.ctx.storage.db
      .selectFrom('sms_codes')
      .select(['used_at', 'expires_at'])
      .where('account_id', '=', accountId)
      .execute();
  }

  test('30 concurrent sends, for login and step-up alike: one goes out, one code is live (issue 11, #6)', async () => {
    const user = await userWithPhone();
    const before = (await smsCodes(user.accountId)).length;
    const challenges = await Promise.all([1, 2, 3].map(() => challengeFor(h, user.email)));
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        i % 2 === 0
          ? h.call('POST', '/v1/sessions/sms', { body: { challenge: challenges[i % 3] } })
          : h.call('POST', '/v1/me/sms/send', { token: user.token, body: {} }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    assert.equal(statuses.filter((s) => s === 202).length, 1, String(statuses));
    assert.equal(statuses.filter((s) => s === 429).length, 29, String(statuses));
    const codes = await smsCodes(user.accountId);
    assert.equal(codes.length - before, 1, 'one code was sent');
    const now = h.clock.now().toISOString();
    assert.equal(codes.filter((c) => c.used_at === null && c.expires_at > now).length, 1, 'one code is live');
  });

  test('at most five codes an hour', async () => {
    const user = await userWithPhone();
    // The phone's verification code was the first of the hour.
    for (let i = 0; i < 4; i += 1) {
      await h.clock.advance(31);
      assert.equal((await h.call('POST', '/v1/me/sms/send', { token: user.token, body: {} })).status, 202);
    }
    await h.clock.advance(31);
    const sixth = await h.call('POST', '/v1/sessions/sms', { body: { challenge: await challengeFor(h, user.email) } });
    assert.equal(sixth.status, 429);
    assert.equal(Number(sixth.headers['retry-after']), 3600);
  });

  test('removing the phone takes SMS off the methods and emails the owner', async () => {
    const user = await userWithPhone();
    const removed = await h.call('DELETE', '/v1/me/phone', {
      token: user.token,
      body: { method: 'totp', code: codeFor(h, user.secret) },
    });
    assert.equal(removed.status, 204, JSON.stringify(removed.body));
    const login = await h.call('POST', '/v1/sessions', {
      body: { email: user.email, password: 'correct horse battery staple' },
    });
    assert.ok(!login.body.methods.includes('sms'));
    const outbox = await h.call('GET', '/v1/test/outbox');
    assert.ok(
      outbox.body.messages.some(
        (m: { to: string; subject: string }) => m.to === user.email && /removed/.test(m.subject),
      ),
    );
  });
});
