// The access log (src/http/access-log.ts): at the default level each request
// leaves exactly one line, with what an operator needs and none of the
// secrets the request carried; below info, none.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeFor, deviceCookieOf, enrolledUser, PASSWORD } from '../support/flows.ts';
import { describeOnEachDatabase, type Harness } from '../support/harness.ts';

// biome-ignore lint/suspicious/noExplicitAny: log lines are arbitrary JSON.
const entries = (h: Harness): any[] =>
  h.logs
    .flatMap((chunk) => chunk.split('\n'))
    .filter(Boolean)
    .map((line) => JSON.parse(line));

const accessLines = (h: Harness) => entries(h).filter((e) => e.msg === 'request');

describeOnEachDatabase('access log at info', { only: ['sqlite'], env: { LOG_LEVEL: 'info' } }, (h) => {
  test('one line per request, with method, path, status, time, address and request id, and no secret', async () => {
    const user = await enrolledUser(h);
    const firstLogin = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } });
    const device = deviceCookieOf(firstLogin);
    h.logs.length = 0;

    const login = await h.call('POST', '/v1/sessions', {
      body: { email: user.email, password: PASSWORD },
      headers: { cookie: device },
    });
    const challenge = login.body.challenge as string;
    // The challenge travels in a query string here: the path is logged without it.
    const tickets = await h.call('GET', `/v1/sessions/recovery-tickets?challenge=${challenge}`);
    assert.equal(tickets.status, 200, JSON.stringify(tickets.body));
    const code = codeFor(h, user.secret);
    const verify = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge, method: 'totp', code },
      headers: { cookie: device },
    });
    assert.equal(verify.status, 200, JSON.stringify(verify.body));
    const me = await h.call('GET', '/v1/me/security', { token: verify.body.token });
    assert.equal(me.status, 200);

    const lines = accessLines(h);
    assert.deepEqual(
      lines.map((e) => `${e.method} ${e.path} ${e.status}`),
      [
        'POST /v1/sessions 200',
        'GET /v1/sessions/recovery-tickets 200',
        'POST /v1/sessions/verify 200',
        'GET /v1/me/security 200',
      ],
    );
    for (const line of lines) {
      assert.equal(typeof line.reqId, 'string', JSON.stringify(line));
      assert.equal(typeof line.ms, 'number');
      assert.equal(line.ip, '127.0.0.1');
      assert.equal(line.level, 30);
    }
    assert.equal(new Set(lines.map((e) => e.reqId)).size, lines.length, 'one line per request');
    // Fastify's own two lines per request are gone.
    assert.deepEqual(
      entries(h).filter((e) => e.msg === 'incoming request' || e.msg === 'request completed'),
      [],
    );

    const logs = h.logs.join('');
    const secrets = {
      password: PASSWORD,
      challenge,
      'totp code': `"${code}"`,
      'session token': verify.body.token as string,
      'device cookie': device.slice(device.indexOf('=') + 1),
      secret: user.secret,
    };
    for (const [name, value] of Object.entries(secrets)) {
      assert.ok(!logs.includes(value), `the logs contain the ${name}`);
    }
  });

  test('a request that fails validation still leaves its one line', async () => {
    h.logs.length = 0;
    const reply = await h.call('POST', '/v1/sessions/verify', { body: { challenge: 'x', method: 'totp' } });
    assert.equal(reply.status, 400);
    assert.deepEqual(
      accessLines(h).map((e) => `${e.method} ${e.path} ${e.status}`),
      ['POST /v1/sessions/verify 400'],
    );
  });
});

describeOnEachDatabase('access log at warn', { only: ['sqlite'], env: { LOG_LEVEL: 'warn' } }, (h) => {
  test('no access line below info', async () => {
    const user = await enrolledUser(h);
    const login = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } });
    assert.equal(login.status, 200);
    assert.deepEqual(accessLines(h), []);
  });
});
