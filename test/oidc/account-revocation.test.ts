// Ending every session of an account ends its apps' access too, on both
// databases, with openid-client as the relying party: after the owner's freeze
// or a password change, a refresh token issued before answers invalid_grant,
// introspection calls it inactive, and the provider's own session cookie no
// longer signs the app in without Latchkey. While the account is frozen even
// rows written after the freeze (a request in flight) mint nothing.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as oidc from 'openid-client';
import { codeFor, type Enrolled, enrolledUser, PASSWORD } from '../support/flows.ts';
import { describeOnEachDatabase } from '../support/harness.ts';
import { Browser, ORIGIN } from './browser.ts';
import { REDIRECT_URI, signIn, startRelyingParty } from './relying-party.ts';

describeOnEachDatabase(
  'OpenID grants end with the account’s sessions',
  { env: { LATCHKEY_PUBLIC_ORIGIN: ORIGIN } },
  (h) => {
    let rp: Awaited<ReturnType<typeof startRelyingParty>>;
    before(async () => {
      rp = await startRelyingParty(h);
    });

    /** A device that signs in to Latchkey and then to the app: its browser, its Latchkey session, the app's tokens. */
    async function appSignIn(user: Enrolled) {
      const browser = new Browser(h);
      const session = await signIn(h, user);
      browser.setCookie('latchkey_session', session);
      const request = await rp.authorize(browser);
      const tokens = await rp.exchange(request.page.location, request);
      assert.ok(tokens.refresh_token);
      return { browser, session, tokens, refreshToken: tokens.refresh_token };
    }

    const active = async (token: string) => (await oidc.tokenIntrospection(rp.config, token)).active;

    async function assertRefused(refreshToken: string) {
      await assert.rejects(
        oidc.refreshTokenGrant(rp.config, refreshToken),
        (error: oidc.ResponseBodyError) => error.error === 'invalid_grant',
      );
    }

    /** Where the app's next authorization request leads this browser: Latchkey's sign-in page, or back to the app. */
    async function nextSignIn(browser: Browser): Promise<string> {
      const { page } = await rp.authorize(browser);
      assert.equal(page.status, 303, page.body);
      const location = String(page.location);
      return location.startsWith(REDIRECT_URI) ? 'app' : new URL(location, ORIGIN).pathname;
    }

    test('the owner’s freeze: refresh invalid_grant, introspection inactive, the provider session gone', async () => {
      const user = await enrolledUser(h);
      const app = await appSignIn(user);
      assert.equal(await active(app.refreshToken), true);
      // A JWT access token is never stored, so introspection never vouches for
      // one (docs/integration.md): it lives out its 10 minutes at resource servers.
      assert.equal(await active(app.tokens.access_token), false);

      const frozen = await h.call('POST', '/v1/account-freezes', { token: app.session, body: {} });
      assert.equal(frozen.status, 200, JSON.stringify(frozen.body));

      await assertRefused(app.refreshToken);
      assert.equal(await active(app.refreshToken), false);
      assert.equal(await active(app.tokens.access_token), false);
      // The provider's session cookie alone no longer signs the app in: Latchkey asks again.
      assert.equal(await nextSignIn(app.browser), '/login');
    });

    test('a password change ends every app grant, the changing device’s too; that device signs the app in again at once', async () => {
      const user = await enrolledUser(h);
      const stranger = await appSignIn(user);
      const owner = await appSignIn(user);

      const changed = await h.call('POST', '/v1/me/password', {
        token: owner.session,
        body: {
          currentPassword: PASSWORD,
          newPassword: 'lantern otter marmalade 41',
          method: 'totp',
          code: codeFor(h, user.secret),
        },
      });
      assert.equal(changed.status, 204, JSON.stringify(changed.body));

      for (const device of [stranger, owner]) {
        await assertRefused(device.refreshToken);
        assert.equal(await active(device.refreshToken), false);
      }
      assert.equal(await nextSignIn(stranger.browser), '/login');
      // The owner's Latchkey session lives on: the app's next sign-in finishes without a question.
      const again = await rp.authorize(owner.browser);
      const tokens = await rp.exchange(again.page.location, again);
      assert.equal(tokens.claims()?.sub, user.accountId);
      assert.equal(await active(tokens.refresh_token as string), true);
    });

    test('while frozen, the provider rows of a request in flight at the freeze mint nothing', async () => {
      const user = await enrolledUser(h);
      const app = await appSignIn(user);
      const db = h.ctx.storage.db;
      const rows = await db.selectFrom('oidc_models').selectAll().where('account_id', '=', user.accountId).execute();
      assert.ok(rows.some((row) => row.model === 'RefreshToken'));

      const frozen = await h.call('POST', '/v1/account-freezes', { token: app.session, body: {} });
      assert.equal(frozen.status, 200, JSON.stringify(frozen.body));
      // A refresh or an authorization running when the freeze committed writes
      // its grant, tokens and provider session after the freeze's delete.
      await db.insertInto('oidc_models').values(rows).execute();

      await assertRefused(app.refreshToken);
      // Its provider session (the cookie) still names the account: it leads to Latchkey's sign-in, not to a code.
      assert.equal(await nextSignIn(app.browser), '/login');
    });
  },
);
