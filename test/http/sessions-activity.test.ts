// Issue 12 §4–5: the owner's sessions (list, sign out one, sign out everywhere
// else), the sign-in activity, and the new-browser sign-in alert.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KNOWN_BROWSER_COOKIE_DAYS } from '../../src/domain/policy.ts';
import {
  auditDetails,
  challengeFor,
  codeFor,
  deviceCookieOf,
  enrolledUser,
  PASSWORD,
  randomIp,
  signUpAndLogin,
  uniqueEmail,
} from '../support/flows.ts';
import { describeOnEachDatabase, type Harness } from '../support/harness.ts';

const WINDOWS_CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';

/** A password-only sign-in from a browser with this user agent. */
async function signInFrom(h: Harness, email: string, userAgent: string): Promise<string> {
  const login = await h.call('POST', '/v1/sessions', {
    body: { email, password: PASSWORD },
    headers: { 'user-agent': userAgent },
  });
  assert.equal(login.body.status, 'authenticated', JSON.stringify(login.body));
  return login.body.token;
}

const revocationAudits = (h: Harness, accountId: string) => auditDetails(h, accountId, 'sessions_revoked');

describeOnEachDatabase('own sessions and sign-in activity', (h) => {
  test('lists the current and the other session, with the browser in words', async () => {
    const user = await signUpAndLogin(h);
    const phone = await signInFrom(h, user.email, IPHONE_SAFARI);
    const desk = await signInFrom(h, user.email, WINDOWS_CHROME);
    const list = await h.call('GET', '/v1/me/sessions', { token: desk });
    assert.equal(list.status, 200, JSON.stringify(list.body));
    const sessions: Array<{ sessionId: string; current: boolean; browser: string; ip: string | null }> =
      list.body.sessions;
    assert.equal(sessions.length, 3);
    assert.deepEqual(
      sessions.filter((s) => s.current).map((s) => s.browser),
      ['Chrome 120 on Windows 10'],
    );
    assert.ok(sessions.some((s) => !s.current && s.browser === 'Safari on iPhone (iOS 17)'));
    const fromPhone = await h.call('GET', '/v1/me/sessions', { token: phone });
    assert.deepEqual(
      fromPhone.body.sessions.filter((s: { current: boolean }) => s.current).map((s: { browser: string }) => s.browser),
      ['Safari on iPhone (iOS 17)'],
    );
    for (const s of sessions) assert.equal(typeof s.ip, 'string');
  });

  test('signing out another session kills its token; the current one keeps working', async () => {
    const user = await signUpAndLogin(h);
    const other = await signInFrom(h, user.email, IPHONE_SAFARI);
    const list = await h.call('GET', '/v1/me/sessions', { token: user.token });
    const otherId = list.body.sessions.find(
      (s: { current: boolean }) => !s.current && list.body.sessions.length === 2,
    )?.sessionId;
    assert.ok(otherId, JSON.stringify(list.body));
    const gone = await h.call('DELETE', `/v1/me/sessions/${otherId}`, { token: user.token });
    assert.equal(gone.status, 204, JSON.stringify(gone.body));
    assert.equal((await h.call('GET', '/v1/me/security', { token: other })).status, 401);
    assert.equal((await h.call('GET', '/v1/me/security', { token: user.token })).status, 200);
    const again = await h.call('DELETE', `/v1/me/sessions/${otherId}`, { token: user.token });
    assert.equal(again.status, 404, 'a session already signed out is not found');
    const after = await h.call('GET', '/v1/me/sessions', { token: user.token });
    assert.equal(after.body.sessions.length, 1);
    assert.equal(after.body.sessions[0].current, true);
  });

  test("someone else's session or an unknown id is 404 and changes nothing; a malformed id is 400", async () => {
    const mine = await signUpAndLogin(h);
    const theirs = await signUpAndLogin(h);
    const theirId = (await h.call('GET', '/v1/me/sessions', { token: theirs.token })).body.sessions[0].sessionId;
    const refused = await h.call('DELETE', `/v1/me/sessions/${theirId}`, { token: mine.token });
    assert.equal(refused.status, 404, JSON.stringify(refused.body));
    assert.equal(refused.body.code, 'not_found');
    assert.equal((await h.call('GET', '/v1/me/security', { token: theirs.token })).status, 200);
    const unknown = await h.call('DELETE', '/v1/me/sessions/no-such-session', { token: mine.token });
    assert.equal(unknown.status, 404);
    const malformed = await h.call('DELETE', `/v1/me/sessions/${encodeURIComponent('x y;')}`, { token: mine.token });
    assert.equal(malformed.status, 400, JSON.stringify(malformed.body));
    assert.equal(malformed.body.code, 'invalid_request');
    const tooLong = await h.call('DELETE', `/v1/me/sessions/${'a'.repeat(65)}`, { token: mine.token });
    assert.equal(tooLong.status, 400);
  });

  test('sign out everywhere else: every other session ends, audited and sent to webhooks', async () => {
    const user = await signUpAndLogin(h);
    const others = [await signInFrom(h, user.email, IPHONE_SAFARI), await signInFrom(h, user.email, WINDOWS_CHROME)];
    const done = await h.call('POST', '/v1/me/sessions/revoke-others', { token: user.token, body: {} });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.deepEqual(done.body, { revoked: 2 });
    for (const token of others) assert.equal((await h.call('GET', '/v1/me/security', { token })).status, 401);
    assert.equal((await h.call('GET', '/v1/me/security', { token: user.token })).status, 200);
    const none = await h.call('POST', '/v1/me/sessions/revoke-others', { token: user.token, body: {} });
    assert.deepEqual(none.body, { revoked: 0 });
    assert.deepEqual(await revocationAudits(h, user.accountId), [{ scope: 'others', count: 2 }]);
    const { webhookEventsFor } = await import('../../src/webhooks/events.ts');
    assert.deepEqual(webhookEventsFor({ event: 'sessions_revoked', details: { scope: 'others', count: 2 } }), [
      { type: 'sessions.revoked', data: { scope: 'others', count: 2 } },
    ]);
  });

  test('two racing sign-outs of one session: one 204, one 404, one audit entry', async () => {
    const user = await signUpAndLogin(h);
    await signInFrom(h, user.email, IPHONE_SAFARI);
    const list = await h.call('GET', '/v1/me/sessions', { token: user.token });
    const otherId = list.body.sessions.find((s: { current: boolean }) => !s.current).sessionId;
    const answers = await Promise.all(
      [1, 2].map(() => h.call('DELETE', `/v1/me/sessions/${otherId}`, { token: user.token })),
    );
    assert.deepEqual(answers.map((a) => a.status).sort(), [204, 404]);
    assert.equal((await revocationAudits(h, user.accountId)).length, 1);
  });

  test('signing out the current session by id is a logout', async () => {
    const user = await signUpAndLogin(h);
    const id = (await h.call('GET', '/v1/me/sessions', { token: user.token })).body.sessions[0].sessionId;
    assert.equal((await h.call('DELETE', `/v1/me/sessions/${id}`, { token: user.token })).status, 204);
    assert.equal((await h.call('GET', '/v1/me/sessions', { token: user.token })).status, 401);
  });

  test('activity lists a failed and a successful sign-in, newest first, with the factor and the browser', async () => {
    const user = await enrolledUser(h);
    const wrong = await h.call('POST', '/v1/sessions', {
      body: { email: user.email, password: 'not the password at all' },
      headers: { 'user-agent': IPHONE_SAFARI },
    });
    assert.equal(wrong.status, 401);
    await h.clock.advance(1);
    const challenge = await challengeFor(h, user.email);
    await h.clock.advance(1);
    const verified = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge, method: 'totp', code: codeFor(h, user.secret) },
      headers: { 'user-agent': WINDOWS_CHROME },
    });
    assert.equal(verified.status, 200, JSON.stringify(verified.body));
    const activity = await h.call('GET', '/v1/me/activity', { token: verified.body.token });
    assert.equal(activity.status, 200, JSON.stringify(activity.body));
    const events: Array<{ at: string; kind: string; result: string; factor: string; browser: string }> =
      activity.body.events;
    assert.deepEqual(
      events.slice(0, 3).map((e) => [e.kind, e.result, e.factor]),
      [
        ['second_factor', 'success', 'totp'],
        ['password', 'password_ok', 'password'],
        ['password', 'invalid_credentials', 'password'],
      ],
    );
    assert.equal(events[0]?.browser, 'Chrome 120 on Windows 10');
    assert.equal(events[2]?.browser, 'Safari on iPhone (iOS 17)');
    const times = events.map((e) => e.at);
    assert.deepEqual([...times].sort().reverse(), times, 'newest first');
  });

  test('activity is bounded: only the last 90 days and at most 50 events', async () => {
    const { ACTIVITY_EVENTS_SHOWN, ACTIVITY_WINDOW_MS } = await import('../../src/domain/policy.ts');
    const user = await signUpAndLogin(h);
    const now = h.clock.now().getTime();
    const event = (at: number) => ({
      account_id: user.accountId,
      result: 'invalid_credentials' as const,
      factor: 'password',
      ip: '192.0.2.1',
      user_agent: null,
      at: new Date(at).toISOString(),
    });
    const old = event(now - ACTIVITY_WINDOW_MS - 60_000);
    await h.ctx.storage.db.insertInto('login_events').values(old).execute();
    const before = (await h.call('GET', '/v1/me/activity', { token: user.token })).body.events;
    assert.ok(!before.some((e: { at: string }) => e.at === old.at), 'older than the window');
    assert.equal(before.length, 1, 'the sign-up sign-in only');
    // The password throttle stops real wrong passwords long before 50: write the history as it would be.
    const many = Array.from({ length: ACTIVITY_EVENTS_SHOWN + 5 }, (_, i) => event(now - (i + 1) * 60_000));
    await h.ctx.storage.db.insertInto('login_events').values(many).execute();
    const after = (await h.call('GET', '/v1/me/activity', { token: user.token })).body.events;
    assert.equal(after.length, ACTIVITY_EVENTS_SHOWN);
    assert.equal(after[0].result, 'success', 'the newest first');
  });

  test("another account's sign-ins never show", async () => {
    const a = await signUpAndLogin(h);
    const b = await signUpAndLogin(h);
    await h.call('POST', '/v1/sessions', { body: { email: b.email, password: 'wrong password here' } });
    const events = (await h.call('GET', '/v1/me/activity', { token: a.token })).body.events;
    assert.equal(events.length, 1);
  });
});

