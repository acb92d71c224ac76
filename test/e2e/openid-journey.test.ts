// Issue 13 in Debian's Chromium: an exchange app (openid-client v6 as the
// relying party) signs a user in through Latchkey's own pages — password,
// then a TOTP code from oathtool — gets an ID token saying how (amr otp, acr
// mfa), forces a fresh second factor with max_age=0, and signs out.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import * as oidc from 'openid-client';
import type { Page } from 'playwright-core';
import { newContext, snap, watchErrors } from './support/browser.ts';
import { journey, text } from './support/journey.ts';
import { saveCodes } from './support/save-codes.ts';
import { advanceClock, apiCall, repoRoot, serverNow } from './support/server.ts';
import { journeySetup } from './support/setup.ts';
import { signInWithPassword, submitPassword } from './support/sign-in.ts';
import { totpAt } from './support/totp.ts';

const J = 'openid';
const REDIRECT_URI = 'https://app.exchange.example/callback';
const { server, browser } = journeySetup([J, `${J}-bind`]);

async function addClient(dataDir: string, extra: string[] = []): Promise<{ clientId: string; clientSecret: string }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'clients',
      'add',
      '--name',
      'Exchange web',
      '--redirect-uri',
      REDIRECT_URI,
      '--first-party',
      ...extra,
    ],
    { cwd: repoRoot, env: { ...process.env, LATCHKEY_TEST_MODE: '1', LATCHKEY_DATA_DIR: dataDir }, timeout: 60_000 },
  );
  return JSON.parse(stdout);
}

test('an app signs in through Latchkey: password, TOTP, step-up, sign-out', { timeout: 240_000 }, async (t) => {
  const origin = server().localhostUrl; // the default issuer's host
  const email = `olivia.${Date.now()}@example.com`;
  const password = 'open id connect all the way';
  await apiCall(server(), '/v1/accounts', { email, password });
  const { token } = await apiCall<{ token: string }>(server(), '/v1/sessions', { email, password });
  const setup = await apiCall<{ setupId: string; secret: string }>(server(), '/v1/me/totp/setup', {}, token);
  const code = async () => totpAt(setup.secret, await serverNow(server()));
  await apiCall(server(), '/v1/me/totp/confirm', { setupId: setup.setupId, code: await code() }, token);
  await advanceClock(server(), 30); // the confirmation spent this step's code
  const client = await addClient(server().dataDir);
  const config = await oidc.discovery(new URL(`${origin}/oidc`), client.clientId, client.clientSecret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });

  const context = await newContext(browser(), origin);
  await context.clock.install({ time: (await serverNow(server())) * 1000 });
  const page = await context.newPage();
  const errors = watchErrors(page);
  const step = journey(t, J, () => [page], server().output);
  // The app's callback is not a real site: the browser's request to it is caught here.
  let arrived: URL | undefined;
  await context.route('https://app.exchange.example/**', async (route) => {
    arrived = new URL(route.request().url());
    await route.fulfill({ status: 200, contentType: 'text/html', body: '<title>App</title><h1>Back in the app</h1>' });
  });
  const backInApp = async (p: Page) => {
    await p.getByRole('heading', { name: 'Back in the app' }).waitFor();
    const url = arrived;
    arrived = undefined;
    assert.ok(url);
    return url;
  };
  const authorize = async (extra: Record<string, string> = {}) => {
    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid email offline_access',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
      ...extra,
    });
    return { url, verifier, nonce };
  };
  let idToken = '';
  let firstAuthTime = 0;

  await step('the app sends the user to Latchkey: password, then the TOTP code, then back', async () => {
    const request = await authorize();
    await page.goto(request.url.href);
    await signInWithPassword(page, email, password);
    await page.getByLabel('6-digit code from your authenticator app').fill(await code());
    await page.getByRole('button', { name: 'Verify' }).click();
    const callback = await backInApp(page);
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: request.verifier,
      expectedNonce: request.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    assert.ok(claims);
    assert.equal(claims.email, email);
    assert.ok((claims.amr as string[]).includes('otp'));
    assert.equal(claims.acr, 'urn:latchkey:acr:mfa');
    firstAuthTime = claims.auth_time as number;
    assert.ok(tokens.refresh_token);
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
    assert.ok(refreshed.access_token);
    idToken = tokens.id_token as string;
  });

  await step('max_age=0 asks for the second factor again, even with a live session', async () => {
    await advanceClock(server(), 30); // the sign-in spent this step's code
    const request = await authorize({ max_age: '0' });
    await page.goto(request.url.href);
    await page.getByRole('heading', { level: 1, name: 'Confirm it is you' }).waitFor();
    await page.getByLabel('Code', { exact: true }).fill(await code());
    await page.getByRole('button', { name: 'Continue' }).click();
    const tokens = await oidc.authorizationCodeGrant(config, await backInApp(page), {
      pkceCodeVerifier: request.verifier,
      expectedNonce: request.nonce,
      maxAge: 0,
    });
    const claims = tokens.claims();
    assert.ok(claims && (claims.auth_time as number) > firstAuthTime);
    idToken = tokens.id_token as string;
  });

  await step('signing out of the app ends the Latchkey OpenID session', async () => {
    await page.goto(
      oidc.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: REDIRECT_URI }).href,
    );
    // oidc-provider's own logout page (no Latchkey header): its one Sign out button.
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    const back = await backInApp(page);
    assert.equal(back.origin + back.pathname, REDIRECT_URI);
    assert.deepEqual(errors(), []);
  });
});

