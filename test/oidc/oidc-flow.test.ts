// Issue 13, the OpenID Provider driven by openid-client (panva, v6) as a real
// relying party, on both databases: discovery → authorization request with
// PKCE → Latchkey's login (password + TOTP) → code exchange → ID token
// validated (amr otp, acr mfa) → refresh with rotation → max_age=0 forces the
// second factor again → logout. Replayed codes, wrong PKCE verifiers and
// foreign redirect URIs are refused.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { resourceIndicatorFor } from '../../src/oidc/provider.ts';
import { DIALECTS } from '../support/databases.ts';
import { codeFor, enrolledUser } from '../support/flows.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { Browser, formAction, formField, injectFetch, ORIGIN } from './browser.ts';
import { callbackOf, REDIRECT_URI, signIn, startRelyingParty } from './relying-party.ts';

type RelyingParty = Awaited<ReturnType<typeof startRelyingParty>>;

for (const dialect of DIALECTS) {
  describe(`OpenID Provider with openid-client (${dialect})`, () => {
    let h: Harness;
    let config: oidc.Configuration;
    let client: { clientId: string; clientSecret?: string };

    let authorize: RelyingParty['authorize'];

    before(async () => {
      h = await startHarness(dialect, { env: { LATCHKEY_PUBLIC_ORIGIN: ORIGIN } });
      ({ client, config, authorize } = await startRelyingParty(h));
    });
    after(async () => h.close());

    test('discovery names the issuer, PKCE S256, the acr ladder and the endpoints', () => {
      const meta = config.serverMetadata();
      assert.equal(meta.issuer, `${ORIGIN}/oidc`);
      assert.deepEqual(meta.code_challenge_methods_supported, ['S256']);
      assert.deepEqual(meta.acr_values_supported, [
        'urn:latchkey:acr:pwd',
        'urn:latchkey:acr:mfa',
        'urn:latchkey:acr:phr',
      ]);
      assert.ok(meta.introspection_endpoint && meta.revocation_endpoint && meta.end_session_endpoint);
    });

    test('login, code exchange, refresh with rotation, step-up with max_age=0, logout', async () => {
      const user = await enrolledUser(h);
      const browser = new Browser(h);

      // Without a Latchkey session the browser is sent to Latchkey's sign-in page, and comes back.
      const first = await authorize(browser);
      assert.equal(first.page.status, 303);
      const signInPage = new URL(String(first.page.location), ORIGIN);
      assert.equal(signInPage.pathname, '/login');
      const returnTo = signInPage.searchParams.get('returnTo') ?? '';
      assert.match(returnTo, /^\/oidc\/interaction\//);
      browser.setCookie('latchkey_session', await signIn(h, user));
      const back = await browser.navigate('GET', returnTo as string);
      const callback = callbackOf(back.location);

      const tokens = await oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: first.verifier,
        expectedNonce: first.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      assert.ok(claims);
      assert.equal(claims.sub, user.accountId);
      assert.equal(claims.acr, 'urn:latchkey:acr:mfa');
      assert.deepEqual(claims.amr, ['pwd', 'otp', 'mfa']);
      assert.equal(typeof claims.auth_time, 'number');

      // The access token is an RFC 9068 JWT for the exchange's resource servers, signed by a JWKS key.
      const jwks = await (await injectFetch(h)(`${ORIGIN}/oidc/jwks`, {})).json();
      const { payload, protectedHeader } = await jwtVerify(tokens.access_token, createLocalJWKSet(jwks), {
        issuer: `${ORIGIN}/oidc`,
        audience: resourceIndicatorFor(h.ctx),
      });
      assert.equal(protectedHeader.typ, 'at+jwt');
      assert.equal(payload.acr, 'urn:latchkey:acr:mfa');
      assert.deepEqual(payload.amr, ['pwd', 'otp', 'mfa']);
      assert.equal(payload.auth_time, claims.auth_time);
      assert.equal(payload.latchkey_withdrawal_lock_until, undefined);

      // Refresh rotates the refresh token; the new one is live.
      assert.ok(tokens.refresh_token);
      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
      assert.ok(refreshed.refresh_token && refreshed.refresh_token !== tokens.refresh_token);
      assert.equal(decodeJwt(refreshed.access_token).acr, 'urn:latchkey:acr:mfa');
      const introspected = await oidc.tokenIntrospection(config, refreshed.refresh_token);
      assert.equal(introspected.active, true);
      assert.equal(introspected.sub, user.accountId);
      // Reusing the rotated-out refresh token is refused and revokes the grant (reuse detection).
      await assert.rejects(
        oidc.refreshTokenGrant(config, tokens.refresh_token),
        (error: oidc.ResponseBodyError) => error.error === 'invalid_grant',
      );
      assert.equal((await oidc.tokenIntrospection(config, refreshed.refresh_token)).active, false);

      // A replayed code is refused.
      await assert.rejects(
        oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: first.verifier, expectedNonce: first.nonce }),
        (error: oidc.ResponseBodyError) => error.error === 'invalid_grant',
      );

      // With a live session, max_age=0 still asks for the second factor again (step-up).
      const stepUp = await authorize(browser, { max_age: '0' });
      assert.equal(stepUp.page.status, 200);
      assert.match(stepUp.page.body, /Confirm it is you/);
      const wrong = await browser.navigate('POST', formAction(stepUp.page.body), {
        csrf: formField(stepUp.page.body, 'csrf'),
        method: 'totp',
        code: codeFor(h, user.secret) === '000000' ? '111111' : '000000',
      });
      assert.equal(wrong.status, 401);
      const passed = await browser.navigate('POST', formAction(stepUp.page.body), {
        csrf: formField(stepUp.page.body, 'csrf'),
        method: 'totp',
        code: codeFor(h, user.secret),
      });
      const stepped = await oidc.authorizationCodeGrant(config, callbackOf(passed.location), {
        pkceCodeVerifier: stepUp.verifier,
        expectedNonce: stepUp.nonce,
        maxAge: 0,
      });
      const steppedClaims = stepped.claims();
      assert.ok(steppedClaims && (steppedClaims.auth_time as number) > (claims.auth_time as number));

      // RP-initiated logout ends the provider session and the refresh tokens bound to it.
      const logout = await browser.navigate(
        'GET',
        oidc.buildEndSessionUrl(config, {
          id_token_hint: stepped.id_token as string,
          post_logout_redirect_uri: REDIRECT_URI,
        }),
      );
      assert.equal(logout.status, 200);
      const done = await browser.navigate('POST', formAction(logout.body), {
        xsrf: formField(logout.body, 'xsrf'),
        logout: 'yes',
      });
      assert.ok(done.location?.startsWith(REDIRECT_URI), done.location);
      await assert.rejects(
        oidc.refreshTokenGrant(config, stepped.refresh_token as string),
        (error: oidc.ResponseBodyError) => error.error === 'invalid_grant',
      );
    });

    test('a wrong PKCE verifier and a foreign redirect URI are refused', async () => {
      const user = await enrolledUser(h);
      const browser = new Browser(h);
      browser.setCookie('latchkey_session', await signIn(h, user));
      const { page, nonce } = await authorize(browser);
      await assert.rejects(
        oidc.authorizationCodeGrant(config, callbackOf(page.location), {
          pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
          expectedNonce: nonce,
        }),
        (error: oidc.ResponseBodyError) => error.error === 'invalid_grant',
      );

      const foreign = new URL(`${ORIGIN}/oidc/auth`);
      foreign.search = new URLSearchParams({
        client_id: client.clientId,
        response_type: 'code',
        scope: 'openid',
        redirect_uri: 'https://evil.example/callback',
        code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
      }).toString();
      const refused = await browser.request('GET', foreign);
      assert.equal(refused.status, 400);
      assert.equal(refused.location, undefined);
      assert.equal(JSON.parse(refused.body).error, 'invalid_redirect_uri');

      const expired = await new Browser(h).request('GET', '/oidc/interaction/no-such-interaction');
      assert.equal(expired.status, 400);
      assert.match(JSON.parse(expired.body).detail, /unknown or has expired/);

      const unknown = await browser.request('GET', foreign.href.replace(client.clientId, 'no-such-client'));
      assert.equal(unknown.status, 400);
      assert.equal(JSON.parse(unknown.body).error, 'invalid_client');
    });
  });
}
