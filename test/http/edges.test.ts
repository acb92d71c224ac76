// Issue 15, HTTP edges: router errors and unknown methods are problems with
// the usual headers; bodies must be valid UTF-8; NUL, control, bidi and lone
// surrogate characters are refused where text enters (never a 500 on
// PostgreSQL); auth schemes are case-insensitive; readiness covers the
// database and Redis, and a Redis outage is a 503 problem; answers that carry
// secrets are never cached; cookies take the __Host- prefix over https.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openTicket, png, ticketAuth, uploadEvidence } from '../recovery/helpers.ts';
import { DIALECTS } from '../support/databases.ts';
import { enrolledUser, PASSWORD, signUpAndLogin, uniqueEmail } from '../support/flows.ts';
import { type Harness, type Reply, startHarness } from '../support/harness.ts';

function assertProblem(reply: Reply, status: number, code: string): void {
  assert.equal(reply.status, status, JSON.stringify(reply.body ?? reply.raw.toString()));
  assert.match(String(reply.headers['content-type']), /^application\/problem\+json/);
  assert.equal(reply.body.code, code);
  assert.equal(reply.body.status, status);
  assert.equal(reply.headers['x-content-type-options'], 'nosniff');
  assert.ok(reply.headers['content-security-policy'], 'security headers missing');
  assert.equal(reply.headers['cache-control'], 'no-store');
}

const raw = (h: Harness, url: string, payload: Buffer, headers: Record<string, string> = {}) =>
  h.app
    .inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json', ...headers } })
    .then((r) => ({
      status: r.statusCode,
      body: r.body ? JSON.parse(r.body) : undefined,
      headers: r.headers,
      raw: r.rawPayload,
    }));

for (const dialect of DIALECTS) {
  describe(`HTTP edges (${dialect})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(dialect);
    });
    after(() => h?.close());

    test('an over-long path parameter is a 414 problem that does not echo the path', async () => {
      const long = 'x'.repeat(150);
      const reply = await h.call('GET', `/v1/recovery/tickets/${long}`);
      assertProblem(reply, 414, 'uri_too_long');
      assert.ok(!reply.raw.toString().includes(long));
    });

    test('bad percent-encodings are 400 problems', async () => {
      for (const path of ['/v1/recovery/tickets/%zz', '/v1/recovery/tickets/%C0%AF', '/v1/me/security-keys/%E0%A4%A']) {
        const reply = await h.call('DELETE', path, { body: {} });
        assertProblem(reply, 400, 'invalid_request');
      }
    });

    test('an unknown method on a known path is 405 with Allow', async () => {
      const reply = await h.call('PUT', '/v1/me/security');
      assertProblem(reply, 405, 'http_method_not_allowed');
      assert.equal(reply.headers.allow, 'GET, HEAD');
      const tickets = await h.call('PATCH', '/v1/recovery/tickets/abc');
      assertProblem(tickets, 405, 'http_method_not_allowed');
      assert.equal(tickets.headers.allow, 'GET, HEAD');
      assertProblem(await h.call('PUT', '/v1/nowhere'), 404, 'not_found');
    });

    test('a JSON body that is not valid UTF-8 is refused, and nothing is created', async () => {
      const email = uniqueEmail('utf8');
      const body = (inner: Buffer) =>
        Buffer.concat([Buffer.from('{"email":"'), inner, Buffer.from(`${email}","password":"${PASSWORD}"}`)]);
      for (const bad of [Buffer.from([0xff, 0xfe]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xed, 0xa0, 0x80])]) {
        assertProblem(await raw(h, '/v1/accounts', body(bad)), 400, 'malformed_json');
      }
      const login = await h.call('POST', '/v1/sessions', { body: { email: `\uFFFD${email}`, password: PASSWORD } });
      assertProblem(login, 401, 'invalid_credentials');
    });

    test('NUL, control, bidi and lone-surrogate characters are refused where text enters', async () => {
      const user = await enrolledUser(h);
      const bad = ['\u0000', '\u0007', '\u0085', '\u202e', '\u2066'];
      for (const c of bad) {
        const email = `a${c}b-${Date.now()}@example.com`;
        assertProblem(
          await h.call('POST', '/v1/accounts', { body: { email, password: PASSWORD } }),
          400,
          'invalid_request',
        );
        assertProblem(
          await h.call('POST', '/v1/sessions', { body: { email, password: PASSWORD } }),
          400,
          'invalid_request',
        );
        const confirm = await h.call('POST', '/v1/me/totp/confirm', {
          token: user.token,
          body: { setupId: `x${c}y`, code: '123456' },
        });
        assertProblem(confirm, 400, 'invalid_request');
      }
      // A lone surrogate can only arrive as a JSON escape.
      const surrogate = Buffer.from(`{"email":"a\\ud800b@example.com","password":"${PASSWORD}"}`);
      assertProblem(await raw(h, '/v1/accounts', surrogate), 400, 'invalid_request');
      const nulInPath = await h.call('DELETE', '/v1/me/security-keys/a%00b', {
        token: user.token,
        body: { method: 'totp', code: '123456' },
      });
      assertProblem(nulInPath, 400, 'invalid_request');
    });

    test('an evidence file name with control or bidi characters is refused', async () => {
      const user = await enrolledUser(h);
      const ticket = await openTicket(h, user.email, 'lost_two_factor');
      for (const filename of ['scan\u202egnp.exe', 'a\u0085b.png', 'a\u0007b.png']) {
        const reply = await uploadEvidence(h, ticket, 'id_document', { ...png(), filename });
        assertProblem(reply, 400, 'invalid_request');
      }
      const fine = await uploadEvidence(h, ticket, 'id_document', { ...png(), filename: 'паспорт.png' });
      assert.equal(fine.status, 201, JSON.stringify(fine.body));
    });

    test('the Bearer and Ticket schemes are case-insensitive', async () => {
      const enrolled = await enrolledUser(h);
      const ticket = await openTicket(h, enrolled.email, 'lost_two_factor');
      for (const scheme of ['Ticket', 'ticket', 'TICKET']) {
        const [, token] = (ticketAuth(ticket.ticketToken).authorization ?? '').split(' ');
        const reply = await h.call('GET', `/v1/recovery/tickets/${ticket.ticketId}`, {
          headers: { authorization: `${scheme} ${token}` },
        });
        assert.equal(reply.status, 200, scheme);
      }
      const { token } = await signUpAndLogin(h);
      for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
        const reply = await h.call('GET', '/v1/me/security', { headers: { authorization: `${scheme} ${token}` } });
        assert.equal(reply.status, 200, scheme);
      }
      assertProblem(
        await h.call('GET', '/v1/me/security', { headers: { authorization: `Basic ${token}` } }),
        401,
        'unauthenticated',
      );
    });

    test('readiness covers the database (and Redis when configured)', async () => {
      const ready = await h.call('GET', '/readyz');
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.body, { status: 'ready', checks: { database: 'ok' } });
    });

    test('answers are never cached: codes, secrets, tokens, problems', async () => {
      const email = uniqueEmail('nostore');
      const created = await h.call('POST', '/v1/accounts', { body: { email, password: PASSWORD } });
      const login = await h.call('POST', '/v1/sessions', { body: { email, password: PASSWORD } });
      const setup = await h.call('POST', '/v1/me/totp/setup', { token: login.body.token, body: {} });
      for (const reply of [created, login, setup]) assert.equal(reply.headers['cache-control'], 'no-store');
    });
  });
}

