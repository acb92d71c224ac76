// Issue 13, step-up by the standard: the reference withdrawal service
// (examples/withdrawal-service) against a real Latchkey, on both databases.
// A second factor older than 5 minutes gets RFC 9470's challenge; the client
// steps up and the fresh token is accepted; after a 2FA reset the new token
// carries the withdrawal lock and the withdrawal is refused until it ends.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { buildWithdrawalService, MAX_AGE_SECONDS } from '../../examples/withdrawal-service/service.ts';
import { issuerFor, resourceIndicatorFor } from '../../src/oidc/provider.ts';
import { DIALECTS } from '../support/databases.ts';
import { codeFor, enrolledUser, PASSWORD } from '../support/flows.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { Browser, formAction, formField, injectFetch, ORIGIN } from './browser.ts';
import { signIn, startRelyingParty } from './relying-party.ts';

const CHALLENGE =
  'Bearer error="insufficient_user_authentication", error_description="A second factor proven within the last 5 minutes is required.", max_age=300, acr_values="urn:latchkey:acr:mfa"';

for (const dialect of DIALECTS) {
  describe(`reference withdrawal service (${dialect})`, () => {
    let h: Harness;
    let rp: Awaited<ReturnType<typeof startRelyingParty>>;
    let service: ReturnType<typeof buildWithdrawalService>;

    before(async () => {
      h = await startHarness(dialect, { env: { LATCHKEY_PUBLIC_ORIGIN: ORIGIN } });
      rp = await startRelyingParty(h);
      const jwks = await (await injectFetch(h)(`${ORIGIN}/oidc/jwks`, {})).json();
      service = buildWithdrawalService({
        issuer: issuerFor(h.ctx),
        audience: resourceIndicatorFor(h.ctx),
        keys: createLocalJWKSet(jwks),
        now: () => h.clock.now(),
      });
    });
    after(async () => {
      await service.close();
      await h.close();
    });

    const withdraw = (token: string) =>
      service.inject({ method: 'POST', url: '/withdrawals', headers: { authorization: `Bearer ${token}` } });

    /** The RFC 9470 dance: authorize again with the challenge's parameters, pass the second factor. */
    async function stepUp(browser: Browser, secret: string) {
      const request = await rp.authorize(browser, {
        max_age: String(MAX_AGE_SECONDS),
        acr_values: 'urn:latchkey:acr:mfa',
      });
      assert.equal(request.page.status, 200, request.page.location);
      assert.match(request.page.body, /Confirm it is you/);
      const done = await browser.navigate('POST', formAction(request.page.body), {
        csrf: formField(request.page.body, 'csrf'),
        method: 'totp',
        code: codeFor(h, secret),
      });
      await h.clock.advance(30);
      return rp.exchange(done.location, request, MAX_AGE_SECONDS);
    }

    test('an old second factor gets the RFC 9470 challenge; after a step-up the fresh token is accepted', async () => {
      const user = await enrolledUser(h);
      const browser = new Browser(h);
      browser.setCookie('latchkey_session', await signIn(h, user));
      const first = await rp.authorize(browser);
      const tokens = await rp.exchange(first.page.location, first);
      assert.equal((await withdraw(tokens.access_token)).statusCode, 202);

      await h.clock.advance(MAX_AGE_SECONDS + 1);
      const stale = await withdraw(tokens.access_token);
      assert.equal(stale.statusCode, 401);
      assert.equal(stale.headers['www-authenticate'], CHALLENGE);
      // A refreshed token still says when the second factor was proven: still stale.
      const refreshed = await oidc.refreshTokenGrant(rp.config, tokens.refresh_token as string);
      assert.equal((await withdraw(refreshed.access_token)).statusCode, 401);

      const stepped = await stepUp(browser, user.secret);
      const claims = decodeJwt(stepped.access_token);
      assert.equal(claims.acr, 'urn:latchkey:acr:mfa');
      assert.ok((claims.auth_time as number) > (decodeJwt(tokens.access_token).auth_time as number));
      assert.equal((await withdraw(stepped.access_token)).statusCode, 202);

      assert.equal((await withdraw('not-a-token')).statusCode, 401);
      assert.equal((await withdraw(stepped.id_token as string)).statusCode, 401, 'an ID token is no access token');
    });

    test('after a 2FA reset the token carries the lock and withdrawals are refused until it ends', async () => {
      const user = await enrolledUser(h);
      const browser = new Browser(h);
      const session = await signIn(h, user);
      browser.setCookie('latchkey_session', session);

      const opened = await h.call('POST', '/v1/me/two-factor/reset', {
        token: session,
        body: { password: PASSWORD, method: 'totp', code: codeFor(h, user.secret) },
      });
      assert.equal(opened.status, 200, JSON.stringify(opened.body));
      const confirmed = await h.call('POST', '/v1/me/totp/confirm', {
        token: session,
        body: { setupId: opened.body.setupId, code: codeFor(h, opened.body.secret) },
      });
      assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
      await h.clock.advance(30);
      const lock = (await h.call('GET', '/v1/me/security', { token: session })).body.withdrawalLock;
      const secret = opened.body.secret as string;

      const request = await rp.authorize(browser);
      const tokens = await rp.exchange(request.page.location, request);
      const claims = decodeJwt(tokens.access_token);
      assert.equal(claims.latchkey_withdrawal_lock_until, Math.floor(Date.parse(lock.until) / 1000));
      const refused = await withdraw(tokens.access_token);
      assert.equal(refused.statusCode, 403);
      assert.deepEqual(refused.json(), {
        error: 'withdrawal_locked',
        locked_until: new Date(Date.parse(lock.until) - (Date.parse(lock.until) % 1000)).toISOString(),
      });

      // The lock ends (test clock): a fresh sign-in and token carry no lock, and the withdrawal goes.
      await h.clock.set(new Date(Date.parse(lock.until) + 1000));
      browser.setCookie('latchkey_session', await signIn(h, { ...user, secret }));
      // (the provider's own session is a day old: the client asks for a recent second factor, which this sign-in is)
      const later = await rp.authorize(browser, { max_age: String(MAX_AGE_SECONDS) });
      const unlocked = await rp.exchange(later.page.location, later, MAX_AGE_SECONDS);
      assert.equal(decodeJwt(unlocked.access_token).latchkey_withdrawal_lock_until, undefined);
      assert.equal((await withdraw(unlocked.access_token)).statusCode, 202);
    });
  });
}