const ALERT = 'New sign-in to your account';

async function alerts(h: Harness, email: string): Promise<Array<{ subject: string; body: string }>> {
  const outbox = await h.call('GET', '/v1/test/outbox');
  return outbox.body.messages.filter((m: { to: string; subject: string }) => m.to === email && m.subject === ALERT);
}

describeOnEachDatabase('new-browser sign-in alert', { frozenClock: true }, (h) => {
  test('the browser that signed up is known: its first sign-in raises no alarm', async () => {
    const email = uniqueEmail();
    const created = await h.call('POST', '/v1/accounts', {
      body: { email, password: PASSWORD },
      headers: { 'user-agent': WINDOWS_CHROME },
    });
    assert.equal(created.status, 201);
    const cookie = deviceCookieOf(created);
    const login = await h.call('POST', '/v1/sessions', {
      body: { email, password: PASSWORD },
      headers: { cookie, 'user-agent': WINDOWS_CHROME },
    });
    assert.equal(login.body.status, 'authenticated');
    assert.equal(deviceCookieOf(login), cookie, 'the same cookie, renewed');
    assert.deepEqual(await alerts(h, email), []);
  });

  test('a new browser gets the alert (time, browser and system in words, IP); the same browser again does not', async () => {
    const user = await signUpAndLogin(h);
    h.clock.set(new Date('2026-11-30T03:40:12Z'));
    const fresh = await h.app.inject({
      method: 'POST',
      url: '/v1/sessions',
      remoteAddress: '203.0.113.9',
      headers: { 'user-agent': IPHONE_SAFARI },
      payload: { email: user.email, password: PASSWORD },
    });
    assert.equal(fresh.json().status, 'authenticated');
    const sent = await alerts(h, user.email);
    assert.equal(sent.length, 1, JSON.stringify(sent));
    const body = sent[0]?.body ?? '';
    assert.match(body, /Safari on iPhone \(iOS 17\)/);
    assert.match(body, /203\.0\.113\.9/);
    assert.match(body, /Monday, 30 November 2026 at 03:40 UTC/);
    assert.doesNotMatch(body, /Mozilla|T03:40/, 'words, not the raw user agent or an ISO time');
    // The "this wasn't me" link of every security email (notifications.ts) freezes the account.
    const token = /\/freeze#token=([A-Za-z0-9_-]+)/.exec(body)?.[1];
    assert.ok(token, body);
    const cookie = fresh.cookies.find((c) => c.name === 'latchkey_device');
    assert.ok(cookie?.httpOnly, 'HttpOnly');
    assert.equal(cookie?.sameSite, 'Lax');
    assert.ok((cookie?.maxAge ?? 0) > 300 * 24 * 3600, 'long-lived');
    const again = await h.call('POST', '/v1/sessions', {
      body: { email: user.email, password: PASSWORD },
      headers: { cookie: `latchkey_device=${cookie?.value}`, 'user-agent': WINDOWS_CHROME },
    });
    assert.equal(again.body.status, 'authenticated');
    assert.equal((await alerts(h, user.email)).length, 1, 'a known browser, whatever its user agent says');
    const frozen = await h.call('POST', '/v1/account-freezes', { body: { token } });
    assert.equal(frozen.status, 200, JSON.stringify(frozen.body));
    assert.deepEqual(frozen.body, { frozen: true });
    assert.equal((await h.call('GET', '/v1/me/sessions', { token: again.body.token })).status, 401, 'signed out');
    const refused = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } });
    assert.equal(refused.status, 423);
  });

  test('the same user agent without the cookie is a new browser: a user agent is no identity', async () => {
    const email = uniqueEmail();
    const created = await h.call('POST', '/v1/accounts', {
      body: { email, password: PASSWORD },
      headers: { 'user-agent': WINDOWS_CHROME },
    });
    assert.equal(created.status, 201);
    await h.call('POST', '/v1/sessions', {
      body: { email, password: PASSWORD },
      headers: { 'user-agent': WINDOWS_CHROME },
    });
    assert.equal((await alerts(h, email)).length, 1);
  });

  test('the second-factor step alerts once it succeeds, not at the password or on a wrong code', async () => {
    const user = await enrolledUser(h);
    const challenge = await challengeFor(h, user.email);
    const wrong = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge, method: 'totp', code: codeFor(h, user.secret) === '000000' ? '111111' : '000000' },
    });
    assert.equal(wrong.status, 401);
    assert.equal((await alerts(h, user.email)).length, 0);
    const right = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge, method: 'totp', code: codeFor(h, user.secret) },
    });
    assert.equal(right.status, 200, JSON.stringify(right.body));
    assert.equal((await alerts(h, user.email)).length, 1);
    const known = deviceCookieOf(right);
    await h.clock.advance(30);
    const next = await h.call('POST', '/v1/sessions', {
      body: { email: user.email, password: PASSWORD },
      headers: { cookie: known },
    });
    const verified = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: next.body.challenge, method: 'totp', code: codeFor(h, user.secret) },
      headers: { cookie: known },
    });
    assert.equal(verified.status, 200, JSON.stringify(verified.body));
    assert.equal((await alerts(h, user.email)).length, 1, 'known now');
  });

  test('racing sign-ins from one new browser alert once', async () => {
    const user = await signUpAndLogin(h);
    const cookie = 'latchkey_device=raceraceraceraceraceracerace';
    const logins = await Promise.all(
      Array.from({ length: 4 }, () =>
        h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD }, headers: { cookie } }),
      ),
    );
    assert.deepEqual(
      logins.map((l) => l.body.status),
      ['authenticated', 'authenticated', 'authenticated', 'authenticated'],
    );
    assert.equal((await alerts(h, user.email)).length, 1);
  });

  test('a device cookie of one account is new to another', async () => {
    const a = await h.call('POST', '/v1/accounts', { body: { email: uniqueEmail(), password: PASSWORD } });
    const cookie = deviceCookieOf(a);
    const other = await signUpAndLogin(h);
    await h.call('POST', '/v1/sessions', { body: { email: other.email, password: PASSWORD }, headers: { cookie } });
    assert.equal((await alerts(h, other.email)).length, 1);
    const rows = await h.ctx.storage.db.selectFrom('known_browsers').selectAll().execute();
    assert.ok(
      rows.every((r) => !r.browser_hash.includes(cookie.split('=')[1] ?? '-')),
      'only hashes are stored',
    );
  });
});