test('an app that requires 2FA takes a user without it through binding, then back', { timeout: 240_000 }, async (t) => {
  const origin = server().localhostUrl;
  const email = `noah.${Date.now()}@example.com`;
  const password = 'no second factor yet, please';
  await apiCall(server(), '/v1/accounts', { email, password });
  const client = await addClient(server().dataDir, ['--default-acr', 'urn:latchkey:acr:mfa']);
  const config = await oidc.discovery(new URL(`${origin}/oidc`), client.clientId, client.clientSecret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
  const context = await newContext(browser(), origin);
  await context.clock.install({ time: (await serverNow(server())) * 1000 });
  const page = await context.newPage();
  const errors = watchErrors(page);
  const step = journey(t, `${J}-bind`, () => [page], server().output);
  let arrived: URL | undefined;
  await context.route('https://app.exchange.example/**', async (route) => {
    arrived = new URL(route.request().url());
    await route.fulfill({ status: 200, contentType: 'text/html', body: '<title>App</title><h1>Back in the app</h1>' });
  });
  const verifier = oidc.randomPKCECodeVerifier();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid email',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce,
  });
  let secret = '';

  await step('signed in with the password only, the user is asked to turn on 2FA for the app', async () => {
    await page.goto(url.href);
    await submitPassword(page, email, password);
    await page.getByText('The app you are signing in to asks for two-factor authentication').waitFor();
    await snap(page, `${J}-bind`, '01-app-asks-for-2fa');
  });

  await step('binding (setup key and code) and the save-codes step lead back to the app with acr mfa', async () => {
    await page.getByRole('button', { name: 'Add authenticator app' }).click();
    await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor();
    secret = (await text(page.getByTestId('setup-key'))).replace(/\s+/g, '');
    const now = await advanceClock(server(), 31);
    await context.clock.fastForward(31_000);
    await page.getByLabel('Enter the 6-digit code the app shows').fill(await totpAt(secret, now));
    await page.getByRole('button', { name: 'Confirm and turn on 2FA' }).click();
    await saveCodes(page);
    const back = page.getByRole('heading', { name: 'Back in the app' });
    const confirm = page.getByRole('heading', { level: 1, name: 'Confirm it is you' });
    await back.or(confirm).waitFor();
    if (await confirm.isVisible()) {
      // Binding proved the new authenticator once; a sign-in code proves it at this sign-in.
      const later = await advanceClock(server(), 31);
      await page.getByLabel('Code', { exact: true }).fill(await totpAt(secret, later));
      await page.getByRole('button', { name: 'Continue' }).click();
      await back.waitFor();
    }
    assert.ok(arrived);
    const tokens = await oidc.authorizationCodeGrant(config, arrived, {
      pkceCodeVerifier: verifier,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    assert.equal(claims?.acr, 'urn:latchkey:acr:mfa');
    assert.ok(((claims?.amr ?? []) as string[]).includes('otp'));
    assert.deepEqual(errors(), []);
  });
  await context.close();
});
