// The integrators' client (packages/client): its generated types are in step
// with the document the server serves, and a full login with TOTP works
// through it, over the real HTTP stack (a fetch that goes through inject).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { CLIENT_SCHEMA_FILE, clientSchemaSource } from '../../packages/client/scripts/schema-source.ts';
import { createLatchkeyClient } from '../../packages/client/src/index.ts';
import type { App } from '../../src/http/app-type.ts';
import { DIALECTS } from '../support/databases.ts';
import { codeFor, PASSWORD, uniqueEmail } from '../support/flows.ts';
import { type Harness, startHarness } from '../support/harness.ts';

/** A fetch that hands the request to Fastify's inject, so no port is opened. */
function injectFetch(app: App): typeof fetch {
  return async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const answer = await app.inject({
      method: request.method as 'GET',
      url: url.pathname + url.search,
      headers: Object.fromEntries(request.headers),
      ...(body ? { payload: body } : {}),
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      for (const one of Array.isArray(value) ? value : [value])
        if (one !== undefined) headers.append(name, String(one));
    }
    const empty = answer.statusCode === 204 || answer.rawPayload.length === 0;
    return new Response(empty ? null : new Uint8Array(answer.rawPayload), { status: answer.statusCode, headers });
  };
}

test('the committed client types match the served /openapi.json (run npm run client:generate)', async () => {
  assert.equal(fs.readFileSync(CLIENT_SCHEMA_FILE, 'utf8'), await clientSchemaSource());
});

for (const dialect of DIALECTS) {
  describe(`the generated client (${dialect})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(dialect);
    });
    after(() => h?.close());

    test('sign up, bind TOTP, then a full login with a TOTP code', async () => {
      const baseUrl = 'http://latchkey.test';
      const fetch = injectFetch(h.app);
      const anonymous = createLatchkeyClient({ baseUrl, fetch });
      const email = uniqueEmail('client');

      const created = await anonymous.POST('/v1/accounts', { body: { email, password: PASSWORD } });
      assert.equal(created.response.status, 201);
      assert.equal(created.data?.email, email);

      const first = await anonymous.POST('/v1/sessions', { body: { email, password: PASSWORD } });
      assert.ok(first.data?.status === 'authenticated', JSON.stringify(first.error));
      const me = createLatchkeyClient({ baseUrl, fetch, token: first.data.token });

      const setup = await me.POST('/v1/me/totp/setup', { body: {} });
      assert.ok(setup.data, JSON.stringify(setup.error));
      const confirmed = await me.POST('/v1/me/totp/confirm', {
        body: { setupId: setup.data.setupId, code: codeFor(h, setup.data.secret) },
      });
      assert.equal(confirmed.data?.backupCodes.codes.length, 8);

      // A wrong code is a typed problem answer.
      h.clock.advance(30);
      const login = await anonymous.POST('/v1/sessions', { body: { email, password: PASSWORD } });
      assert.ok(login.data?.status === 'second_factor_required');
      assert.deepEqual(login.data.methods, ['totp', 'backup_code']);
      const wrong = await anonymous.POST('/v1/sessions/verify', {
        body: { challenge: login.data.challenge, method: 'totp', code: '000000' },
      });
      assert.equal(wrong.response.status, 401);
      assert.equal(wrong.error?.code, 'invalid_code');

      const verified = await anonymous.POST('/v1/sessions/verify', {
        body: { challenge: login.data.challenge, method: 'totp', code: codeFor(h, setup.data.secret) },
      });
      assert.ok(verified.data, JSON.stringify(verified.error));
      assert.equal(verified.data.status, 'authenticated');

      const signedIn = createLatchkeyClient({ baseUrl, fetch, token: verified.data.token });
      const state = await signedIn.GET('/v1/me/security');
      assert.equal(state.data?.twoFactor.enabled, true);
      assert.equal(state.data?.twoFactor.backupCodes?.remaining, 8);

      const out = await signedIn.DELETE('/v1/sessions/current');
      assert.equal(out.response.status, 204);
      const after = await signedIn.GET('/v1/me/security');
      assert.equal(after.error?.code, 'unauthenticated');
    });
  });
}
