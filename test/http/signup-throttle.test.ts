// Issue 11, #15: sign-up is throttled per client IP (in memory, or in Redis
// when configured), refused attempts answered 429 with Retry-After.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PASSWORD, randomIp, uniqueEmail } from '../support/flows.ts';
import { describeOnEachDatabase, type Harness } from '../support/harness.ts';

const LIMIT = 3;

async function signUpFrom(h: Harness, ip: string, email = uniqueEmail('signup')) {
  const response = await h.app.inject({
    method: 'POST',
    url: '/v1/accounts',
    remoteAddress: ip,
    payload: { email, password: PASSWORD },
  });
  return { status: response.statusCode, body: response.json(), retryAfter: Number(response.headers['retry-after']) };
}

function signUpThrottleTests(h: Harness): void {
  test(`50 concurrent sign-ups from one network: ${LIMIT} accounts at most, the rest 429`, async () => {
    const ip = randomIp();
    const answers = await Promise.all(Array.from({ length: 50 }, () => signUpFrom(h, ip)));
    const statuses = answers.map((a) => a.status);
    assert.equal(statuses.filter((s) => s === 201).length, LIMIT, String(statuses));
    const refused = answers.filter((a) => a.status === 429);
    assert.equal(refused.length, 50 - LIMIT);
    for (const a of refused) {
      assert.equal(a.body.code, 'rate_limited');
      assert.ok(a.retryAfter > 0 && a.retryAfter <= 3600);
    }
    // Another network signs up as usual.
    assert.equal((await signUpFrom(h, randomIp())).status, 201);
  });

  test('refused attempts count too: probing taken emails is throttled like signing up', async () => {
    const ip = randomIp();
    const email = uniqueEmail('taken');
    assert.equal((await signUpFrom(h, ip, email)).status, 201);
    for (let i = 1; i < LIMIT; i += 1) assert.equal((await signUpFrom(h, ip, email)).status, 409);
    assert.equal((await signUpFrom(h, ip, email)).status, 429);
  });
}

const env = { LATCHKEY_SIGNUPS_PER_IP_PER_HOUR: String(LIMIT) };
describeOnEachDatabase('sign-up throttle, in memory', { env }, signUpThrottleTests);
describeOnEachDatabase('sign-up throttle, in Redis', { env, redis: true, only: ['sqlite'] }, signUpThrottleTests);
