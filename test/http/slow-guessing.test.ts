// Issue 11 #9: slow guessing is reported. The first wrong code of a day is
// emailed to the owner, at most once a day, even when no limit is reached.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { challengeFor, codeFor, enrolledUser } from '../support/flows.ts';
import { describeOnEachDatabase, type Harness } from '../support/harness.ts';

async function reports(h: Harness, email: string): Promise<number> {
  const outbox = await h.call('GET', '/v1/test/outbox');
  return outbox.body.messages.filter(
    (m: { to: string; subject: string }) => m.to === email && /A wrong two-factor code was entered/.test(m.subject),
  ).length;
}

describeOnEachDatabase('slow guessing is reported', (h) => {
  test('three wrong codes a day for three days: one email a day', async () => {
    const user = await enrolledUser(h);
    for (let day = 1; day <= 3; day += 1) {
      for (let i = 0; i < 3; i += 1) {
        const challenge = await challengeFor(h, user.email);
        const wrong = ['111111', '222222'].find((c) => c !== codeFor(h, user.secret)) as string;
        const refused = await h.call('POST', '/v1/sessions/verify', {
          body: { challenge, method: 'totp', code: wrong },
        });
        assert.equal(refused.status, 401);
        await h.clock.advance(3 * 3600);
      }
      assert.equal(await reports(h, user.email), day, `day ${day}`);
      await h.clock.advance(24 * 3600 - 9 * 3600 + 60);
    }
  });

  test('concurrent wrong codes report once', async () => {
    const user = await enrolledUser(h);
    const wrong = ['333333', '444444', '555555', '666666'].filter((c) => c !== codeFor(h, user.secret));
    const challenge = await challengeFor(h, user.email);
    await Promise.all(
      wrong.map((code) => h.call('POST', '/v1/sessions/verify', { body: { challenge, method: 'totp', code } })),
    );
    assert.equal(await reports(h, user.email), 1);
  });
});
