// Redaction holds at any depth (src/infra/logger.ts): a secret's key nested in
// an error, a problem, a request body or an array is censored like one at the
// top, through the real logger; and a 500 whose error carries the request's
// code leaves no code in the server's log.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Hasher } from '../../src/infra/hashing.ts';
import { createLogger, SECRET_KEY_ENDINGS, SECRET_KEYS } from '../../src/infra/logger.ts';
import { challengeFor, enrolledUser } from '../support/flows.ts';
import { describeOnEachDatabase } from '../support/harness.ts';

function capture() {
  const lines: string[] = [];
  const logger = createLogger('info', { write: (line: string) => lines.push(line) });
  return { logger, text: () => lines.join('') };
}

/** Every secret key name, as written and in other forms the list stands for. */
const NAMES = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((name) => name.toUpperCase()),
  ...SECRET_KEY_ENDINGS,
  ...SECRET_KEY_ENDINGS.map((ending) => `${ending}s`),
  ...SECRET_KEY_ENDINGS.map((ending) => `new${ending[0]?.toUpperCase()}${ending.slice(1)}`),
  ...SECRET_KEY_ENDINGS.map((ending) => `client_${ending}`),
];

/** The same secret under `name` at depth 1, 2 and 3, in an array, and as an array. */
function placements(name: string, secret: string): Record<string, unknown>[] {
  return [
    { [name]: secret },
    { req: { [name]: secret } },
    { req: { body: { [name]: secret } } },
    { error: { details: { [name]: secret } } },
    { items: [{ [name]: secret }] },
    { batch: { items: [{ nested: { [name]: secret } }] } },
    { [name]: [secret, secret] },
    { [name]: { value: secret } },
    { err: Object.assign(new Error('failed'), { [name]: secret }) },
    { err: Object.assign(new Error('failed'), { details: { [name]: secret } }) },
    { err: Object.assign(new Error('failed'), { problem: { errors: [{ [name]: secret }] } }) },
    { context: { cause: Object.assign(new Error('inner'), { input: { [name]: secret } }) } },
  ];
}

test('every secret key is censored at depth 1, 2 and 3, in arrays and in errors', () => {
  for (const name of NAMES) {
    for (const [i, object] of placements(name, 'S3CRET-VALUE').entries()) {
      const { logger, text } = capture();
      logger.error({ ...object, around: 'kept' }, 'line');
      const line = text();
      assert.ok(!line.includes('S3CRET-VALUE'), `${name}, placement ${i}: ${line}`);
      assert.ok(line.includes('[redacted]'), `${name}, placement ${i}: ${line}`);
      // Only the secret goes: the line and its other fields are still there.
      const entry = JSON.parse(line);
      assert.equal(entry.around, 'kept');
      assert.equal(entry.msg, 'line');
    }
  }
});

test('an error keeps its type, message and other fields; other keys are untouched', () => {
  const { logger, text } = capture();
  const error = Object.assign(new TypeError('bad thing'), { table: 'accounts', details: { token: 't0k3n', id: 7 } });
  logger.error(
    { err: error, statusCode: 500, codeLength: 6, when: new Date(0), constructor: { token: 't0k3n' } },
    'failed',
  );
  const entry = JSON.parse(text());
  assert.equal(entry.err.type, 'TypeError');
  assert.equal(entry.err.message, 'bad thing');
  assert.match(entry.err.stack, /bad thing/);
  assert.equal(entry.err.table, 'accounts');
  assert.deepEqual(entry.err.details, { token: '[redacted]', id: 7 });
  assert.equal(entry.statusCode, 500);
  assert.equal(entry.codeLength, 6);
  assert.equal(entry.when, '1970-01-01T00:00:00.000Z');
  assert.deepEqual(entry.constructor, { token: '[redacted]' });
});

test('a cycle, a deep object and a huge array log without hanging, and still without secrets', () => {
  const { logger, text } = capture();
  const cyclic: Record<string, unknown> = { name: 'loop', password: 'cycle-secret' };
  cyclic.self = cyclic;
  let deep: Record<string, unknown> = { token: 'deep-secret' };
  for (let i = 0; i < 50; i++) deep = { next: deep };
  const huge = Array.from({ length: 100_000 }, () => ({ code: 'array-secret' }));
  logger.info({ cyclic, deep, huge }, 'shapes');
  const line = text();
  assert.ok(line.length < 100_000, `${line.length} characters`);
  for (const secret of ['cycle-secret', 'deep-secret', 'array-secret']) assert.ok(!line.includes(secret), secret);
  assert.match(line, /\[Circular\]/);
});

test('a request is logged by method and path: never its query string', () => {
  const { logger, text } = capture();
  const request = {
    method: 'GET',
    url: '/v1/sessions/recovery-tickets?challenge=query-secret',
    host: 'localhost',
    ip: '127.0.0.1',
    headers: { authorization: 'Bearer header-secret' },
  };
  logger.warn({ req: request, res: { statusCode: 500 } }, 'writeHead failed');
  const entry = JSON.parse(text());
  assert.deepEqual(entry.req, {
    method: 'GET',
    path: '/v1/sessions/recovery-tickets',
    host: 'localhost',
    remoteAddress: '127.0.0.1',
  });
  assert.deepEqual(entry.res, { statusCode: 500 });
});

describeOnEachDatabase('a 500 whose error carries the request body', { only: ['sqlite'] }, (h) => {
  test('leaves the error in the log, and no code', async () => {
    const user = await enrolledUser(h);
    const challenge = await challengeFor(h, user.email);
    const code = user.codes[0] as string;
    // A hashing library that fails and puts its input in the error, as some do.
    const ctx = h.ctx as { hasher: Hasher };
    const hasher = ctx.hasher;
    ctx.hasher = {
      ...hasher,
      hashBackupCode: async (input: string) => {
        throw Object.assign(new Error('the hasher failed'), { call: { args: { code: input } } });
      },
    };
    h.logs.length = 0;
    try {
      const reply = await h.call('POST', '/v1/sessions/verify', { body: { challenge, method: 'backup_code', code } });
      assert.equal(reply.status, 500, JSON.stringify(reply.body));
    } finally {
      ctx.hasher = hasher;
    }
    const logs = h.logs.join('');
    const failed = logs
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .find((entry) => entry.msg === 'unhandled error');
    assert.equal(failed?.err?.message, 'the hasher failed', logs);
    assert.deepEqual(failed.err.call, { args: { code: '[redacted]' } });
    assert.ok(!logs.includes(`"${code}"`), `the backup code is in the log: ${logs}`);
    assert.ok(!logs.includes(challenge), 'the challenge is in the log');
  });
});
