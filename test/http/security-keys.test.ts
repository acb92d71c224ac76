// Security keys end to end with a software authenticator (nid-webauthn-emulator,
// independent of @simplewebauthn): register, log in, step up, replay, removal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthenticatorEmulator, WebAuthnEmulator } from 'nid-webauthn-emulator';
import { challengeFor, codeFor, enrolledUser, PASSWORD } from '../support/flows.ts';
import { describeOnEachDatabase } from '../support/harness.ts';

const ORIGIN = 'http://localhost:3000';

describeOnEachDatabase('security keys', { env: { LATCHKEY_PUBLIC_ORIGIN: ORIGIN } }, (h) => {
  async function userWithKey() {
    const user = await enrolledUser(h);
    const key = new WebAuthnEmulator(new AuthenticatorEmulator({ algorithmIdentifiers: ['ES256'] }));
    const options = await h.call('POST', '/v1/me/security-keys/options', {
      token: user.token,
      body: { method: 'totp', code: codeFor(h, user.secret) },
    });
    assert.equal(options.status, 200, JSON.stringify(options.body));
    await h.clock.advance(30);
    const response = key.createJSON(ORIGIN, options.body);
    const registered = await h.call('POST', '/v1/me/security-keys', {
      token: user.token,
      body: { name: 'YubiKey 5C', response },
    });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    return { ...user, key, keyId: registered.body.id as string };
  }

  test('a registered key is listed, offered at login, and logs in', async () => {
    const user = await userWithKey();
    const me = await h.call('GET', '/v1/me/security', { token: user.token });
    assert.equal(me.body.twoFactor.securityKeys.length, 1);
    assert.equal(me.body.twoFactor.securityKeys[0].name, 'YubiKey 5C');
    const login = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } });
    assert.ok(login.body.methods.includes('webauthn'));
    const options = await h.call('POST', '/v1/sessions/webauthn/options', {
      body: { challenge: login.body.challenge },
    });
    assert.equal(options.status, 200);
    const assertion = user.key.getJSON(ORIGIN, options.body);
    const verify = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: login.body.challenge, method: 'webauthn', response: assertion },
    });
    assert.equal(verify.status, 200, JSON.stringify(verify.body));
    const outbox = await h.call('GET', '/v1/test/outbox');
    assert.ok(
      outbox.body.messages.some(
        (m: { to: string; subject: string }) => m.to === user.email && /security key was added/.test(m.subject),
      ),
    );
  });

  test('a replayed assertion is refused and counts as a failure', async () => {
    const user = await userWithKey();
    const first = await challengeFor(h, user.email);
    const options = await h.call('POST', '/v1/sessions/webauthn/options', { body: { challenge: first } });
    const assertion = user.key.getJSON(ORIGIN, options.body);
    const ok = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: first, method: 'webauthn', response: assertion },
    });
    assert.equal(ok.status, 200);
    const second = await challengeFor(h, user.email);
    const replay = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: second, method: 'webauthn', response: assertion },
    });
    assert.equal(replay.status, 401);
    assert.equal(replay.body.code, 'invalid_code');
    const audit = await h.ctx.storage.db
      .selectFrom('audit_log')
      .select('event')
      .where('account_id', '=', user.accountId)
      .where('event', '=', 'second_factor_failed')
      .execute();
    assert.equal(audit.length, 1);
  });

  test('an assertion for the wrong origin or from another key is refused', async () => {
    const user = await userWithKey();
    const challenge = await challengeFor(h, user.email);
    const options = await h.call('POST', '/v1/sessions/webauthn/options', { body: { challenge } });
    const phishing = user.key.getJSON('http://localhost:4000', options.body);
    const refused = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge, method: 'webauthn', response: phishing },
    });
    assert.equal(refused.status, 401);
    // Another account's key, signing this login's challenge: not a key of this account.
    const other = await userWithKey();
    const fresh = await h.call('POST', '/v1/sessions/webauthn/options', { body: { challenge } });
    const foreign = other.key.getJSON(ORIGIN, { ...fresh.body, allowCredentials: [] });
    const notTheirs = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge, method: 'webauthn', response: foreign },
    });
    assert.equal(notTheirs.status, 401);
    const junk = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge, method: 'webauthn', response: { id: 'x' } },
    });
    assert.equal(junk.status, 400);
  });

  test('a key steps up a withdrawal; the same credential cannot be registered twice', async () => {
    const user = await userWithKey();
    const options = await h.call('POST', '/v1/me/security-keys/assertion-options', { token: user.token, body: {} });
    const withdrawal = await h.call('POST', '/v1/withdrawals', {
      token: user.token,
      body: {
        asset: 'BTC',
        amount: '0.5',
        address: 'bc1qexampleaddress000',
        method: 'webauthn',
        response: user.key.getJSON(ORIGIN, options.body),
      },
    });
    assert.equal(withdrawal.status, 201, JSON.stringify(withdrawal.body));
    // The emulator excludes known credentials itself, so re-send its earlier registration response.
    const newline = await h.call('POST', '/v1/me/security-keys', {
      token: user.token,
      body: { name: 'Key\nBcc: evil@example.com', response: {} },
    });
    assert.equal(newline.status, 400, 'control characters never reach an email');
    const again = await h.call('POST', '/v1/me/security-keys/options', {
      token: user.token,
      body: { method: 'totp', code: codeFor(h, user.secret) },
    });
    assert.equal(again.body.excludeCredentials.length, 1);
  });

  test('removing a key takes it off the methods; keys need an authenticator first', async () => {
    const user = await userWithKey();
    // Removing a key is a factor change: it takes a second factor (here the key itself).
    const stepUp = await h.call('POST', '/v1/me/security-keys/assertion-options', { token: user.token, body: {} });
    const removed = await h.call('DELETE', `/v1/me/security-keys/${user.keyId}`, {
      token: user.token,
      body: { method: 'webauthn', response: user.key.getJSON(ORIGIN, stepUp.body) },
    });
    assert.equal(removed.status, 204, JSON.stringify(removed.body));
    const login = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } });
    assert.ok(!login.body.methods.includes('webauthn'));
    const gone = await h.call('DELETE', `/v1/me/security-keys/${user.keyId}`, {
      token: user.token,
      body: { method: 'totp', code: codeFor(h, user.secret) },
    });
    assert.equal(gone.status, 404);
  });
});
