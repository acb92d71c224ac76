// Junk at every POST route of the contract: always a 4xx problem+json with a
// `code`, never a 5xx. Routes of later issues that are not built yet answer a
// 404 problem, which passes the same check.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { before, test } from 'node:test';
import { enrolledUser } from '../support/flows.ts';
import { describeOnEachDatabase, type Reply } from '../support/harness.ts';

type Json = Record<string, unknown>;

const TOKEN = 'A'.repeat(43);
const ROUTES: Array<{ url: string; body: Json }> = [
  { url: '/v1/accounts', body: { email: 'junk@example.com', password: 'a perfectly fine password' } },
  { url: '/v1/sessions', body: { email: 'junk@example.com', password: 'a perfectly fine password' } },
  { url: '/v1/sessions/verify', body: { challenge: TOKEN, method: 'totp', code: '123456' } },
  { url: '/v1/sessions/sms', body: { challenge: TOKEN } },
  { url: '/v1/sessions/webauthn/options', body: { challenge: TOKEN } },
  { url: '/v1/me/totp/setup', body: {} },
  { url: '/v1/me/totp/confirm', body: { setupId: 'abc', code: '123456' } },
  { url: '/v1/me/backup-codes/export', body: { revealToken: TOKEN, format: 'pdf' } },
  { url: '/v1/me/backup-codes/acknowledge', body: { revealToken: TOKEN } },
  { url: '/v1/me/two-factor/reset', body: { password: 'a perfectly fine password', method: 'totp', code: '123456' } },
  {
    url: '/v1/withdrawals',
    body: {
      asset: 'BTC',
      amount: '0.5',
      address: 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh',
      method: 'totp',
      code: '1',
    },
  },
  { url: '/v1/recovery/tickets', body: { challenge: TOKEN, kind: 'lost_two_factor' } },
  { url: '/v1/recovery/tickets/00000000-0000-0000-0000-000000000000/submit', body: {} },
  {
    url: '/v1/support/tickets/00000000-0000-0000-0000-000000000000/decision',
    body: { decision: 'approve', note: 'x' },
  },
  { url: '/v1/test/clock', body: { set: '2030-01-01T00:00:00.000Z' } },
];

const UNICODE_JUNK = '\u0000\uFEFF\u202E\u200B😀\u0301\u0338𝕏\uFFFF\\"\'<script>\r\n';

function eachString(body: Json, value: (key: string) => unknown): Json {
  const keys = Object.keys(body);
  const out: Json = {};
  for (const key of keys) out[key] = typeof body[key] === 'string' ? value(key) : body[key];
  if (keys.length === 0) out.unexpected = value('unexpected');
  return out;
}

interface Junk {
  readonly name: string;
  readonly payload: (body: Json) => string | Buffer;
  readonly contentType: string;
}

const random = (size: number) => {
  const bytes = crypto.createHash('sha512').update('latchkey junk').digest();
  return Buffer.concat(Array.from({ length: Math.ceil(size / bytes.length) }, () => bytes)).subarray(0, size);
};

