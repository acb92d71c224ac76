// The provider's signing keys: generated on first start, kept encrypted under
// the keyring, rolled by `keys rotate`; the old public key stays in the JWKS.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { rotateKeys } from '../../src/cli/keys-rotate.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { ORIGIN } from './browser.ts';

describe('OpenID signing keys', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('sqlite', { env: { LATCHKEY_PUBLIC_ORIGIN: ORIGIN } });
  });
  after(async () => h.close());

  const jwks = async () => {
    const reply = await h.call('GET', '/oidc/jwks', { headers: { host: 'latchkey.test' } });
    assert.equal(reply.status, 200);
    return JSON.parse(reply.raw.toString('utf8')).keys as Array<Record<string, string>>;
  };

  test('keys rotate rolls the signing key; the old public key stays published; no private part leaks', async () => {
    const before = await jwks();
    assert.equal(before.length, 1);
    const stored = await h.ctx.storage.db.selectFrom('oidc_signing_keys').selectAll().execute();
    assert.equal(stored.length, 1);
    assert.ok(stored[0]?.private_jwk_enc.startsWith('v1.'));
    assert.ok(!stored[0]?.private_jwk_enc.includes('"d"'));

    assert.match(await rotateKeys(h.ctx.config), /1 OpenID signing key\(s\).*a new OpenID signing key/);
    h.clock.advance(61); // a running server looks for new keys every minute
    const after = await jwks();
    assert.equal(after.length, 2);
    assert.equal(after[1]?.kid, before[0]?.kid, 'the old key stays, after the new one');
    assert.notEqual(after[0]?.kid, before[0]?.kid);
    for (const key of after) {
      assert.equal(key.d, undefined);
      assert.equal(key.p, undefined);
    }
    const keys = await h.ctx.storage.db.selectFrom('oidc_signing_keys').selectAll().execute();
    assert.ok(keys.every((k) => k.private_jwk_enc.startsWith('v2.')));
  });
});
