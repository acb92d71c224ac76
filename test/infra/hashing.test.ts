// The one suite on the production hasher (every other in-process test installs
// argon2id at its floor): the composition root's default has OWASP's
// parameters, for passwords and for the dummy hash that unknown emails are
// checked against, and an unknown email costs the same time as a known one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PRODUCTION_ARGON2 } from '../../src/infra/hashing.ts';
import { challengeFor, enrolledUser, signUpAndLogin, uniqueEmail } from '../support/flows.ts';
import { describeOnEachDatabase } from '../support/harness.ts';

const { memoryCost, timeCost, parallelism } = PRODUCTION_ARGON2;
const PRODUCTION_PREFIX = `$argon2id$v=19$m=${memoryCost},t=${timeCost},p=${parallelism}$`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

describeOnEachDatabase('the production hasher', { only: ['sqlite'], hasher: 'production' }, (h) => {
  test('OWASP argon2id parameters: 19 MiB, 2 passes, 1 lane', () => {
    assert.deepEqual(PRODUCTION_ARGON2, { memoryCost: 19456, timeCost: 2, parallelism: 1 });
  });

  test('stored password hashes and the dummy hash use them', async () => {
    const user = await signUpAndLogin(h);
    const row = await h.ctx.storage.db
      .selectFrom('accounts')
      .select('password_hash')
      .where('email', '=', user.email)
      .executeTakeFirstOrThrow();
    assert.ok(row.password_hash.startsWith(PRODUCTION_PREFIX), row.password_hash.slice(0, 40));
    assert.ok((await h.ctx.hasher.dummyPasswordHash()).startsWith(PRODUCTION_PREFIX));
  });

  test('an unknown email takes as long as a wrong password for a known one (ASVS 5.0 6.3.8)', async () => {
    const known = await signUpAndLogin(h);
    const timed = async (email: string) => {
      const started = process.hrtime.bigint();
      const reply = await h.call('POST', '/v1/sessions', { body: { email, password: 'not the password at all' } });
      assert.equal(reply.status, 401);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    await timed(uniqueEmail('warm-up')); // the dummy hash is made once, on first use
    const knownMs: number[] = [];
    const unknownMs: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      knownMs.push(await timed(known.email));
      unknownMs.push(await timed(uniqueEmail('ghost')));
    }
    const ratio = median(unknownMs) / median(knownMs);
    const where = `known ${knownMs.map(Math.round)} ms, unknown ${unknownMs.map(Math.round)} ms`;
    assert.ok(ratio > 0.5 && ratio < 2, where);
  });
});

describeOnEachDatabase('argon2id on the login path', { only: ['sqlite'] }, (h) => {
  test('a backup-code verify runs exactly one argon2id (issue 16 #4), and no password hash', async () => {
    const user = await enrolledUser(h);
    const challenge = await challengeFor(h, user.email);
    const calls: string[] = [];
    const hasher = h.ctx.hasher as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const originals = { ...hasher };
    for (const name of Object.keys(originals)) {
      hasher[name] = (...args) => {
        calls.push(name);
        return (originals[name] as (...a: unknown[]) => Promise<unknown>)(...args);
      };
    }
    try {
      const verified = await h.call('POST', '/v1/sessions/verify', {
        body: { challenge, method: 'backup_code', code: user.codes[0] },
      });
      assert.equal(verified.status, 200, JSON.stringify(verified.body));
    } finally {
      Object.assign(hasher, originals);
    }
    assert.deepEqual(calls, ['hashBackupCode']);
  });
});