const JUNK: Junk[] = [
  { name: 'malformed JSON', contentType: 'application/json', payload: () => '{"email": "a@b.c", ' },
  { name: 'a lone brace', contentType: 'application/json', payload: () => '{' },
  { name: 'an empty body', contentType: 'application/json', payload: () => '' },
  { name: 'null', contentType: 'application/json', payload: () => 'null' },
  { name: 'an array', contentType: 'application/json', payload: () => '[]' },
  { name: 'a number', contentType: 'application/json', payload: () => '42' },
  { name: 'a string', contentType: 'application/json', payload: () => '"hello"' },
  {
    name: 'wrong types (numbers for strings)',
    contentType: 'application/json',
    payload: (b) => JSON.stringify(eachString(b, () => 12345)),
  },
  {
    name: 'wrong types (objects and arrays)',
    contentType: 'application/json',
    payload: (b) => JSON.stringify(eachString(b, (k) => (k.length % 2 ? { $ne: null } : [1, 2]))),
  },
  {
    name: 'nulls for every field',
    contentType: 'application/json',
    payload: (b) => JSON.stringify(eachString(b, () => null)),
  },
  {
    name: 'an unknown field',
    contentType: 'application/json',
    payload: (b) => JSON.stringify({ ...b, isAdmin: true }),
  },
  {
    name: 'a 1 MB body',
    contentType: 'application/json',
    payload: (b) => JSON.stringify({ ...b, filler: 'x'.repeat(1024 * 1024) }),
  },
  { name: 'binary junk as application/json', contentType: 'application/json', payload: () => random(4096) },
  { name: 'JSON as text/plain', contentType: 'text/plain', payload: (b) => JSON.stringify(b) },
  { name: 'a form post', contentType: 'application/x-www-form-urlencoded', payload: () => 'email=a%40b.c&password=x' },
  { name: 'XML', contentType: 'application/xml', payload: () => '<a>1</a>' },
  {
    name: 'huge strings (60 kB each)',
    contentType: 'application/json',
    payload: (b) => JSON.stringify(eachString(b, () => '9'.repeat(60_000))),
  },
  {
    name: 'unicode junk',
    contentType: 'application/json',
    payload: (b) => JSON.stringify(eachString(b, () => UNICODE_JUNK)),
  },
  {
    name: 'lone surrogates',
    contentType: 'application/json',
    payload: (b) => JSON.stringify(eachString(b, () => 'x')).replace(/"x"/g, '"\\ud800\\udfff\\ud800"'),
  },
  {
    name: 'invalid UTF-8 bytes',
    contentType: 'application/json',
    payload: (b) => Buffer.from(JSON.stringify(eachString(b, () => '@@')).replace(/@@/g, '\u00ff\u00fe'), 'latin1'),
  },
  {
    name: 'UTF-16 with a charset',
    contentType: 'application/json; charset=utf-16le',
    payload: (b) => Buffer.from(JSON.stringify(b), 'utf16le'),
  },
  {
    name: 'deep nesting',
    contentType: 'application/json',
    payload: () => `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
  },
  {
    name: '__proto__',
    contentType: 'application/json',
    payload: (b) => `{"__proto__":{"isAdmin":true},${JSON.stringify(b).slice(1)}`,
  },
  {
    name: 'constructor.prototype',
    contentType: 'application/json',
    payload: () => '{"constructor":{"prototype":{"isAdmin":true}}}',
  },
];

function assertClientProblem(reply: Reply, what: string): void {
  assert.ok(
    reply.status >= 400 && reply.status < 500,
    `${what}: ${reply.status} ${reply.raw.toString('utf8', 0, 300)}`,
  );
  assert.match(String(reply.headers['content-type']), /^application\/problem\+json/, what);
  assert.equal(typeof reply.body?.code, 'string', what);
  assert.match(reply.body.code, /^[a-z][a-z0-9_]*$/, what);
  assert.equal(reply.body.status, reply.status, what);
  assert.ok(!/\bat .*\.(ts|js):\d+/.test(reply.raw.toString('utf8')), `${what}: a stack trace leaked`);
}

describeOnEachDatabase('bad input on every POST route', { only: ['sqlite'] }, (h) => {
  let token: string;
  before(async () => {
    token = (await enrolledUser(h)).token;
  });

  for (const junk of JUNK) {
    test(junk.name, async () => {
      for (const route of ROUTES) {
        for (const auth of [undefined, token]) {
          const reply = await h.call('POST', route.url, {
            body: junk.payload(route.body),
            headers: { 'content-type': junk.contentType },
            ...(auth ? { token: auth } : {}),
          });
          assertClientProblem(reply, `${route.url} (${auth ? 'signed in' : 'anonymous'})`);
        }
      }
    });
  }

  test('a request without a content type but with a body', async () => {
    for (const route of ROUTES) {
      const response = await h.app.inject({
        method: 'POST',
        url: route.url,
        headers: { authorization: `Bearer ${token}` },
        payload: Buffer.from('garbage'),
      });
      const reply = {
        status: response.statusCode,
        headers: response.headers,
        raw: response.rawPayload,
        body: String(response.headers['content-type']).includes('json') ? response.json() : undefined,
      };
      assertClientProblem(reply, route.url);
    }
  });

  test('the signed-in user still works after all that junk', async () => {
    const me = await h.call('GET', '/v1/me/security', { token });
    assert.equal(me.status, 200);
  });

  test('an unknown route is a 404 problem; a known path with another method a 405 (issue 15 #1)', async () => {
    for (const [method, url, status, code] of [
      ['GET', '/v1/nope', 404, 'not_found'],
      ['POST', '/v1/nope', 404, 'not_found'],
      ['GET', '/v2/accounts', 404, 'not_found'],
      ['DELETE', '/v1/accounts', 405, 'http_method_not_allowed'],
      ['PUT', '/v1/sessions/current', 405, 'http_method_not_allowed'],
    ] as const) {
      const reply = await h.call(method, url, { token });
      assert.equal(reply.status, status, `${method} ${url}: ${reply.status}`);
      assertClientProblem(reply, `${method} ${url}`);
      assert.equal(reply.body.code, code);
    }
  });
});

describeOnEachDatabase('test routes outside test mode', { only: ['sqlite'], env: { LATCHKEY_TEST_MODE: '0' } }, (h) => {
  test('the test clock and outbox answer 404 like any unknown route', async () => {
    assert.equal(h.ctx.config.testMode, false);
    for (const [method, url, body] of [
      ['GET', '/v1/test/clock', undefined],
      ['POST', '/v1/test/clock', { advanceSeconds: 3600 }],
      ['POST', '/v1/test/clock', { set: '2040-01-01T00:00:00Z' }],
      ['GET', '/v1/test/outbox', undefined],
    ] as const) {
      const reply = await h.call(method, url, body === undefined ? {} : { body });
      assert.equal(reply.status, 404, `${method} ${url}`);
      assertClientProblem(reply, `${method} ${url}`);
    }
    // And the API itself is there.
    const created = await h.call('POST', '/v1/accounts', {
      body: { email: 'prod-mode@example.com', password: 'a perfectly fine password' },
    });
    assert.equal(created.status, 201);
  });
});
