// The exchange's web app as a relying party in tests: a first-party client
// registered on a harness, driven by openid-client v6 over fastify.inject().
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { addClient } from '../../src/oidc/clients.ts';
import { challengeFor, codeFor, type Enrolled } from '../support/flows.ts';
import type { Harness } from '../support/harness.ts';
import { type Browser, injectFetch, ORIGIN } from './browser.ts';

export const REDIRECT_URI = 'https://app.exchange.example/callback';
const SCOPE = 'openid email offline_access';

/** A full Latchkey login (password then TOTP); returns the session token the web UI keeps in its cookie. */
export async function signIn(h: Harness, user: Enrolled): Promise<string> {
  const challenge = await challengeFor(h, user.email);
  const verified = await h.call('POST', '/v1/sessions/verify', {
    body: { challenge, method: 'totp', code: codeFor(h, user.secret) },
  });
  assert.equal(verified.status, 200, JSON.stringify(verified.body));
  await h.clock.advance(30);
  return verified.body.token;
}

export function callbackOf(location: string | undefined): URL {
  assert.ok(location?.startsWith(REDIRECT_URI), `expected a redirect to the client, got ${location}`);
  return new URL(String(location));
}

export async function startRelyingParty(
  h: Harness,
  options: { name?: string; firstParty?: boolean; defaultAcr?: string } = {},
) {
  const client = await addClient(h.ctx, {
    name: options.name ?? 'Exchange web',
    redirectUris: [REDIRECT_URI],
    public: false,
    firstParty: options.firstParty ?? true,
    defaultAcr: options.defaultAcr,
  });
  const config = await oidc.discovery(new URL(`${ORIGIN}/oidc`), client.clientId, client.clientSecret, undefined, {
    execute: [oidc.allowInsecureRequests],
    [oidc.customFetch]: injectFetch(h) as never,
  });

  /** Starts an authorization request with PKCE and a nonce; the browser follows it through Latchkey. */
  async function authorize(browser: Browser, extra: Record<string, string> = {}) {
    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: SCOPE,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
      ...extra,
    });
    const page = await browser.navigate('GET', url);
    return { page, verifier, nonce };
  }

  /** Exchanges the code the browser came back with. */
  function exchange(location: string | undefined, request: { verifier: string; nonce: string }, maxAge?: number) {
    return oidc.authorizationCodeGrant(config, callbackOf(location), {
      pkceCodeVerifier: request.verifier,
      expectedNonce: request.nonce,
      idTokenExpected: true,
      ...(maxAge !== undefined ? { maxAge } : {}),
    });
  }

  return { client, config, authorize, exchange };
}
