// Issue 5 over HTTP, on both databases: reset 2FA while the authenticator
// works ("Method 1" of the guide), the 24-hour withdrawal lock that follows,
// and withdrawals with a second factor on every request.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { emailTime } from '../../src/app/notifications.ts';
import { challengeFor, codeFor, type Enrolled, enrolledUser, PASSWORD, signUpAndLogin } from '../support/flows.ts';
import { describeOnEachDatabase, type Harness } from '../support/harness.ts';

const HOUR = 3600;
const VALID = { asset: 'BTC', amount: '0.015', address: 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh' };

async function login(h: Harness, email: string, method: 'totp' | 'backup_code', code: string) {
  return h.call('POST', '/v1/sessions/verify', { body: { challenge: await challengeFor(h, email), method, code } });
}

async function loginToken(h: Harness, email: string, method: 'totp' | 'backup_code', code: string): Promise<string> {
  const r = await login(h, email, method, code);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.token;
}

function withdraw(h: Harness, token: string, factor: { method: string; code?: string }, fields: object = VALID) {
  return h.call('POST', '/v1/withdrawals', { token, body: { ...fields, ...factor } });
}

function reset(h: Harness, token: string, body: object) {
  return h.call('POST', '/v1/me/two-factor/reset', { token, body });
}

/** Reset with a fresh TOTP code and confirm the new binding; returns the new factors and the lock's end. */
async function resetAndConfirm(h: Harness, user: { token: string; secret: string }) {
  const opened = await reset(h, user.token, { password: PASSWORD, method: 'totp', code: codeFor(h, user.secret) });
  assert.equal(opened.status, 200, JSON.stringify(opened.body));
  const before = h.clock.now().getTime();
  const confirm = await h.call('POST', '/v1/me/totp/confirm', {
    token: user.token,
    body: { setupId: opened.body.setupId, code: codeFor(h, opened.body.secret) },
  });
  assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
  const afterConfirm = h.clock.now().getTime();
  const me = await h.call('GET', '/v1/me/security', { token: user.token });
  assert.equal(me.status, 200, JSON.stringify(me.body));
  const until = new Date(me.body.withdrawalLock.until).getTime();
  // The lock starts at the confirmation (server clock), not at the reset request.
  assert.ok(
    until >= before + 24 * HOUR * 1000 && until <= afterConfirm + 24 * HOUR * 1000,
    me.body.withdrawalLock.until,
  );
  return {
    secret: opened.body.secret as string,
    codes: confirm.body.backupCodes.codes as string[],
    setId: confirm.body.backupCodes.setId as string,
    until,
  };
}

/** A code no TOTP step within ±21 steps of now produces: plainly wrong, never "out of sync". */
function wrongTotp(h: Harness, secret: string): string {
  const near = new Set(Array.from({ length: 43 }, (_, i) => codeFor(h, secret, (i - 21) * 30)));
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0');
    if (!near.has(candidate)) return candidate;
  }
}

async function auditEvents(h: Harness, accountId: string) {
  const rows = await h.ctx.storage.db
    .selectFrom('audit_log')
    .select(['event', 'details', 'at'])
    .where('account_id', '=', accountId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ event: r.event, details: JSON.parse(String(r.details)), at: r.at }));
}

