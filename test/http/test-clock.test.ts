// Issue 15 item 11: the test clock refuses times a Date cannot hold (a leap
// second, past year 9999) with a 400 problem and keeps its time, so later
// requests keep working instead of answering 500.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeOnEachDatabase, type Harness } from '../support/harness.ts';

describeOnEachDatabase('test clock bounds', (h) => {
  async function assertStillWorks(before: string): Promise<void> {
    const now = await h.call('GET', '/v1/test/clock');
    assert.equal(now.status, 200);
    assert.ok(Math.abs(Date.parse(now.body.now) - Date.parse(before)) < 60_000, 'the clock kept its time');
    const created = await h.call('POST', '/v1/accounts', {
      body: { email: `after-${crypto.randomUUID()}@example.com`, password: 'a perfectly fine password' },
    });
    assert.equal(created.status, 201);
  }

  function assertRefused(reply: Awaited<ReturnType<Harness['call']>>): void {
    assert.equal(reply.status, 400);
    assert.match(String(reply.headers['content-type']), /^application\/problem\+json/);
    assert.equal(reply.body.code, 'invalid_request');
  }

  test('a leap second is refused', async () => {
    const before = (await h.call('GET', '/v1/test/clock')).body.now;
    assertRefused(await h.call('POST', '/v1/test/clock', { body: { set: '2016-12-31T23:59:60Z' } }));
    await assertStillWorks(before);
  });

  /** Steps the clock by `seconds` until it refuses; exactly one refusal, and the clock stays a valid time. */
  async function stepUntilRefused(seconds: number, limit: number): Promise<void> {
    const before = (await h.call('GET', '/v1/test/clock')).body.now;
    let refused = 0;
    for (let i = 0; i < limit && refused === 0; i++) {
      const reply = await h.call('POST', '/v1/test/clock', { body: { advanceSeconds: seconds } });
      if (reply.status !== 200) {
        assertRefused(reply);
        refused++;
      }
    }
    assert.equal(refused, 1, 'stepping stops before the clock becomes an Invalid Date');
    const now = await h.call('GET', '/v1/test/clock');
    assert.equal(now.status, 200);
    assert.ok(!Number.isNaN(Date.parse(now.body.now)));
    assert.equal((await h.call('POST', '/v1/test/clock', { body: { set: before } })).status, 200);
    await assertStillWorks(before);
  }

  test('a time past what a Date holds is refused, set or advanced', async () => {
    const before = (await h.call('GET', '/v1/test/clock')).body.now;
    assertRefused(await h.call('POST', '/v1/test/clock', { body: { set: '+275760-09-14T00:00:00Z' } }));
    await assertStillWorks(before);
    // 1e10 s is about 317 years: 900 steps pass year 275760.
    await stepUntilRefused(1e10, 900);
  });

  test('going back before year 1 is refused too', async () => {
    await stepUntilRefused(-1e10, 900);
  });
});
