// Every registered second-factor method, one after the other: bound, then a
// 2FA reset and an approved recovery must leave none of it working, and key
// rotation must re-encrypt every column it declares. The test loops over the
// registry: a new method without a working removeAll or encryptedColumns fails
// here (and the compiler asks for its binder below).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthenticatorEmulator, WebAuthnEmulator } from 'nid-webauthn-emulator';
import { FACTOR_MODULES } from '../../src/app/factors/registry.ts';
import { sendSecondFactorSms } from '../../src/app/phone-numbers.ts';
import { passSecondFactor } from '../../src/app/second-factor-gate.ts';
import { securityKeyAssertionOptions } from '../../src/app/security-keys.ts';
import { ENCRYPTED_COLUMNS, rotateKeys } from '../../src/cli/keys-rotate.ts';
import { SECOND_FACTOR_PURPOSES, type SecondFactorMethod } from '../../src/domain/second-factor.ts';
import { loadKeyring } from '../../src/infra/keyring.ts';
import { findAccountById } from '../../src/storage/accounts-repository.ts';
import { decide, submittedTicket, supportAgent } from '../recovery/helpers.ts';
import { codeFor, type Enrolled, enrolledUser, PASSWORD } from '../support/flows.ts';
import { describeOnEachDatabase, type Harness } from '../support/harness.ts';

const ORIGIN = 'http://localhost:3000';
const ORIGIN_NONE = { ip: null, userAgent: null };

interface Proof {
  readonly code?: string;
  readonly response?: unknown;
}

/** A bound method and a way to produce a fresh proof with the credential bound then. */
interface Bound {
  proof(): Promise<Proof>;
}

type Binder = (h: Harness, user: Enrolled) => Promise<Bound>;

async function lastSmsCode(h: Harness): Promise<string> {
  const outbox = await h.call('GET', '/v1/test/outbox');
  const sms = outbox.body.messages.filter((m: { channel: string }) => m.channel === 'sms');
  const match = /^(\d{6}) is your/.exec(sms.at(-1)?.body ?? '');
  assert.ok(match, 'an SMS with a code was queued');
  return match[1] as string;
}

/** One binder per method: enrollment binds an authenticator app and backup codes. */
const BINDERS: Record<SecondFactorMethod, Binder> = {
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
    const key = new WebAuthnEmulator(new AuthenticatorEmulator({ algorithmIdentifiers: ['ES256'] }));
    const options = await h.call('POST', '/v1/me/security-keys/options', {
      token: user.token,
      body: { method: 'totp', code: codeFor(h, user.secret) },
    });
    assert.equal(options.status, 200, JSON.stringify(options.body));
    await h.clock.advance(30);
    const registered = await h.call('POST', '/v1/me/security-keys', {
      token: user.token,
      body: { name: 'Key', response: key.createJSON(ORIGIN, options.body) },
    });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    return {
      async proof() {
        const assertionOptions = await securityKeyAssertionOptions(h.ctx, user.accountId);
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
        await sendSecondFactorSms(h.ctx, user.accountId);
        return { code: await lastSmsCode(h) };
      },
    };
  },
};

/** True when the proof passes the gate for a sign-in (the one purpose every method serves). */
async function works(h: Harness, user: Enrolled, method: SecondFactorMethod, bound: Bound): Promise<boolean> {
  const account = await findAccountById(h.ctx.storage.db, user.accountId);
  assert.ok(account);
  try {
    const proof = await bound.proof();
    await passSecondFactor(
      h.ctx,
      { account, method, code: proof.code, response: proof.response, purpose: 'login', origin: ORIGIN_NONE },
      async () => undefined,
    );
    return true;
  } catch {
    return false;
  }
}

async function resetTwoFactor(h: Harness, user: Enrolled): Promise<void> {
  await h.clock.advance(30);
  const opened = await h.call('POST', '/v1/me/two-factor/reset', {
    token: user.token,
    body: { password: PASSWORD, method: 'totp', code: codeFor(h, user.secret) },
  });
  assert.equal(opened.status, 200, JSON.stringify(opened.body));
  const confirmed = await h.call('POST', '/v1/me/totp/confirm', {
    token: user.token,
    body: { setupId: opened.body.setupId, code: codeFor(h, opened.body.secret) },
  });
  assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
}

async function approveRecovery(h: Harness, user: Enrolled): Promise<void> {
  const ticket = await submittedTicket(h, user.email, 'lost_two_factor');
  const decided = await decide(h, await supportAgent(h), ticket.ticketId, 'approve');
  assert.equal(decided.status, 200, JSON.stringify(decided.body));
  assert.equal(decided.body.status, 'approved');
}