describeOnEachDatabase('known browsers are forgotten', { frozenClock: true }, (h) => {
  const DAY = 86_400;
  /** Moves the test clock over HTTP, which runs the periodic jobs (the retention job among them). */
  const advance = async (seconds: number) =>
    assert.equal((await h.call('POST', '/v1/test/clock', { body: { advanceSeconds: seconds } })).status, 200);
  const signIn = async (email: string, cookie?: string) => {
    const login = await h.call('POST', '/v1/sessions', {
      body: { email, password: PASSWORD },
      ...(cookie ? { headers: { cookie } } : {}),
    });
    assert.equal(login.body.status, 'authenticated', JSON.stringify(login.body));
    return deviceCookieOf(login);
  };
  const lastSeen = async (accountId: string) =>
    (
      await h.ctx.storage.db
        .selectFrom('known_browsers')
        .select(['first_seen_at', 'last_seen_at'])
        .where('account_id', '=', accountId)
        .orderBy('first_seen_at')
        .execute()
    ).map((row) => row.last_seen_at);

  test('a sighting is recorded once a day; a browser unseen for as long as its cookie lives is forgotten', async () => {
    h.clock.set(new Date('2026-03-02T08:00:00Z'));
    const email = uniqueEmail();
    const created = await h.call('POST', '/v1/accounts', { body: { email, password: PASSWORD } });
    assert.equal(created.status, 201);
    const accountId = created.body.accountId as string;
    const desk = deviceCookieOf(created);
    const signedUpAt = h.clock.now().toISOString();
    await h.clock.advance(60);
    const phone = await signIn(email);
    const phoneFirstSeen = h.clock.now().toISOString();
    assert.equal((await alerts(h, email)).length, 1);
    assert.deepEqual(await lastSeen(accountId), [signedUpAt, phoneFirstSeen]);

    // The same day again: known, and nothing written.
    await h.clock.advance(3600);
    await signIn(email, desk);
    assert.deepEqual(await lastSeen(accountId), [signedUpAt, phoneFirstSeen]);
    // The next day: the sighting is recorded, and an update is no new browser.
    await h.clock.advance(DAY);
    await signIn(email, desk);
    const deskSeen = h.clock.now().toISOString();
    assert.deepEqual(await lastSeen(accountId), [deskSeen, phoneFirstSeen]);
    assert.equal((await alerts(h, email)).length, 1, 'a known browser raises no alert');

    // The phone, not seen since its first sign-in, is kept until its cookie is
    // surely gone (a day more than it lives); the desk, seen since, stays.
    const phoneAge = () => (h.clock.now().getTime() - Date.parse(phoneFirstSeen)) / 1000;
    await advance((KNOWN_BROWSER_COOKIE_DAYS + 1) * DAY - phoneAge() - 60);
    assert.deepEqual(await lastSeen(accountId), [deskSeen, phoneFirstSeen]);
    await advance(120);
    assert.deepEqual(await lastSeen(accountId), [deskSeen]);

    // Forgotten, it is a new browser again; the desk is still known.
    await signIn(email, phone);
    assert.equal((await alerts(h, email)).length, 2);
    await signIn(email, desk);
    assert.equal((await alerts(h, email)).length, 2);
    await advance((KNOWN_BROWSER_COOKIE_DAYS + 2) * DAY);
    assert.deepEqual(await lastSeen(accountId), [], 'neither seen since');
  });
});

