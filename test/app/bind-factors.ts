// Binding each second-factor method over HTTP, for the tests that must cover
// every registered method: the Record makes the compiler ask for a binder
// when a method is added.
import assert from 'node:assert/strict';
import { AuthenticatorEmulator, WebAuthnEmulator } from 'nid-webauthn-emulator';
import { sendSecondFactorSms } from '../../src/app/phone-numbers.ts';
import { securityKeyAssertionOptions } from '../../src/app/security-keys.ts';
import type { SecondFactorMethod } from '../../src/domain/second-factor.ts';
import { codeFor, type Enrolled, PASSWORD } from '../support/flows.ts';
import type { Harness } from '../support/harness.ts';

export const ORIGIN = 'http://localhost:3000';

export interface Proof {
  readonly code?: string;
  readonly response?: unknown;
}

/** A bound method and a way to produce a fresh proof with the credential bound then. */
export interface Bound {
  proof(): Promise<Proof>;
}

type Binder = (h: Harness, user: Enrolled) => Promise<Bound>;

export async function lastSmsCode(h: Harness): Promise<string> {
  const outbox = await h.call('GET', '/v1/test/outbox');
  const sms = outbox.body.messages.filter((m: { channel: string }) => m.channel === 'sms');
  const match = /^(\d{6}) is your/.exec(sms.at(-1)?.body ?? '');
  assert.ok(match, 'an SMS with a code was queued');
  return match[1] as string;
}

/** Registers a software security key (after a TOTP step-up); the key signs assertions later. */
export async function addSecurityKey(h: Harness, user: Enrolled, name = 'Key', origin = ORIGIN) {
  const key = new WebAuthnEmulator(new AuthenticatorEmulator({ algorithmIdentifiers: ['ES256'] }));
  const options = await h.call('POST', '/v1/me/security-keys/options', {
    token: user.token,
    body: { method: 'totp', code: codeFor(h, user.secret) },
  });
  assert.equal(options.status, 200, JSON.stringify(options.body));
  await h.clock.advance(30);
  const registered = await h.call('POST', '/v1/me/security-keys', {
    token: user.token,
    body: { name, response: key.createJSON(origin, options.body) },
  });
  assert.equal(registered.status, 201, JSON.stringify(registered.body));
  return { key, keyId: registered.body.id as string };
}

/** One binder per method: enrollment binds an authenticator app and backup codes. */
export const BINDERS: Record<SecondFactorMethod, Binder> = {
  async totp(h, user) {
    return {
      async proof() {
        await h.clock.advance(30);
        return { code: codeFor(h, user.secret) };
      },
    };
  },
  async backup_code(_h, user) {
    const codes = [...user.codes];
    return { proof: async () => ({ code: codes.shift() as string }) };
  },
  async webauthn(h, user) {
    const { key } = await addSecurityKey(h, user);
    return {
      async proof() {
        const assertionOptions = await securityKeyAssertionOptions(h.ctx, user.accountId, 'login');
        return { response: key.getJSON(ORIGIN, assertionOptions) };
      },
    };
  },
  async sms(h, user) {
    const added = await h.call('POST', '/v1/me/phone', {
      token: user.token,
      body: { phone: '+44 7700 900123', method: 'totp', code: codeFor(h, user.secret) },
    });
    assert.equal(added.status, 202, JSON.stringify(added.body));
    const verified = await h.call('POST', '/v1/me/phone/verify', {
      token: user.token,
      body: { code: await lastSmsCode(h) },
    });
    assert.equal(verified.status, 204, JSON.stringify(verified.body));
    await h.clock.advance(30);
    return {
      async proof() {
        await h.clock.advance(31);
        await sendSecondFactorSms(h.ctx, user.accountId, 'login');
        return { code: await lastSmsCode(h) };
      },
    };
  },
};

/** A fresh session with the authenticator app (after moving the clock past a lock, say). */
export async function signInWithTotp(h: Harness, user: Enrolled): Promise<string> {
  await h.clock.advance(30);
  const login = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } });
  const verified = await h.call('POST', '/v1/sessions/verify', {
    body: { challenge: login.body.challenge, method: 'totp', code: codeFor(h, user.secret) },
  });
  assert.equal(verified.status, 200, JSON.stringify(verified.body));
  return verified.body.token;
}
