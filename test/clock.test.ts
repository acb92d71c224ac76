// The test clock: by default it runs with real time from wherever it was set
// (the /v1/test/clock semantics the browser journeys rely on); frozen, it
// moves only when told to.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { TestClock } from '../src/clock.ts';

const AT = new Date('2031-03-04T05:06:07.089Z');

describe('TestClock', () => {
  test('frozen: time moves only by advance and set, by exactly that much', async () => {
    const clock = new TestClock({ frozen: true });
    assert.equal(clock.set(AT).toISOString(), AT.toISOString());
    await sleep(20);
    assert.equal(clock.now().toISOString(), AT.toISOString());
    assert.equal(clock.advance(90).toISOString(), '2031-03-04T05:07:37.089Z');
    await sleep(20);
    assert.equal(clock.now().toISOString(), '2031-03-04T05:07:37.089Z');
  });

  test('by default it runs on from where it was set', async () => {
    const clock = new TestClock();
    clock.set(AT);
    await sleep(20);
    const elapsed = clock.now().getTime() - AT.getTime();
    assert.ok(elapsed >= 15 && elapsed < 10_000, `${elapsed} ms`);
    const advanced = clock.advance(3600).getTime() - AT.getTime();
    assert.ok(advanced >= 3600_000 + 15, `${advanced} ms`);
  });
});