describeOnEachDatabase('2FA reset and the withdrawal lock', (h) => {
  test('black box: reset → old factors work → confirm → old ones dead → 423 at 23h59m → 201 at 24h', async () => {
    const user = await enrolledUser(h);
    const otherDevice = await loginToken(h, user.email, 'totp', codeFor(h, user.secret));
    await h.clock.advance(30);

    const opened = await reset(h, user.token, { password: PASSWORD, method: 'totp', code: codeFor(h, user.secret) });
    assert.equal(opened.status, 200, JSON.stringify(opened.body));
    assert.match(opened.body.otpauthUri, /^otpauth:\/\/totp\//);
    assert.notEqual(opened.body.secret, user.secret);

    // Until the new binding is confirmed, the old factors keep working.
    await h.clock.advance(30);
    const stillTotp = await loginToken(h, user.email, 'totp', codeFor(h, user.secret));
    const stillBackup = await login(h, user.email, 'backup_code', user.codes[0] as string);
    assert.equal(stillBackup.status, 200, JSON.stringify(stillBackup.body));
    assert.equal(stillBackup.body.backupCodesRemaining, 7);
    const pendingMe = await h.call('GET', '/v1/me/security', { token: user.token });
    assert.deepEqual(pendingMe.body.withdrawalLock, { locked: false });
    assert.equal(pendingMe.body.twoFactor.backupCodes.setId, user.setId);

    await h.clock.advance(30);
    const before = h.clock.now().getTime();
    const confirm = await h.call('POST', '/v1/me/totp/confirm', {
      token: user.token,
      body: { setupId: opened.body.setupId, code: codeFor(h, opened.body.secret) },
    });
    const afterConfirm = h.clock.now().getTime();
    assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
    const fresh = confirm.body.backupCodes;
    assert.equal(fresh.codes.length, 8);
    assert.equal(new Set(fresh.codes).size, 8);
    assert.notEqual(fresh.setId, user.setId);

    // The confirming session survives; every other one is revoked.
    const me = await h.call('GET', '/v1/me/security', { token: user.token });
    assert.equal(me.status, 200);
    for (const token of [otherDevice, stillTotp, stillBackup.body.token]) {
      assert.equal((await h.call('GET', '/v1/me/security', { token })).status, 401);
    }
    assert.deepEqual(
      { ...me.body.twoFactor.backupCodes, issuedAt: undefined },
      { total: 8, remaining: 8, setId: fresh.setId, issuedAt: undefined },
    );
    const lock = me.body.withdrawalLock;
    assert.equal(lock.locked, true);
    assert.equal(lock.reason, 'two_factor_reset');
    const until = new Date(lock.until).getTime();
    assert.ok(until >= before + 24 * HOUR * 1000 && until <= afterConfirm + 24 * HOUR * 1000, lock.until);

    // Old codes and the old authenticator are dead.
    await h.clock.advance(30);
    const oldBackup = await login(h, user.email, 'backup_code', user.codes[1] as string);
    assert.equal(oldBackup.status, 401);
    assert.equal(oldBackup.body.code, 'invalid_code');
    const oldTotp = await login(h, user.email, 'totp', codeFor(h, user.secret));
    assert.equal(oldTotp.status, 401);

    // The email names the lock's end and carries no code.
    const outbox = await h.call('GET', '/v1/test/outbox');
    const resetMail = outbox.body.messages.filter(
      (m: { to: string; subject: string }) => m.to === user.email && /2FA was reset/.test(m.subject),
    );
    assert.equal(resetMail.length, 1);
    assert.match(resetMail[0].subject, /withdrawals locked/i);
    assert.ok(
      resetMail[0].body.includes(`Withdrawals are locked until ${emailTime(new Date(lock.until))}`),
      resetMail[0].body,
    );
    assert.match(resetMail[0].body, /Wasn't you\?/);
    for (const code of [...fresh.codes, ...user.codes]) assert.ok(!resetMail[0].body.includes(code));

    const audit = await auditEvents(h, user.accountId);
    const started = audit.filter((e) => e.event === 'withdrawal_lock_started');
    assert.equal(started.length, 1);
    assert.deepEqual(started[0]?.details, { until: lock.until, reason: 'two_factor_reset', cause: 'two_factor_reset' });

    // 23h59m after the confirmation: locked. At 24h: accepted.
    h.clock.set(new Date(until - 60_000));
    const token = await loginToken(h, user.email, 'backup_code', fresh.codes[0]);
    const locked = await withdraw(h, token, { method: 'totp', code: codeFor(h, opened.body.secret) });
    assert.equal(locked.status, 423, JSON.stringify(locked.body));
    assert.equal(locked.body.code, 'withdrawal_locked');
    assert.equal(locked.body.lockedUntil, lock.until);
    h.clock.set(new Date(until));
    const accepted = await withdraw(h, token, { method: 'totp', code: codeFor(h, opened.body.secret) });
    assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
    assert.equal(accepted.body.status, 'accepted');
    const unlocked = await h.call('GET', '/v1/me/security', { token });
    assert.deepEqual(unlocked.body.withdrawalLock, { locked: false });
    const list = await h.call('GET', '/v1/withdrawals', { token });
    assert.deepEqual(
      list.body.withdrawals.map((w: { withdrawalId: string }) => w.withdrawalId),
      [accepted.body.withdrawalId],
    );
  });

  test('a reset with a backup code spends it; the lock shows in the security state', async () => {
    const user = await enrolledUser(h);
    const opened = await reset(h, user.token, { password: PASSWORD, method: 'backup_code', code: user.codes[2] });
    assert.equal(opened.status, 200, JSON.stringify(opened.body));
    const me = await h.call('GET', '/v1/me/security', { token: user.token });
    assert.equal(me.body.twoFactor.backupCodes.remaining, 7);
    const again = await login(h, user.email, 'backup_code', user.codes[2] as string);
    assert.equal(again.status, 401);
  });

  test('reset is refused with the password alone, a wrong code, or a wrong password', async () => {
    const user = await enrolledUser(h);
    const alone = await reset(h, user.token, { password: PASSWORD, method: 'totp' });
    assert.equal(alone.status, 400, JSON.stringify(alone.body));
    assert.equal(alone.body.setupId, undefined);
    const noKey = await reset(h, user.token, { password: PASSWORD, method: 'webauthn', response: {} });
    assert.ok(noKey.status >= 400 && noKey.status < 500, JSON.stringify(noKey.body));
    assert.equal(noKey.body.setupId, undefined);
    const code = codeFor(h, user.secret);
    const wrongCode = await reset(h, user.token, {
      password: PASSWORD,
      method: 'totp',
      code: wrongTotp(h, user.secret),
    });
    assert.equal(wrongCode.status, 401, JSON.stringify(wrongCode.body));
    assert.equal(wrongCode.body.code, 'invalid_code');
    const wrongBackup = await reset(h, user.token, {
      password: PASSWORD,
      method: 'backup_code',
      code: user.codes.includes('123456') ? '654321' : '123456',
    });
    assert.equal(wrongBackup.status, 401);
    const wrongPassword = await reset(h, user.token, { password: `${PASSWORD}!`, method: 'totp', code });
    assert.equal(wrongPassword.status, 401, JSON.stringify(wrongPassword.body));
    assert.equal(wrongPassword.body.code, 'invalid_credentials');
    const pending = await h.ctx.storage.db
      .selectFrom('totp_bindings')
      .select('id')
      .where('account_id', '=', user.accountId)
      .where('status', '=', 'pending')
      .execute();
    assert.equal(pending.length, 0, 'a refused reset opened a binding');
    // The code the wrong password came with was not spent: the password is checked first.
    const right = await reset(h, user.token, { password: PASSWORD, method: 'totp', code });
    assert.equal(right.status, 200, JSON.stringify(right.body));
    // Without a session there is no reset at all.
    const anonymous = await h.call('POST', '/v1/me/two-factor/reset', {
      body: { password: PASSWORD, method: 'totp', code },
    });
    assert.equal(anonymous.status, 401);
  });

  test('an abandoned reset leaves the old binding working and nothing locked', async () => {
    const user = await enrolledUser(h);
    const opened = await reset(h, user.token, { password: PASSWORD, method: 'totp', code: codeFor(h, user.secret) });
    assert.equal(opened.status, 200);
    // The setup expires (15 minutes) unconfirmed.
    assert.equal((await h.call('POST', '/v1/test/clock', { body: { advanceSeconds: 16 * 60 } })).status, 200);
    const token = await loginToken(h, user.email, 'totp', codeFor(h, user.secret));
    const backup = await login(h, user.email, 'backup_code', user.codes[0] as string);
    assert.equal(backup.status, 200);
    const late = await h.call('POST', '/v1/me/totp/confirm', {
      token,
      body: { setupId: opened.body.setupId, code: codeFor(h, opened.body.secret) },
    });
    assert.equal(late.status, 410, JSON.stringify(late.body));
    const me = await h.call('GET', '/v1/me/security', { token });
    assert.equal(me.body.twoFactor.backupCodes.setId, user.setId);
    assert.deepEqual(me.body.withdrawalLock, { locked: false });
    await h.clock.advance(30);
    const w = await withdraw(h, token, { method: 'totp', code: codeFor(h, user.secret) });
    assert.equal(w.status, 201, JSON.stringify(w.body));
  });

  test('a second reset during the lock restarts it from the new confirmation', async () => {
    const user = await enrolledUser(h);
    const first = await resetAndConfirm(h, user);
    h.clock.advance(10 * HOUR);
    const token = await loginToken(h, user.email, 'totp', codeFor(h, first.secret));
    await h.clock.advance(30);
    const second = await resetAndConfirm(h, { token, secret: first.secret });
    assert.ok(second.until - first.until >= 10 * HOUR * 1000, `${second.until - first.until} ms later`);
    // After the first lock would have ended, the second still holds.
    h.clock.set(new Date(first.until + 60_000));
    const later = await loginToken(h, user.email, 'backup_code', second.codes[0] as string);
    const locked = await withdraw(h, later, { method: 'totp', code: codeFor(h, second.secret) });
    assert.equal(locked.status, 423, JSON.stringify(locked.body));
    assert.equal(new Date(locked.body.lockedUntil).getTime(), second.until);
    const starts = (await auditEvents(h, user.accountId)).filter((e) => e.event === 'withdrawal_lock_started');
    assert.equal(starts.length, 2);
    h.clock.set(new Date(second.until));
    // Hours later: the earlier session timed out idle, so sign in again.
    const fresh = await loginToken(h, user.email, 'backup_code', second.codes[1] as string);
    const ok = await withdraw(h, fresh, { method: 'totp', code: codeFor(h, second.secret) });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
  });

  describe('withdrawals', () => {
    let user: Enrolled;
    before(async () => {
      user = await enrolledUser(h);
    });

    test('403 two_factor_required without 2FA', async () => {
      const plain = await signUpAndLogin(h);
      const r = await withdraw(h, plain.token, { method: 'totp', code: '123456' });
      assert.equal(r.status, 403, JSON.stringify(r.body));
      assert.equal(r.body.code, 'two_factor_required');
      const anonymous = await h.call('POST', '/v1/withdrawals', { body: { ...VALID, method: 'totp', code: '1' } });
      assert.equal(anonymous.status, 401);
    });

    const invalid: Array<[string, object]> = [
      ['a lowercase asset', { ...VALID, asset: 'btc' }],
      ['a missing asset', { amount: VALID.amount, address: VALID.address }],
      ['an amount as a number', { ...VALID, amount: 0.015 }],
      ['a zero amount', { ...VALID, amount: '0' }],
      ['a zero decimal amount', { ...VALID, amount: '0.000' }],
      ['a negative amount', { ...VALID, amount: '-1' }],
      ['an exponent', { ...VALID, amount: '1e3' }],
      ['a bare dot', { ...VALID, amount: '.5' }],
      ['an empty amount', { ...VALID, amount: '' }],
      ['a short address', { ...VALID, address: 'abc' }],
      ['an address with spaces', { ...VALID, address: 'bc1q xy2k gdyg jrsq' }],
      ['an unknown field', { ...VALID, memo: 'hi' }],
    ];
    for (const [name, fields] of invalid) {
      test(`400 for ${name}`, async () => {
        const r = await withdraw(h, user.token, { method: 'totp', code: '000000' }, fields);
        assert.equal(r.status, 400, JSON.stringify(r.body));
        assert.equal(r.body.code, 'invalid_request');
      });
    }

    test('a wrong code is refused and records nothing', async () => {
      const r = await withdraw(h, user.token, { method: 'totp', code: wrongTotp(h, user.secret) });
      assert.equal(r.status, 401, JSON.stringify(r.body));
      assert.equal(r.body.code, 'invalid_code');
      const list = await h.call('GET', '/v1/withdrawals', { token: user.token });
      assert.deepEqual(list.body.withdrawals, []);
    });

    test('a backup code used for a withdrawal is spent', async () => {
      const code = user.codes[4] as string;
      const first = await withdraw(h, user.token, {
        method: 'backup_code',
        code: `${code.slice(0, 3)} ${code.slice(3)}`,
      });
      assert.equal(first.status, 201, JSON.stringify(first.body));
      assert.equal(first.body.backupCodesRemaining, 7);
      const again = await withdraw(h, user.token, { method: 'backup_code', code });
      assert.equal(again.status, 401);
      const asLogin = await login(h, user.email, 'backup_code', code);
      assert.equal(asLogin.status, 401);
    });

    test('the list holds only the account’s own withdrawals', async () => {
      const other = await enrolledUser(h);
      const mine = await withdraw(
        h,
        user.token,
        { method: 'totp', code: codeFor(h, user.secret) },
        {
          ...VALID,
          asset: 'ETH',
          amount: '12.5',
        },
      );
      assert.equal(mine.status, 201, JSON.stringify(mine.body));
      const theirs = await withdraw(h, other.token, { method: 'totp', code: codeFor(h, other.secret) });
      assert.equal(theirs.status, 201, JSON.stringify(theirs.body));
      const list = await h.call('GET', '/v1/withdrawals', { token: user.token });
      assert.equal(list.status, 200);
      const ids = list.body.withdrawals.map((w: { withdrawalId: string }) => w.withdrawalId);
      assert.ok(ids.includes(mine.body.withdrawalId));
      assert.ok(!ids.includes(theirs.body.withdrawalId));
      const row = list.body.withdrawals.find(
        (w: { withdrawalId: string }) => w.withdrawalId === mine.body.withdrawalId,
      );
      assert.deepEqual(
        { asset: row.asset, amount: row.amount, address: row.address, status: row.status },
        { asset: 'ETH', amount: '12.5', address: VALID.address, status: 'accepted' },
      );
      const theirList = await h.call('GET', '/v1/withdrawals', { token: other.token });
      assert.deepEqual(
        theirList.body.withdrawals.map((w: { withdrawalId: string }) => w.withdrawalId),
        [theirs.body.withdrawalId],
      );
    });
  });
});
