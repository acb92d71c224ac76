// Accounts, login, logout, session expiry, login history, audit, cookies and CSRF.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { challengeFor, codeFor, enrolledUser, PASSWORD, signUpAndLogin, uniqueEmail } from '../support/flows.ts';
import { describeOnEachDatabase, type Reply } from '../support/harness.ts';

function assertProblem(reply: Reply, status: number, code: string): void {
  assert.equal(reply.status, status, JSON.stringify(reply.body));
  assert.match(String(reply.headers['content-type']), /^application\/problem\+json/);
  assert.equal(reply.body.code, code);
  assert.equal(reply.body.status, status);
  assert.equal(typeof reply.body.title, 'string');
  assert.equal(typeof reply.body.detail, 'string');
  assert.equal(typeof reply.body.type, 'string');
}

function cookies(reply: Reply): Map<string, string> {
  const header = reply.headers['set-cookie'];
  const list = Array.isArray(header) ? header : header ? [String(header)] : [];
  return new Map(list.map((c: string) => [c.slice(0, c.indexOf('=')), c]));
}

const cookieValue = (setCookie: string) => setCookie.slice(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));

describeOnEachDatabase('accounts and sessions', (h) => {
  test('create an account; the same email again (any case) is 409 email_taken', async () => {
    const email = uniqueEmail('Create');
    const created = await h.call('POST', '/v1/accounts', { body: { email, password: PASSWORD } });
    assert.equal(created.status, 201);
    assert.equal(created.body.email, email.toLowerCase());
    assert.equal(typeof created.body.accountId, 'string');
    for (const variant of [email, email.toUpperCase(), ` ${email.toLowerCase()} `]) {
      const again = await h.call('POST', '/v1/accounts', { body: { email: variant, password: `${PASSWORD}!` } });
      assertProblem(again, 409, 'email_taken');
    }
    // The original password still works: the duplicate did not overwrite anything.
    const login = await h.call('POST', '/v1/sessions', { body: { email: email.toUpperCase(), password: PASSWORD } });
    assert.equal(login.body.status, 'authenticated');
  });

  test('a weak password is 400 weak_password', async () => {
    for (const password of ['short', '123456789', 'a'.repeat(1025), 'aaaaaaaaaaaa']) {
      const reply = await h.call('POST', '/v1/accounts', { body: { email: uniqueEmail(), password } });
      assertProblem(reply, 400, 'weak_password');
    }
    const email = uniqueEmail();
    assertProblem(await h.call('POST', '/v1/accounts', { body: { email, password: email } }), 400, 'weak_password');
  });

  test('unknown email and wrong password get the identical 401 invalid_credentials', async () => {
    const user = await signUpAndLogin(h);
    const unknown = await h.call('POST', '/v1/sessions', {
      body: { email: uniqueEmail('nobody'), password: PASSWORD },
    });
    const wrong = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: `${PASSWORD}x` } });
    const malformed = await h.call('POST', '/v1/sessions', { body: { email: 'not-an-email', password: PASSWORD } });
    assertProblem(unknown, 401, 'invalid_credentials');
    assert.deepEqual(wrong.body, unknown.body);
    assert.deepEqual(malformed.body, unknown.body);
    assert.deepEqual(Object.keys(wrong.headers).sort(), Object.keys(unknown.headers).sort());
    // The password is checked whole: no truncation, no case folding.
    const caseFlipped = await h.call('POST', '/v1/sessions', {
      body: { email: user.email, password: PASSWORD.toUpperCase() },
    });
    assertProblem(caseFlipped, 401, 'invalid_credentials');
  });

  test('logout: DELETE /v1/sessions/current is 204, then the token is 401', async () => {
    const user = await signUpAndLogin(h);
    assert.equal((await h.call('GET', '/v1/me/security', { token: user.token })).status, 200);
    const other = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } });
    const out = await h.call('DELETE', '/v1/sessions/current', { token: user.token });
    assert.equal(out.status, 204);
    assertProblem(await h.call('GET', '/v1/me/security', { token: user.token }), 401, 'unauthenticated');
    assertProblem(await h.call('DELETE', '/v1/sessions/current', { token: user.token }), 401, 'unauthenticated');
    // Only that session ends.
    assert.equal((await h.call('GET', '/v1/me/security', { token: other.body.token })).status, 200);
  });

  test('a session expires after LATCHKEY_SESSION_TTL_MINUTES (default 720)', async () => {
    const user = await signUpAndLogin(h);
    const login = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } });
    const expiresAt = Date.parse(login.body.expiresAt);
    assert.equal(expiresAt - h.clock.now().getTime() <= 720 * 60_000, true);
    assert.ok(expiresAt - h.clock.now().getTime() > 719 * 60_000);
    // Used every 50 minutes (under the idle limit) it lives to its absolute end, and no further.
    for (let elapsed = 0; elapsed + 50 <= 719; elapsed += 50) {
      await h.clock.advance(50 * 60);
      assert.equal((await h.call('GET', '/v1/me/security', { token: login.body.token })).status, 200);
    }
    await h.clock.advance((719 - 700) * 60);
    assert.equal((await h.call('GET', '/v1/me/security', { token: login.body.token })).status, 200);
    await h.clock.advance(61);
    assertProblem(await h.call('GET', '/v1/me/security', { token: login.body.token }), 401, 'unauthenticated');
  });

  test('use keeps a session alive; an hour without use ends it (NIST SP 800-63B-4 §2.2.3)', async () => {
    const user = await signUpAndLogin(h);
    for (let round = 0; round < 3; round += 1) {
      await h.clock.advance(50 * 60);
      assert.equal((await h.call('GET', '/v1/me/security', { token: user.token })).status, 200);
    }
    await h.clock.advance(61 * 60);
    assertProblem(await h.call('GET', '/v1/me/security', { token: user.token }), 401, 'unauthenticated');
  });

  test('no token, a junk token and a challenge are all 401 on authenticated calls', async () => {
    assertProblem(await h.call('GET', '/v1/me/security'), 401, 'unauthenticated');
    assertProblem(await h.call('GET', '/v1/me/security', { token: 'x'.repeat(43) }), 401, 'unauthenticated');
    assertProblem(
      await h.call('GET', '/v1/me/security', { headers: { authorization: 'Basic Zm9vOmJhcg==' } }),
      401,
      'unauthenticated',
    );
    const user = await enrolledUser(h);
    const challenge = await challengeFor(h, user.email);
    assertProblem(await h.call('GET', '/v1/me/security', { token: challenge }), 401, 'unauthenticated');
    assertProblem(await h.call('POST', '/v1/me/totp/setup', { token: challenge, body: {} }), 401, 'unauthenticated');
  });

  test('every login attempt is recorded in login history (result, factor, IP, user agent, time)', async () => {
    const user = await enrolledUser(h);
    const headers = { 'user-agent': 'HistoryTest/1.0' };
    await h.call('POST', '/v1/sessions', { body: { email: user.email, password: 'wrong password!' }, headers });
    const login = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD }, headers });
    const challenge = login.body.challenge as string;
    const right = codeFor(h, user.secret);
    const wrong = right === '000000' ? '111111' : '000000';
    await h.call('POST', '/v1/sessions/verify', { body: { challenge, method: 'totp', code: wrong }, headers });
    const ok = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge, method: 'totp', code: right },
      headers,
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const rows = await h.ctx.storage.db
      .selectFrom('login_events')
      .selectAll()
      .where('account_id', '=', user.accountId)
      .where('user_agent', '=', 'HistoryTest/1.0')
      .orderBy('id')
      .execute();
    assert.deepEqual(
      rows.map((r) => [r.result, r.factor]),
      [
        ['invalid_credentials', 'password'],
        ['password_ok', 'password'],
        ['second_factor_failed', 'totp'],
        ['success', 'totp'],
      ],
    );
    for (const row of rows) {
      assert.equal(row.ip, '127.0.0.1');
      assert.ok(!Number.isNaN(Date.parse(row.at)));
    }
    // Unknown emails are recorded too, without an account.
    const unknownEmail = uniqueEmail('ghost');
    await h.call('POST', '/v1/sessions', { body: { email: unknownEmail, password: PASSWORD }, headers });
    const ghost = await h.ctx.storage.db
      .selectFrom('login_events')
      .selectAll()
      .where('account_id', 'is', null)
      .where('user_agent', '=', 'HistoryTest/1.0')
      .execute();
    assert.ok(ghost.length >= 1);
  });

  test('security events are written to the audit log', async () => {
    const user = await enrolledUser(h);
    const challenge = await challengeFor(h, user.email);
    const right = codeFor(h, user.secret);
    await h.call('POST', '/v1/sessions/verify', {
      body: { challenge, method: 'totp', code: right === '000000' ? '111111' : '000000' },
    });
    const rows = await h.ctx.storage.db
      .selectFrom('audit_log')
      .selectAll()
      .where('account_id', '=', user.accountId)
      .orderBy('id')
      .execute();
    assert.deepEqual(
      rows.map((r) => r.event),
      ['account_created', 'authenticator_bound', 'second_factor_failed'],
    );
    for (const row of rows) {
      assert.ok(!Number.isNaN(Date.parse(row.at)));
      assert.doesNotThrow(() => JSON.parse(row.details));
    }
  });

  test('the session cookie is HttpOnly and SameSite=Strict; cookie-authenticated writes need X-CSRF-Token', async () => {
    const user = await signUpAndLogin(h);
    const login = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } });
    const set = cookies(login);
    const session = set.get('latchkey_session');
    const csrf = set.get('latchkey_csrf');
    assert.ok(session && csrf, JSON.stringify([...set.keys()]));
    assert.match(session, /;\s*HttpOnly/i);
    assert.match(session, /;\s*SameSite=Strict/i);
    assert.match(session, /;\s*Path=\//i);
    assert.doesNotMatch(csrf, /HttpOnly/i, 'the page must be able to read the CSRF cookie');
    assert.equal(cookieValue(session), login.body.token);
    const cookie = `latchkey_session=${cookieValue(session)}; latchkey_csrf=${cookieValue(csrf)}`;

    // Reads work with the cookie alone.
    assert.equal((await h.call('GET', '/v1/me/security', { headers: { cookie } })).status, 200);
    // Writes without the header, or with a wrong one, are refused.
    assertProblem(await h.call('POST', '/v1/me/totp/setup', { headers: { cookie }, body: {} }), 403, 'csrf_failed');
    assertProblem(
      await h.call('POST', '/v1/me/totp/setup', { headers: { cookie, 'x-csrf-token': 'forged' }, body: {} }),
      403,
      'csrf_failed',
    );
    assertProblem(await h.call('DELETE', '/v1/sessions/current', { headers: { cookie } }), 403, 'csrf_failed');
    // Another session's CSRF token does not fit this session.
    const other = cookies(await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } }));
    assertProblem(
      await h.call('POST', '/v1/me/totp/setup', {
        headers: { cookie, 'x-csrf-token': cookieValue(other.get('latchkey_csrf') as string) },
        body: {},
      }),
      403,
      'csrf_failed',
    );
    // With the token, the write works.
    const setup = await h.call('POST', '/v1/me/totp/setup', {
      headers: { cookie, 'x-csrf-token': cookieValue(csrf) },
      body: {},
    });
    assert.equal(setup.status, 200, JSON.stringify(setup.body));
    const out = await h.call('DELETE', '/v1/sessions/current', {
      headers: { cookie, 'x-csrf-token': cookieValue(csrf) },
    });
    assert.equal(out.status, 204);
    assert.equal((await h.call('GET', '/v1/me/security', { headers: { cookie } })).status, 401);
  });

  test('the second-factor login sets the cookie too; the password step alone does not', async () => {
    const user = await enrolledUser(h);
    const login = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } });
    assert.equal(cookies(login).has('latchkey_session'), false);
    const verify = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: login.body.challenge, method: 'totp', code: codeFor(h, user.secret) },
    });
    assert.equal(verify.status, 200);
    assert.equal(cookieValue(cookies(verify).get('latchkey_session') ?? ''), verify.body.token);
  });
});
