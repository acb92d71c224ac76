// Issue 11 #10: the owner's own right code submitted twice (a double click, a
// retry) is refused the second time but not counted as a wrong code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { challengeFor, codeFor, type Enrolled, enrolledUser } from '../support/flows.ts';
import { describeOnEachDatabase, type Harness } from '../support/harness.ts';

async function failures(h: Harness, accountId: string): Promise<number> {
  const rows = await h.ctx.storage.db
    .selectFrom('audit_log')
    .select('id')
    .where('account_id', '=', accountId)
    .where('event', '=', 'second_factor_failed')
    .execute();
  return rows.length;
}

describeOnEachDatabase('a double submit is not a wrong code', (h) => {
  async function twice(user: Enrolled, method: 'totp' | 'backup_code', code: string) {
    const first = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: await challengeFor(h, user.email), method, code },
    });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    return h.call('POST', '/v1/sessions/verify', {
      body: { challenge: await challengeFor(h, user.email), method, code },
    });
  }

  test('the authenticator code that just worked, sent again, is refused and not counted', async () => {
    const user = await enrolledUser(h);
    for (let round = 0; round < 3; round += 1) {
      const again = await twice(user, 'totp', codeFor(h, user.secret));
      assert.equal(again.status, 401);
      await h.clock.advance(30);
    }
    assert.equal(await failures(h, user.accountId), 0);
    // A wrong code still counts.
    const wrong = codeFor(h, user.secret) === '000000' ? '111111' : '000000';
    await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: await challengeFor(h, user.email), method: 'totp', code: wrong },
    });
    assert.equal(await failures(h, user.accountId), 1);
  });

  test('the backup code that just worked, sent again, is refused and not counted; later it counts', async () => {
    const user = await enrolledUser(h);
    const code = user.codes[0] as string;
    const again = await twice(user, 'backup_code', code);
    assert.equal(again.status, 401);
    assert.equal(await failures(h, user.accountId), 0);
    await h.clock.advance(10 * 60);
    const late = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: await challengeFor(h, user.email), method: 'backup_code', code },
    });
    assert.equal(late.status, 401);
    assert.equal(await failures(h, user.accountId), 1);
  });
});
