// Issue 14 item 2 over HTTP, on both databases: the save-your-codes step has the
// owner type one new code back (POST /v1/me/backup-codes/check), checked without
// being spent and counted like any guess; "show them again" while the reveal
// window is open (POST /v1/me/backup-codes/reveal), 410 after it.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import { FAILURES_BEFORE_LOCK, REVEAL_WINDOW_MS } from '../../src/domain/policy.ts';
import { challengeFor, codeFor, type Enrolled, enrolledUser, PASSWORD } from '../support/flows.ts';
import { describeOnEachDatabase, type Harness } from '../support/harness.ts';

function check(h: Harness, token: string, code: string) {
  return h.call('POST', '/v1/me/backup-codes/check', { token, body: { code } });
}

function reveal(h: Harness, token: string, revealToken: string) {
  return h.call('POST', '/v1/me/backup-codes/reveal', { token, body: { revealToken } });
}

function wrongBackupCode(codes: readonly string[]): string {
  for (;;) {
    const candidate = String(crypto.randomInt(1_000_000)).padStart(6, '0');
    if (!codes.includes(candidate)) return candidate;
  }
}

async function auditCount(h: Harness, accountId: string, event: string): Promise<number> {
  const rows = await h.ctx.storage.db
    .selectFrom('audit_log')
    .select('id')
    .where('account_id', '=', accountId)
    .where('event', '=', event)
    .execute();
  return rows.length;
}

async function remaining(h: Harness, user: Enrolled): Promise<number> {
  const me = await h.call('GET', '/v1/me/security', { token: user.token });
  assert.equal(me.status, 200, JSON.stringify(me.body));
  return me.body.twoFactor.backupCodes.remaining;
}

describeOnEachDatabase('checking a backup code without spending it', (h) => {
  test('the right code → 204, not spent, and it still signs in once', async () => {
    const user = await enrolledUser(h);
    const code = user.codes[3] as string;
    const first = await check(h, user.token, code);
    assert.equal(first.status, 204, JSON.stringify(first.body));
    // Typed with a space, as from the sheet: the same code.
    assert.equal((await check(h, user.token, `${code.slice(0, 3)} ${code.slice(3)}`)).status, 204);
    assert.equal(await remaining(h, user), 8);
    assert.equal(await auditCount(h, user.accountId, 'second_factor_failed'), 0);
    assert.equal(await auditCount(h, user.accountId, 'backup_code_checked'), 2);

    const challenge = await challengeFor(h, user.email);
    const login = await h.call('POST', '/v1/sessions/verify', { body: { challenge, method: 'backup_code', code } });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    assert.equal(login.body.backupCodesRemaining, 7);
    // Spent by the login: now the check refuses it, and counts the guess.
    const spent = await check(h, user.token, code);
    assert.equal(spent.status, 401);
    assert.equal(spent.body.code, 'invalid_code');
  });

  test('a wrong code → 401 invalid_code, counted in the one attempt budget until it locks', async () => {
    const user = await enrolledUser(h);
    const wrong = wrongBackupCode(user.codes);
    const reply = await check(h, user.token, wrong);
    assert.equal(reply.status, 401, JSON.stringify(reply.body));
    assert.equal(reply.body.code, 'invalid_code');
    assert.equal(await auditCount(h, user.accountId, 'second_factor_failed'), 1);
    // Not digits at all: refused before anything is counted (the gate's own rule).
    const letters = await check(h, user.token, 'abcdef');
    assert.equal(letters.status, 401);
    assert.equal(await auditCount(h, user.accountId, 'second_factor_failed'), 1);

    // The rest of the day's budget spent on the check locks the second factor everywhere.
    const seen = new Set([wrong]);
    while (seen.size < FAILURES_BEFORE_LOCK) {
      const next = wrongBackupCode([...user.codes, ...seen]);
      seen.add(next);
      assert.equal((await check(h, user.token, next)).status, 401);
    }
    assert.equal(await auditCount(h, user.accountId, 'second_factor_failed'), FAILURES_BEFORE_LOCK);
    const locked = await check(h, user.token, user.codes[0] as string);
    assert.equal(locked.status, 429, JSON.stringify(locked.body));
    assert.equal(locked.body.code, 'rate_limited');
    const login = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } });
    assert.equal(login.status, 429);
  });

  test('after the set is replaced by a reset, the old codes → 401 and the new ones → 204', async () => {
    const user = await enrolledUser(h);
    const opened = await h.call('POST', '/v1/me/two-factor/reset', {
      token: user.token,
      body: { password: PASSWORD, method: 'totp', code: codeFor(h, user.secret) },
    });
    assert.equal(opened.status, 200, JSON.stringify(opened.body));
    // Until the new binding is confirmed, the old set is the live one.
    assert.equal((await check(h, user.token, user.codes[0] as string)).status, 204);
    const confirm = await h.call('POST', '/v1/me/totp/confirm', {
      token: user.token,
      body: { setupId: opened.body.setupId, code: codeFor(h, opened.body.secret) },
    });
    assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
    const old = await check(h, user.token, user.codes[0] as string);
    assert.equal(old.status, 401);
    assert.equal(old.body.code, 'invalid_code');
    assert.equal((await check(h, user.token, confirm.body.backupCodes.codes[0])).status, 204);
  });

  test('the password step names the backup codes left, so the login step can say it', async () => {
    const user = await enrolledUser(h);
    const first = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } });
    assert.equal(first.body.status, 'second_factor_required');
    assert.equal(first.body.backupCodesRemaining, 8);
    const used = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: first.body.challenge, method: 'backup_code', code: user.codes[0] },
    });
    assert.equal(used.status, 200, JSON.stringify(used.body));
    const second = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } });
    assert.equal(second.body.backupCodesRemaining, 7);
  });

  test('without a session → 401 unauthenticated', async () => {
    const reply = await h.call('POST', '/v1/me/backup-codes/check', { body: { code: '123456' } });
    assert.equal(reply.status, 401);
    assert.equal(reply.body.code, 'unauthenticated');
  });
});

describeOnEachDatabase('showing the new codes again', { frozenClock: true }, (h) => {
  test('the same codes while the window is open; 410 after it, or once acknowledged', async () => {
    const user = await enrolledUser(h);
    const again = await reveal(h, user.token, user.revealToken);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.deepEqual(again.body.backupCodes.codes, user.codes);
    assert.equal(again.body.backupCodes.setId, user.setId);
    assert.equal(again.headers['cache-control'], 'no-store');

    // Another account's session opens nothing with it.
    const other = await enrolledUser(h);
    const foreign = await reveal(h, other.token, user.revealToken);
    assert.equal(foreign.status, 410);
    const wrongToken = await reveal(h, user.token, 'x'.repeat(43));
    assert.equal(wrongToken.status, 410);

    // Acknowledged: closed for good.
    const ack = await h.call('POST', '/v1/me/backup-codes/acknowledge', {
      token: other.token,
      body: { revealToken: other.revealToken },
    });
    assert.equal(ack.status, 204);
    const closed = await reveal(h, other.token, other.revealToken);
    assert.equal(closed.status, 410);

    await h.clock.advance(REVEAL_WINDOW_MS / 1000);
    const late = await reveal(h, user.token, user.revealToken);
    assert.equal(late.status, 410, JSON.stringify(late.body));
    assert.equal(late.body.code, 'reveal_closed');
  });
});
