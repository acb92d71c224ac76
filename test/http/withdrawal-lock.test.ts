// Issue 11 #11 and #12 on both databases: a withdrawal racing a reset
// confirmation never lands inside the recorded lock, and a second reset after
// the lock length was lowered never shortens a running lock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { confirmAuthenticator } from '../../src/app/confirm-authenticator.ts';
import { authenticate } from '../../src/app/sessions.ts';
import { challengeFor, codeFor, type Enrolled, enrolledUser, PASSWORD } from '../support/flows.ts';
import { describeOnEachDatabase, type Harness } from '../support/harness.ts';

const HOUR_MS = 3600_000;
const VALID = { asset: 'BTC', amount: '0.015', address: 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh' };

async function openReset(h: Harness, user: Enrolled) {
  const opened = await h.call('POST', '/v1/me/two-factor/reset', {
    token: user.token,
    body: { password: PASSWORD, method: 'totp', code: codeFor(h, user.secret) },
  });
  assert.equal(opened.status, 200, JSON.stringify(opened.body));
  return opened.body as { setupId: string; secret: string };
}

async function lockOf(h: Harness, token: string) {
  const me = await h.call('GET', '/v1/me/security', { token });
  assert.equal(me.status, 200, JSON.stringify(me.body));
  return me.body.withdrawalLock;
}

describeOnEachDatabase(
  'withdrawal lock ordering',
  // A frozen clock: codes stay valid however long the race takes, and every
  // request reads the same instant, the hardest case for "strictly before".
  { env: { LATCHKEY_WITHDRAWAL_LOCK_HOURS: '48' }, frozenClock: true },
  (h) => {
    test('withdrawals with old codes racing a reset confirmation never land inside the recorded lock', async () => {
      // One after the other: each enrolment moves the shared clock a step.
      const users: Enrolled[] = [];
      for (let i = 0; i < 3; i++) users.push(await enrolledUser(h));
      const resets = await Promise.all(users.map((user) => openReset(h, user)));
      await h.clock.advance(30);
      let accepted = 0;
      const statuses: string[] = [];
      await Promise.all(
        users.map(async (user, i) => {
          const pending = resets[i] as { setupId: string; secret: string };
          // Every old backup code and the old authenticator at once; the confirmation
          // goes out as soon as the first answer is back, into the middle of the rest.
          const withdrawals = [
            ...user.codes.map((code) => ({ method: 'backup_code', code })),
            { method: 'totp', code: codeFor(h, user.secret) },
          ].map((factor) => h.call('POST', '/v1/withdrawals', { token: user.token, body: { ...VALID, ...factor } }));
          await Promise.race(withdrawals);
          const confirm = h.call('POST', '/v1/me/totp/confirm', {
            token: user.token,
            body: { setupId: pending.setupId, code: codeFor(h, pending.secret) },
          });
          const answers = await Promise.all(withdrawals);
          const confirmed = await confirm;
          statuses.push(...answers.map((a) => `${a.status}:${a.body?.code}`));
          assert.equal(confirmed?.status, 200, JSON.stringify(confirmed?.body));
          for (const answer of answers) {
            assert.ok([201, 401, 423].includes(answer.status), JSON.stringify(answer.body));
          }
          const lock = await lockOf(h, user.token);
          assert.equal(lock.locked, true);
          const lockStart = new Date(lock.until).getTime() - 48 * HOUR_MS;
          const list = await h.call('GET', '/v1/withdrawals', { token: user.token });
          assert.equal(list.status, 200);
          accepted += list.body.withdrawals.length;
          for (const w of list.body.withdrawals as Array<{ createdAt: string }>) {
            assert.ok(
              new Date(w.createdAt).getTime() < lockStart,
              `withdrawal at ${w.createdAt} inside the lock that started ${new Date(lockStart).toISOString()}`,
            );
          }
        }),
      );
      // The race was real: some withdrawals made it in before the lock.
      assert.ok(accepted > 0, `no withdrawal was accepted, the race did not happen: ${statuses.join(' ')}`);
    });

    test('a second reset after lowering LATCHKEY_WITHDRAWAL_LOCK_HOURS keeps the running lock’s later end', async () => {
      const user = await enrolledUser(h);
      const first = await openReset(h, user);
      const confirmed = await h.call('POST', '/v1/me/totp/confirm', {
        token: user.token,
        body: { setupId: first.setupId, code: codeFor(h, first.secret) },
      });
      assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
      const longLock = await lockOf(h, user.token);
      assert.equal(longLock.reason, 'two_factor_reset');

      // The operator lowers the setting to 1 hour; the owner resets again.
      await h.clock.advance(600);
      const second = await openReset(h, { ...user, secret: first.secret });
      await h.clock.advance(30);
      const { account, session } = await authenticate(h.ctx, user.token);
      const lowered = { ...h.ctx, config: { ...h.ctx.config, withdrawalLockHours: 1 } };
      const issued = await confirmAuthenticator(lowered, account, session.id, {
        setupId: second.setupId,
        code: codeFor(h, second.secret),
      });
      assert.deepEqual(await lockOf(h, user.token), longLock);
      // Still locked 47 hours after the first confirmation, when a 1-hour lock would long be over.
      h.clock.set(new Date(new Date(longLock.until).getTime() - HOUR_MS));
      const login = await h.call('POST', '/v1/sessions/verify', {
        body: {
          challenge: await challengeFor(h, user.email),
          method: 'backup_code',
          code: issued.backupCodes.codes[0],
        },
      });
      assert.equal(login.status, 200, JSON.stringify(login.body));
      const refused = await h.call('POST', '/v1/withdrawals', {
        token: login.body.token,
        body: { ...VALID, method: 'totp', code: codeFor(h, second.secret) },
      });
      assert.equal(refused.status, 423, JSON.stringify(refused.body));
      assert.equal(refused.body.lockedUntil, longLock.until);
    });

    test('a longer lock after a shorter one moves the end out', async () => {
      const user = await enrolledUser(h);
      const first = await openReset(h, user);
      const { account, session } = await authenticate(h.ctx, user.token);
      const short = { ...h.ctx, config: { ...h.ctx.config, withdrawalLockHours: 1 } };
      await confirmAuthenticator(short, account, session.id, {
        setupId: first.setupId,
        code: codeFor(h, first.secret),
      });
      const shortLock = await lockOf(h, user.token);
      await h.clock.advance(60);
      const second = await openReset(h, { ...user, secret: first.secret });
      await h.clock.advance(30);
      const confirmed = await h.call('POST', '/v1/me/totp/confirm', {
        token: user.token,
        body: { setupId: second.setupId, code: codeFor(h, second.secret) },
      });
      assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
      const longLock = await lockOf(h, user.token);
      assert.ok(new Date(longLock.until).getTime() - new Date(shortLock.until).getTime() > 46 * HOUR_MS);
    });
  },
);
