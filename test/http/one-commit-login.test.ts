// Issue 16 / ADR 0006: the second-factor step of a login is ONE commit — the
// budget admission, the challenge attempt, the spend, the session, the login
// event (and a backup code's audit row and email) — and a wrong code writes
// its counts in one commit too. Counted by the storage's own counters on both
// databases (transactions, and writes outside one).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import { SESSION_TOUCH_INTERVAL_MS } from '../../src/domain/policy.ts';
import { insertFreeze } from '../../src/storage/freezes-repository.ts';
import { challengeFor, codeFor, enrolledUser, signUpAndLogin } from '../support/flows.ts';
import { describeOnEachDatabase, type Harness } from '../support/harness.ts';

async function commitsOf(h: Harness, request: () => Promise<{ status: number }>, status: number): Promise<number> {
  const before = h.ctx.storage.counters.units;
  const reply = await request();
  assert.equal(reply.status, status, JSON.stringify(reply));
  return h.ctx.storage.counters.units - before;
}

describeOnEachDatabase('one commit per login', (h) => {
  test('a TOTP login, a backup-code login and a wrong code are one commit each', async () => {
    const user = await enrolledUser(h);
    await h.clock.advance(30); // the confirmation spent this step
    const verify = (challenge: string, method: string, code: string) => () =>
      h.call('POST', '/v1/sessions/verify', { body: { challenge, method, code } });

    const totp = await challengeFor(h, user.email);
    assert.equal(await commitsOf(h, verify(totp, 'totp', codeFor(h, user.secret)), 200), 1);

    const backup = await challengeFor(h, user.email);
    assert.equal(await commitsOf(h, verify(backup, 'backup_code', user.codes[0] as string), 200), 1);

    const wrong = await challengeFor(h, user.email);
    const wrongCode = ['000000', '000001'].find((c) => !user.codes.includes(c)) as string;
    assert.equal(await commitsOf(h, verify(wrong, 'backup_code', wrongCode), 401), 1);
    // A repeat of the same wrong code counts nothing and writes nothing.
    assert.equal(await commitsOf(h, verify(wrong, 'backup_code', wrongCode), 401), 0);
  });

  test('concurrent logins share commits on SQLite and each is durable when answered', async () => {
    const users = [];
    for (let i = 0; i < 12; i += 1) users.push(await enrolledUser(h));
    const challenges = await Promise.all(users.map((u) => challengeFor(h, u.email)));
    const before = { ...h.ctx.storage.counters };
    const replies = await Promise.all(
      users.map((u, i) =>
        h.call('POST', '/v1/sessions/verify', {
          body: { challenge: challenges[i], method: 'totp', code: codeFor(h, u.secret) },
        }),
      ),
    );
    assert.deepEqual(
      replies.map((r) => r.status),
      users.map(() => 200),
    );
    assert.equal(h.ctx.storage.counters.units - before.units, users.length);
    const commits = h.ctx.storage.counters.commits - before.commits;
    if (h.dialect === 'sqlite') assert.ok(commits < users.length, `${commits} commits for ${users.length} logins`);
    else assert.equal(commits, users.length);
  });

  test("an authenticated request writes its session's last use at most once a minute, and reads the session, account and freeze at once", async () => {
    const user = await signUpAndLogin(h);
    const me = () => h.call('GET', '/v1/me/security', { token: user.token });
    // Signed in just now: the session's last use is fresh, so nothing is written.
    assert.equal(await commitsOf(h, me, 200), 0);
    assert.equal(await commitsOf(h, me, 200), 0);
    await h.clock.advance(SESSION_TOUCH_INTERVAL_MS / 1000 + 1);
    assert.equal(await commitsOf(h, me, 200), 1);
    assert.equal(await commitsOf(h, me, 200), 0);
    // A session the freeze did not revoke (none should survive one) is refused all the same.
    await insertFreeze(h.ctx.storage.db, {
      id: crypto.randomUUID(),
      accountId: user.accountId,
      via: 'email_link',
      at: h.clock.now().toISOString(),
    });
    const refused = await me();
    assert.equal(refused.status, 423, JSON.stringify(refused.body));
    assert.equal(refused.body.code, 'account_frozen');
  });
});
