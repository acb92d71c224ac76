// Issue 16 #4: a backup-code login costs exactly ONE argon2id (ADR 0001): no
// second one on the way (a password check, a re-hash, a dummy hash), right
// code or wrong, counted at the hashing module the app reaches (ctx.hasher).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Hasher } from '../../src/infra/hashing.ts';
import { challengeFor, enrolledUser } from '../support/flows.ts';
import { describeOnEachDatabase } from '../support/harness.ts';

/** Counts, by name, every call the app makes to the hasher's methods from now on. */
function countCalls(hasher: Hasher): string[] {
  const calls: string[] = [];
  const methods = hasher as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const name of ['hashPassword', 'verifyPassword', 'dummyPasswordHash', 'hashBackupCode'] as const) {
    const original = methods[name] as (...args: unknown[]) => Promise<unknown>;
    methods[name] = (...args) => {
      calls.push(name);
      return original(...args);
    };
  }
  return calls;
}

describeOnEachDatabase('a backup-code login runs one argon2id', (h) => {
  test('right code, then wrong code: one hashBackupCode each and nothing else', async () => {
    const user = await enrolledUser(h);
    const calls = countCalls(h.ctx.hasher);
    const challenge = await challengeFor(h, user.email);
    // The password step is counted too: the counter sees what the app calls.
    assert.deepEqual(calls, ['verifyPassword']);
    calls.length = 0;
    const right = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge, method: 'backup_code', code: user.codes[0] },
    });
    assert.equal(right.status, 200, JSON.stringify(right.body));
    assert.deepEqual(calls, ['hashBackupCode']);

    const again = await challengeFor(h, user.email);
    calls.length = 0;
    const wrongCode = ['000000', '111111', '222222'].find((c) => !user.codes.includes(c)) as string;
    const wrong = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: again, method: 'backup_code', code: wrongCode },
    });
    assert.equal(wrong.status, 401, JSON.stringify(wrong.body));
    assert.deepEqual(calls, ['hashBackupCode']);
  });
});