describe('a Redis outage', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness(DIALECTS[0] ?? 'sqlite', { env: { REDIS_URL: 'redis://127.0.0.1:1' } });
  });
  after(() => h?.close());

  test('login answers a 503 problem, and readiness says which dependency is down', async () => {
    const email = uniqueEmail('redis');
    const login = await h.call('POST', '/v1/sessions', { body: { email, password: PASSWORD } });
    assertProblem(login, 503, 'service_unavailable');
    assert.ok(login.headers['retry-after']);
    const ready = await h.call('GET', '/readyz');
    assertProblem(ready, 503, 'service_unavailable');
    assert.deepEqual(ready.body.checks, { database: 'ok', redis: 'down' });
  });
});

describe('cookies over https', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness(DIALECTS[0] ?? 'sqlite', {
      env: { LATCHKEY_PUBLIC_ORIGIN: 'https://latchkey.example.com' },
    });
  });
  after(() => h?.close());

  test('take the __Host- prefix, and the prefixed cookie authenticates', async () => {
    const email = uniqueEmail('host');
    await h.call('POST', '/v1/accounts', { body: { email, password: PASSWORD } });
    const login = await h.call('POST', '/v1/sessions', { body: { email, password: PASSWORD } });
    const cookies = [login.headers['set-cookie']].flat().map(String);
    const session = cookies.find((c) => c.startsWith('__Host-latchkey_session='));
    assert.ok(session, cookies.join(' | '));
    assert.match(session, /; Path=\/; /);
    assert.match(session, /; Secure/);
    assert.doesNotMatch(session, /Domain=/i);
    assert.ok(cookies.some((c) => c.startsWith('__Host-latchkey_csrf=')));
    const cookie = session.split(';')[0] as string;
    const me = await h.call('GET', '/v1/me/security', { headers: { cookie } });
    assert.equal(me.status, 200);
  });
});
