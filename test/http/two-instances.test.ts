// Issue 11, "Done when": the exactly-once and budget guarantees hold across two
// instances of Latchkey sharing PostgreSQL and Redis (each instance its own
// pool, budget client and process state), not only within one.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FAILURES_BEFORE_LOCK } from '../../src/domain/policy.ts';
import { PASSWORD_LIMITS } from '../../src/infra/password-throttle.ts';
import { DIALECTS } from '../support/databases.ts';
import {
  challengeFor,
  codeFor,
  enrolledUser,
  PASSWORD,
  passwordStepFrom,
  randomIp,
  uniqueEmail,
} from '../support/flows.ts';
import { type Harness, startHarness } from '../support/harness.ts';

const suite = DIALECTS.includes('postgres') ? describe : describe.skip;

suite('two instances sharing PostgreSQL and Redis', () => {
  let a: Harness;
  let b: Harness;
  before(async () => {
    a = await startHarness('postgres', { redis: true, frozenClock: true });
    b = await startHarness('postgres', { redis: true, frozenClock: true, instanceOf: a });
  });
  after(async () => {
    await b?.close();
    await a?.close();
  });
  /**
   * Login challenges opened in turn on each instance (one at a time: the
   * password throttle reserves each attempt before the hash).
   */
  async function challengesOnBoth(email: string, count: number): Promise<string[]> {
    const challenges: string[] = [];
    for (let i = 0; i < count; i += 1) challenges.push(await challengeFor(i % 2 ? a : b, email));
    return challenges;
  }
  /** Both instances read the same time, as servers with synchronised clocks do. */
  const sync = () => b.clock.set(a.clock.now());

  test('one backup code raced across both instances signs in once', async () => {
    const user = await enrolledUser(a);
    sync();
    const code = user.codes[0];
    const challenges = await challengesOnBoth(user.email, 12);
    const answers = await Promise.all(
      challenges.map((challenge, i) =>
        (i % 2 ? b : a).call('POST', '/v1/sessions/verify', { body: { challenge, method: 'backup_code', code } }),
      ),
    );
    assert.equal(answers.filter((r) => r.status === 200).length, 1, JSON.stringify(answers.map((r) => r.status)));
  });

  test('one TOTP code raced across both instances signs in once', async () => {
    const user = await enrolledUser(a);
    sync();
    const code = codeFor(a, user.secret);
    const challenges = await challengesOnBoth(user.email, 12);
    const answers = await Promise.all(
      challenges.map((challenge, i) =>
        (i % 2 ? b : a).call('POST', '/v1/sessions/verify', { body: { challenge, method: 'totp', code } }),
      ),
    );
    assert.equal(answers.filter((r) => r.status === 200).length, 1, JSON.stringify(answers.map((r) => r.status)));
  });

  test('wrong codes spread over both instances lock the account at the one daily budget', async () => {
    const user = await enrolledUser(a);
    sync();
    let wrong = 0;
    let locked = false;
    for (let round = 0; round < FAILURES_BEFORE_LOCK + 4 && !locked; round += 1) {
      const instance = round % 2 ? b : a;
      const challenge = await challengeFor(instance, user.email).catch(() => undefined);
      if (!challenge) {
        locked = true;
        break;
      }
      const answer = await instance.call('POST', '/v1/sessions/verify', {
        body: { challenge, method: 'backup_code', code: String(100000 + round) },
      });
      if (answer.status === 429) locked = true;
      else {
        assert.equal(answer.status, 401, JSON.stringify(answer.body));
        wrong += 1;
      }
    }
    assert.ok(locked, 'the account locks');
    assert.equal(wrong, FAILURES_BEFORE_LOCK, 'exactly the daily budget of wrong codes, whichever instance took them');
  });
});

// Issue 15 #8: without Redis the password throttle lives in PostgreSQL, so two
// instances share it (in memory, each would allow its own 10).
suite('two instances sharing PostgreSQL without Redis', () => {
  let a: Harness;
  let b: Harness;
  before(async () => {
    a = await startHarness('postgres');
    b = await startHarness('postgres', { instanceOf: a });
  });
  after(async () => {
    await b?.close();
    await a?.close();
  });

  test('wrong passwords from one client, spread over both instances, meet one limit', async () => {
    const email = uniqueEmail();
    assert.equal((await a.call('POST', '/v1/accounts', { body: { email, password: PASSWORD } })).status, 201);
    const ip = randomIp();
    const statuses: number[] = [];
    for (let i = 0; i < 14; i += 1) {
      statuses.push((await passwordStepFrom(i % 2 ? b : a, email, `wrong-password-${i}`, ip)).status);
    }
    const allowed = statuses.filter((s) => s === 401).length;
    assert.equal(allowed, PASSWORD_LIMITS.perClient.points, JSON.stringify(statuses));
    assert.equal(statuses.at(-1), 429);
  });
});
