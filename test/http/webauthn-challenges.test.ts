// Issue 11 #14: a WebAuthn challenge serves only what it was issued for (a
// step-up challenge cannot sign in; a login challenge cannot pay a
// withdrawal), and asking for options again and again leaves one row.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addSecurityKey, ORIGIN, signInWithTotp } from '../app/bind-factors.ts';
import { challengeFor, enrolledUser } from '../support/flows.ts';
import { describeOnEachDatabase } from '../support/harness.ts';

const WITHDRAWAL = { asset: 'BTC', amount: '0.1', address: 'bc1qexampleaddress000' };

describeOnEachDatabase(
  'WebAuthn challenges are bound to their purpose',
  { env: { LATCHKEY_PUBLIC_ORIGIN: ORIGIN } },
  (h) => {
    async function userWithKey() {
      const user = await enrolledUser(h);
      const { key } = await addSecurityKey(h, user);
      // Past the lock that adding the key started.
      await h.clock.advance(24 * 3600 + 60);
      return { ...user, key, token: await signInWithTotp(h, user) };
    }

    test('a login challenge cannot pay a withdrawal; a step-up challenge cannot sign in', async () => {
      const user = await userWithKey();
      const login = await challengeFor(h, user.email);
      const loginOptions = await h.call('POST', '/v1/sessions/webauthn/options', { body: { challenge: login } });
      const paid = await h.call('POST', '/v1/withdrawals', {
        token: user.token,
        body: { ...WITHDRAWAL, method: 'webauthn', response: user.key.getJSON(ORIGIN, loginOptions.body) },
      });
      assert.equal(paid.status, 401, JSON.stringify(paid.body));
      assert.equal(paid.body.code, 'invalid_code');

      const stepUp = await h.call('POST', '/v1/me/security-keys/assertion-options', { token: user.token, body: {} });
      const signedIn = await h.call('POST', '/v1/sessions/verify', {
        body: { challenge: login, method: 'webauthn', response: user.key.getJSON(ORIGIN, stepUp.body) },
      });
      assert.equal(signedIn.status, 401, JSON.stringify(signedIn.body));

      // Each for its own purpose, they work.
      const rightStepUp = await h.call('POST', '/v1/me/security-keys/assertion-options', {
        token: user.token,
        body: {},
      });
      const withdrawal = await h.call('POST', '/v1/withdrawals', {
        token: user.token,
        body: { ...WITHDRAWAL, method: 'webauthn', response: user.key.getJSON(ORIGIN, rightStepUp.body) },
      });
      assert.equal(withdrawal.status, 201, JSON.stringify(withdrawal.body));
    });

    test('options asked for 20 times leave one challenge; a used one is gone', async () => {
      const user = await userWithKey();
      const login = await challengeFor(h, user.email);
      let options = await h.call('POST', '/v1/sessions/webauthn/options', { body: { challenge: login } });
      for (let i = 0; i < 19; i += 1) {
        options = await h.call('POST', '/v1/sessions/webauthn/options', { body: { challenge: login } });
      }
      const rows = () =>
        h.ctx.storage.db
          .selectFrom('webauthn_challenges')
          .select('id')
          .where('account_id', '=', user.accountId)
          .execute();
      assert.equal((await rows()).length, 1);
      const verified = await h.call('POST', '/v1/sessions/verify', {
        body: { challenge: login, method: 'webauthn', response: user.key.getJSON(ORIGIN, options.body) },
      });
      assert.equal(verified.status, 200, JSON.stringify(verified.body));
      assert.equal((await rows()).length, 0);
    });
  },
);
