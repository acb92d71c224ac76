// Issue 13, #2: a third-party client gets a consent screen (deny and
// allow, remembered once given); an app that requires 2FA
// (`default_acr_values` mfa) takes a user without 2FA through binding before
// returning; a request for a phishing-resistant level sends the user to the
// web app to prove the security key (the interaction page has no script).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BIND_RETURN_PARAM, REAUTHENTICATE_RETURN_PARAM } from '../../src/http/contract/web-return.ts';
import { addSecurityKey } from '../app/bind-factors.ts';
import { DIALECTS } from '../support/databases.ts';
import { codeFor, enrolledUser, signUpAndLogin } from '../support/flows.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { Browser, formAction, formField, ORIGIN } from './browser.ts';
import { callbackOf, signIn, startRelyingParty } from './relying-party.ts';

for (const dialect of DIALECTS) {
  describe(`OpenID consent, binding detour and introspection (${dialect})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(dialect, { env: { LATCHKEY_PUBLIC_ORIGIN: ORIGIN }, frozenClock: true });
    });
    after(async () => h.close());

    test('a third-party client asks for consent: deny ends with access_denied, allow is remembered', async () => {
      const rp = await startRelyingParty(h, { name: 'Tax <Helper>', firstParty: false });
      const user = await enrolledUser(h);
      const browser = new Browser(h);
      browser.setCookie('latchkey_session', await signIn(h, user));

      const asked = await rp.authorize(browser);
      assert.equal(asked.page.status, 200);
      assert.match(asked.page.body, /Allow access\?/);
      assert.match(asked.page.body, /Tax &#60;Helper&#62;/, 'the client name is shown, escaped');
      assert.match(asked.page.body, /email address/, 'what the app gets is named');
      assert.equal(asked.page.body.includes('<Helper>'), false);

      const denied = await browser.navigate('POST', formAction(asked.page.body), { allow: 'no' });
      const deniedAt = callbackOf(denied.location);
      assert.equal(deniedAt.searchParams.get('error'), 'access_denied');
      assert.equal(deniedAt.searchParams.get('code'), null);

      const again = await rp.authorize(browser);
      assert.match(again.page.body, /Allow access\?/, 'a denial is not remembered as consent');
      const allowed = await browser.navigate('POST', formAction(again.page.body), { allow: 'yes' });
      const tokens = await rp.exchange(allowed.location, again);
      assert.equal(tokens.claims()?.sub, user.accountId);

      const third = await rp.authorize(browser);
      assert.equal(third.page.status, 303, 'consent once given is not asked again');
      await rp.exchange(third.page.location, third);
    });

    test('an app that requires 2FA takes a user without it through binding, then back with acr mfa', async () => {
      const rp = await startRelyingParty(h, { defaultAcr: 'urn:latchkey:acr:mfa' });
      const user = await signUpAndLogin(h);
      const browser = new Browser(h);
      browser.setCookie('latchkey_session', user.token);

      const first = await rp.authorize(browser);
      assert.equal(first.page.status, 303);
      const bindPage = new URL(String(first.page.location), ORIGIN);
      assert.equal(bindPage.pathname, '/');
      assert.equal(bindPage.hash, '#/security');
      const back = bindPage.searchParams.get(BIND_RETURN_PARAM) ?? '';
      assert.match(back, /^\/oidc\/interaction\//);

      // Until 2FA is on, coming back sends the browser to binding again: no token without a second factor.
      const notYet = await browser.navigate('GET', back);
      assert.equal(new URL(String(notYet.location), ORIGIN).searchParams.get(BIND_RETURN_PARAM), back);

      // The security page binds (QR / setup key, then the code) and saves the codes.
      const setup = await h.call('POST', '/v1/me/totp/setup', { token: user.token, body: {} });
      const confirm = await h.call('POST', '/v1/me/totp/confirm', {
        token: user.token,
        body: { setupId: setup.body.setupId, code: codeFor(h, setup.body.secret) },
      });
      assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
      await h.clock.advance(30);

      const returned = await browser.navigate('GET', back);
      let location = returned.location;
      if (returned.status === 200) {
        // Binding proved the new authenticator; if the app wants that proof at sign-in, one more code.
        assert.match(returned.body, /Confirm it is you/);
        const passed = await browser.navigate('POST', formAction(returned.body), {
          csrf: formField(returned.body, 'csrf'),
          method: 'totp',
          code: codeFor(h, setup.body.secret),
        });
        location = passed.location;
      }
      const tokens = await rp.exchange(location, first);
      const claims = tokens.claims();
      assert.equal(claims?.acr, 'urn:latchkey:acr:mfa');
      assert.deepEqual(claims?.amr, ['pwd', 'otp', 'mfa']);
    });

    test('acr phr: the step-up page sends the user to prove the security key, then the app gets acr phr', async () => {
      const rp = await startRelyingParty(h);
      const user = await enrolledUser(h);
      const { key } = await addSecurityKey(h, user, 'YubiKey', ORIGIN);
      const browser = new Browser(h);
      const token = await signIn(h, user);
      browser.setCookie('latchkey_session', token);

      const asked = await rp.authorize(browser, { acr_values: 'urn:latchkey:acr:phr' });
      assert.equal(asked.page.status, 200);
      assert.match(asked.page.body, /Confirm it is you/);
      assert.equal(asked.page.body.includes('<form'), false, 'only the key reaches phr: no code form');
      const link = /<a href="([^"]+)">Use your security key<\/a>/.exec(asked.page.body)?.[1]?.replace(/&#38;/g, '&');
      assert.ok(link, asked.page.body);
      const page = new URL(link, ORIGIN);
      assert.equal(page.hash, '#/reauthenticate');
      const back = page.searchParams.get(REAUTHENTICATE_RETURN_PARAM) ?? '';
      assert.match(back, /^\/oidc\/interaction\//);

      // What the web page does: a step-up assertion through the API, then back to the interaction.
      const options = await h.call('POST', '/v1/me/security-keys/assertion-options', { token, body: {} });
      const proved = await h.call('POST', '/v1/sessions/current/second-factor', {
        token,
        body: { method: 'webauthn', response: key.getJSON(ORIGIN, options.body) },
      });
      assert.equal(proved.status, 200, JSON.stringify(proved.body));
      const returned = await browser.navigate('GET', back);
      const tokens = await rp.exchange(returned.location, asked);
      assert.equal(tokens.claims()?.acr, 'urn:latchkey:acr:phr');
      assert.deepEqual(tokens.claims()?.amr, ['pwd', 'hwk', 'mfa']);
    });
  });
}
