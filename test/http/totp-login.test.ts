import assert from 'node:assert/strict';
import { test } from 'node:test';
import { challengeFor, codeFor, enrolledUser, PASSWORD, signUpAndLogin } from '../support/flows.ts';
import { describeOnEachDatabase } from '../support/harness.ts';

describeOnEachDatabase('TOTP binding and login', (h) => {
  test('binding needs a correct code, then login asks for the second factor', async () => {
    const user = await enrolledUser(h);
    assert.equal(user.codes.length, 8);
    const login = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } });
    assert.equal(login.status, 200);
    assert.equal(login.body.status, 'second_factor_required');
    assert.deepEqual(login.body.methods, ['totp', 'backup_code']);
    const verify = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: login.body.challenge, method: 'totp', code: codeFor(h, user.secret) },
    });
    assert.equal(verify.status, 200, JSON.stringify(verify.body));
    assert.equal(verify.body.status, 'authenticated');
    assert.deepEqual(verify.body.warnings, []);
    const me = await h.call('GET', '/v1/me/security', { token: verify.body.token });
    assert.equal(me.status, 200);
    assert.equal(me.body.twoFactor.enabled, true);
    assert.equal(me.body.twoFactor.backupCodes.remaining, 8);
  });

  test('a second setup is refused while 2FA is on', async () => {
    const user = await enrolledUser(h);
    const again = await h.call('POST', '/v1/me/totp/setup', { token: user.token, body: {} });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'two_factor_already_enabled');
  });

  test('the challenge cannot be used as a session', async () => {
    const user = await enrolledUser(h);
    const challenge = await challengeFor(h, user.email);
    const me = await h.call('GET', '/v1/me/security', { token: challenge });
    assert.equal(me.status, 401);
  });

  test('one code raced on many challenges logs in exactly once', async () => {
    const user = await enrolledUser(h);
    const challenges = await Promise.all(Array.from({ length: 10 }, () => challengeFor(h, user.email)));
    const code = codeFor(h, user.secret);
    const results = await Promise.all(
      challenges.map((challenge) =>
        h.call('POST', '/v1/sessions/verify', { body: { challenge, method: 'totp', code } }),
      ),
    );
    assert.equal(results.filter((r) => r.status === 200).length, 1, JSON.stringify(results.map((r) => r.status)));
  });

  test('a code one step ahead is accepted, with a drift warning when it is real; 5 minutes behind is diagnosed', async () => {
    const user = await enrolledUser(h);
    const ahead = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: await challengeFor(h, user.email), method: 'totp', code: codeFor(h, user.secret, 30) },
    });
    assert.equal(ahead.status, 200, JSON.stringify(ahead.body));
    assert.deepEqual(ahead.body.warnings, [], 'one step once is delay, not drift');
    await h.clock.advance(60);
    const again = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: await challengeFor(h, user.email), method: 'totp', code: codeFor(h, user.secret, 30) },
    });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.deepEqual(again.body.warnings, [{ code: 'clock_drift', driftSeconds: 30 }], 'one step again: real');
    await h.clock.advance(90);
    const behind = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: await challengeFor(h, user.email), method: 'totp', code: codeFor(h, user.secret, -300) },
    });
    assert.equal(behind.status, 401);
    assert.equal(behind.body.code, 'clock_out_of_sync');
    assert.ok(Math.abs(behind.body.driftSeconds + 300) <= 60, String(behind.body.driftSeconds));
  });

  test('five wrong codes on one challenge tell the owner their password is in use', async () => {
    const user = await enrolledUser(h);
    const challenge = await challengeFor(h, user.email);
    const wrong = ['000001', '000002', '000003', '000004', '000005'].filter((c) => c !== codeFor(h, user.secret));
    for (const code of wrong.slice(0, 4)) {
      await h.call('POST', '/v1/sessions/verify', { body: { challenge, method: 'totp', code } });
    }
    const mail = async () =>
      (await h.call('GET', '/v1/test/outbox')).body.messages.filter(
        (m: { to: string; subject: string }) => m.to === user.email && /wrong two-factor codes/.test(m.subject),
      );
    assert.equal((await mail()).length, 0);
    await h.call('POST', '/v1/sessions/verify', { body: { challenge, method: 'totp', code: '999999' } });
    const sent = await mail();
    assert.equal(sent.length, 1);
    assert.ok(!sent[0].body.includes('999999'));
    const dead = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge, method: 'totp', code: codeFor(h, user.secret) },
    });
    assert.equal(dead.body.code, 'challenge_expired');
  });

  test('an account without 2FA logs in with the password alone', async () => {
    const user = await signUpAndLogin(h);
    assert.ok(user.token.length >= 43);
  });
});
