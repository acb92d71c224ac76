// POST /v1/sessions/current/second-factor: a signed-in session proves a second
// factor again (an app's OpenID sign-in asked for a fresh or stronger one). The
// one gate and budget; the session records when and how; SMS may not serve it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashToken } from '../../src/infra/tokens.ts';
import { addSecurityKey, BINDERS, ORIGIN } from '../app/bind-factors.ts';
import { codeFor, enrolledUser } from '../support/flows.ts';
import { describeOnEachDatabase, type Harness } from '../support/harness.ts';

const URL = '/v1/sessions/current/second-factor';

async function sessionFactor(h: Harness, token: string) {
  const row = await h.ctx.storage.db
    .selectFrom('sessions')
    .select(['second_factor_method', 'second_factor_at'])
    .where('token_hash', '=', hashToken(token))
    .executeTakeFirstOrThrow();
  return row;
}

describeOnEachDatabase(
  'reauthenticating a session',
  { env: { LATCHKEY_PUBLIC_ORIGIN: ORIGIN }, frozenClock: true },
  (h) => {
    test('an authenticator code is recorded on the session, with the time; a wrong one is counted', async () => {
      const user = await enrolledUser(h);
      await h.clock.advance(600);
      const wrong = codeFor(h, user.secret) === '000000' ? '111111' : '000000';
      const refused = await h.call('POST', URL, { token: user.token, body: { method: 'totp', code: wrong } });
      assert.equal(refused.status, 401);
      assert.equal(refused.body.code, 'invalid_code');

      const passed = await h.call('POST', URL, {
        token: user.token,
        body: { method: 'totp', code: codeFor(h, user.secret) },
      });
      assert.equal(passed.status, 200, JSON.stringify(passed.body));
      assert.equal(passed.body.method, 'totp');
      assert.equal(passed.body.provenAt, h.clock.now().toISOString());
      const recorded = await sessionFactor(h, user.token);
      assert.equal(recorded.second_factor_method, 'totp');
      assert.equal(recorded.second_factor_at, h.clock.now().toISOString());

      // The same code again is a replay: refused.
      const replay = await h.call('POST', URL, {
        token: user.token,
        body: { method: 'totp', code: codeFor(h, user.secret) },
      });
      assert.equal(replay.status, 401);
    });

    test('a security key proves it (a step-up challenge), and a backup code is spent', async () => {
      const user = await enrolledUser(h);
      const { key } = await addSecurityKey(h, user);
      const options = await h.call('POST', '/v1/me/security-keys/assertion-options', { token: user.token, body: {} });
      assert.equal(options.status, 200);
      const passed = await h.call('POST', URL, {
        token: user.token,
        body: { method: 'webauthn', response: key.getJSON(ORIGIN, options.body) },
      });
      assert.equal(passed.status, 200, JSON.stringify(passed.body));
      assert.equal((await sessionFactor(h, user.token)).second_factor_method, 'webauthn');

      const code = user.codes[0];
      const withCode = await h.call('POST', URL, { token: user.token, body: { method: 'backup_code', code } });
      assert.equal(withCode.status, 200, JSON.stringify(withCode.body));
      assert.equal(withCode.body.backupCodesRemaining, user.codes.length - 1);
      const again = await h.call('POST', URL, { token: user.token, body: { method: 'backup_code', code } });
      assert.equal(again.status, 401, 'a backup code works once');
    });

    test('SMS may not serve a reauthentication; no session, no call', async () => {
      const user = await enrolledUser(h);
      const sms = await BINDERS.sms(h, user);
      const proof = await sms.proof();
      const refused = await h.call('POST', URL, { token: user.token, body: { method: 'sms', ...proof } });
      assert.equal(refused.status, 403, JSON.stringify(refused.body));
      assert.equal(refused.body.code, 'method_not_allowed');
      const anonymous = await h.call('POST', URL, { body: { method: 'totp', code: '123456' } });
      assert.equal(anonymous.status, 401);
      const bad = await h.call('POST', URL, { token: user.token, body: { method: 'carrier_pigeon', code: '1' } });
      assert.equal(bad.status, 400);
    });
  },
);