describeOnEachDatabase('factor registry', { env: { LATCHKEY_PUBLIC_ORIGIN: ORIGIN } }, (h) => {
  for (const factor of FACTOR_MODULES) {
    test(`${factor.method}: a 2FA reset leaves the old credential working nowhere`, async () => {
      const user = await enrolledUser(h);
      const bound = await BINDERS[factor.method](h, user);
      assert.equal(await factor.isBound(h.ctx.storage.db, user.accountId), true);
      assert.equal(await works(h, user, factor.method, bound), true, 'works before the reset');
      await resetTwoFactor(h, user);
      assert.equal(await works(h, user, factor.method, bound), false, 'refused after the reset');
    });

    test(`${factor.method}: an approved recovery removes it`, async () => {
      const user = await enrolledUser(h);
      const bound = await BINDERS[factor.method](h, user);
      assert.equal(await works(h, user, factor.method, bound), true, 'works before the recovery');
      await approveRecovery(h, user);
      assert.equal(await factor.isBound(h.ctx.storage.db, user.accountId), false);
      assert.equal(await works(h, user, factor.method, bound), false, 'refused after the recovery');
    });
  }

  test('the gate refuses a method for every purpose its module does not allow, before counting anything', async () => {
    const refusals = FACTOR_MODULES.flatMap((f) =>
      SECOND_FACTOR_PURPOSES.filter((p) => !f.allowedFor.includes(p)).map((purpose) => ({ f, purpose })),
    );
    assert.ok(
      refusals.some(({ f, purpose }) => f.method === 'sms' && purpose === 'reset'),
      'SMS cannot reset 2FA',
    );
    for (const { f, purpose } of refusals) {
      const user = await enrolledUser(h);
      const bound = await BINDERS[f.method](h, user);
      const account = await findAccountById(h.ctx.storage.db, user.accountId);
      assert.ok(account);
      const proof = await bound.proof();
      await assert.rejects(
        passSecondFactor(
          h.ctx,
          { account, method: f.method, code: proof.code, response: proof.response, purpose, origin: ORIGIN_NONE },
          async () => undefined,
        ),
        (error: { code?: string }) => error.code === 'method_not_allowed',
      );
      // Not a failure: the right proof still works where the method is allowed.
      assert.equal(await works(h, user, f.method, { proof: async () => proof }), true);
    }
  });

  test('every *_enc column of the database is rotated (declared by a factor or by keys rotate)', async () => {
    const declared = new Set(ENCRYPTED_COLUMNS.map((c) => `${c.table}.${c.column}`));
    const tables = await h.ctx.storage.db.introspection.getTables();
    const encrypted = tables.flatMap((t) =>
      t.columns.filter((c) => c.name.endsWith('_enc')).map((c) => `${t.name}.${c.name}`),
    );
    assert.ok(encrypted.length > 0);
    for (const column of encrypted) assert.ok(declared.has(column), `${column} is not rotated`);
  });

  test('key rotation re-encrypts every column every factor declares', async () => {
    const user = await enrolledUser(h);
    for (const factor of FACTOR_MODULES) await BINDERS[factor.method](h, user);
    await sendSecondFactorSms(h.ctx, user.accountId);
    const db = h.ctx.storage.db;
    const columns = FACTOR_MODULES.flatMap((f) => f.encryptedColumns);
    const before = new Map<string, Map<string, string>>();
    for (const column of columns) {
      const values = await column.list(db);
      assert.ok(values.length > 0, `${column.table}.${column.column} has values to rotate`);
      before.set(column.label, new Map(values.map((v) => [v.key, v.ciphertext])));
    }

    await rotateKeys(h.ctx.config, h.ctx.storage);

    const keyring = loadKeyring(h.ctx.config);
    for (const column of columns) {
      const old = before.get(column.label) ?? new Map<string, string>();
      const values = await column.list(db);
      for (const value of values) {
        const previous = old.get(value.key);
        if (previous === undefined) continue;
        assert.notEqual(value.ciphertext, previous, `${column.label} ${value.key} was re-encrypted`);
        assert.equal(keyring.versionOf(value.ciphertext), keyring.currentVersion);
        assert.deepEqual(keyring.decrypt(value.ciphertext, value.aad), keyring.decrypt(previous, value.aad));
      }
      assert.ok(values.some((v) => old.has(v.key)));
    }
  });
});