// Ending every session of an account (no session kept) forgets its browsers
// (revokeAccountSessions): an attacker's browser must not stay known after the
// owner's "this wasn't me". Keeping the caller's session keeps them.
describeOnEachDatabase('known browsers when the sessions end', { frozenClock: true }, (h) => {
  const NEW_PASSWORD = 'lantern otter marmalade 41';
  const signUp = async () => {
    const email = uniqueEmail();
    const created = await h.call('POST', '/v1/accounts', { body: { email, password: PASSWORD } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return { email, accountId: created.body.accountId as string, cookie: deviceCookieOf(created) };
  };
  const signIn = async (email: string, cookie: string, password = PASSWORD): Promise<string> => {
    const login = await h.call('POST', '/v1/sessions', { body: { email, password }, headers: { cookie } });
    assert.equal(login.body.status, 'authenticated', JSON.stringify(login.body));
    return login.body.token;
  };
  const knownBrowsers = async (accountId: string) =>
    (
      await h.ctx.storage.db
        .selectFrom('known_browsers')
        .select('account_id')
        .where('account_id', '=', accountId)
        .execute()
    ).length;

  test('the freeze forgets the browsers of the account, and only of it', async () => {
    const user = await signUp();
    const other = await signUp();
    const token = await signIn(user.email, user.cookie);
    assert.equal(await knownBrowsers(user.accountId), 1);
    const frozen = await h.call('POST', '/v1/account-freezes', { body: {}, token });
    assert.equal(frozen.status, 200, JSON.stringify(frozen.body));
    assert.equal(await knownBrowsers(user.accountId), 0, 'the attacker’s browser is no longer known');
    assert.equal(await knownBrowsers(other.accountId), 1);
  });

  test('a reset by email link forgets them: the same browser’s next sign-in is announced', async () => {
    const user = await signUp();
    await signIn(user.email, user.cookie);
    assert.equal((await alerts(h, user.email)).length, 0);
    const asked = await h.app.inject({
      method: 'POST',
      url: '/v1/password-resets',
      remoteAddress: randomIp(),
      payload: { email: user.email },
    });
    assert.equal(asked.statusCode, 202);
    const outbox = await h.call('GET', '/v1/test/outbox');
    const mail = outbox.body.messages.findLast(
      (m: { to: string; subject: string }) => m.to === user.email && m.subject === 'Reset your password',
    );
    const link = /\/password-reset#token=([A-Za-z0-9_-]+)/.exec(mail?.body ?? '')?.[1];
    assert.ok(link, 'a reset link was emailed');
    const done = await h.call('POST', '/v1/password-resets/confirm', {
      body: { token: link, newPassword: NEW_PASSWORD },
    });
    assert.equal(done.status, 204, JSON.stringify(done.body));
    await signIn(user.email, user.cookie, NEW_PASSWORD);
    assert.equal((await alerts(h, user.email)).length, 1);
  });

  test('a change from the security page and "sign out everywhere else" keep them: no false alarm', async () => {
    const user = await signUp();
    const token = await signIn(user.email, user.cookie);
    const phone = 'latchkey_device=phonephonephonephonephonephone';
    await signIn(user.email, phone);
    assert.equal((await alerts(h, user.email)).length, 1);
    const changed = await h.call('POST', '/v1/me/password', {
      token,
      body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
    });
    assert.equal(changed.status, 204, JSON.stringify(changed.body));
    await signIn(user.email, user.cookie, NEW_PASSWORD);
    const others = await h.call('POST', '/v1/me/sessions/revoke-others', { token, body: {} });
    assert.deepEqual(others.body, { revoked: 1 }, 'the sign-in after the change');
    await signIn(user.email, phone, NEW_PASSWORD);
    assert.equal((await alerts(h, user.email)).length, 1, 'both browsers still known');
    assert.equal(await knownBrowsers(user.accountId), 2);
  });
});
