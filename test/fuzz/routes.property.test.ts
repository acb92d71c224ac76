// Issue 15 item 14: fast-check sends schema-derived and adversarial bodies,
// headers, paths and encodings to every route of /openapi.json. Whatever comes
// in, no answer is a 5xx, every error is an RFC 9457 problem, and /healthz is
// fine afterwards. A fixed seed in `npm test`; `npm run fuzz` runs longer with a
// fresh seed (FUZZ_RUNS, FUZZ_SEED).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { supportAgent } from '../recovery/helpers.ts';
import { codeFor, enrolledUser, signUpAndLogin } from '../support/flows.ts';
import { describeOnEachDatabase } from '../support/harness.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
/** `FUZZ_SEED=random` (npm run fuzz) draws one; the seed is in the test name to replay a failure. */
const SEED = process.env.FUZZ_SEED === 'random' ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED ?? 20_261_130);
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'] as const;

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema of the served document.
type Schema = Record<string, any>;

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly bodySchema: Schema | undefined;
  readonly contentTypes: readonly string[];
}

/** Strings that have broken parsers, databases, logs and PDFs elsewhere. */
const NASTY_STRINGS = [
  '',
  ' ',
  'a\u0000b',
  '\u0000',
  '\u0007\u001b[31m\u009b',
  '\u202e\u2066evil',
  '\ud800',
  '\udfff\ud800',
  'ﬀ𝔘𝔫𝔦',
  '💥'.repeat(300),
  'x'.repeat(10_000),
  '../../../../etc/passwd',
  "'; DROP TABLE accounts; --",
  '%00%zz%C0%AF',
  '<script>alert(1)</script>',
  '{"__proto__":{"polluted":true}}',
  '1e999',
  '-0',
  'null',
  '00000000-0000-0000-0000-000000000000',
  'user@example.com',
  'USER@EXAMPLE.COM\u0000',
  '+44 7700 900123',
  '123456',
  'A'.repeat(43),
];

const nastyString = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string(),
);
const nastyNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, 2 ** 53, -(2 ** 63), 1e308, 5e-324),
);

/** Values shaped by the schema most of the time, anything at all otherwise. */
function fromSchema(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const wild = depth > 3 ? fc.constant(null) : fc.jsonValue({ maxDepth: 3 });
  if (!schema) return wild;
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alternatives)) {
    return fc.oneof(...alternatives.map((s: Schema) => fromSchema(s, depth + 1)), wild);
  }
  if (Array.isArray(schema.enum))
    return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...schema.enum) }, nastyString);
  if (schema.const !== undefined) return fc.oneof({ weight: 4, arbitrary: fc.constant(schema.const) }, nastyString);
  switch (schema.type) {
    case 'string':
      return fc.oneof(
        nastyString,
        fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 64, 256) }),
        fc.stringMatching(/^[A-Za-z0-9_-]{20,60}$/),
      );
    case 'integer':
    case 'number':
      return fc.oneof(
        fc.integer({ min: schema.minimum ?? -1000, max: Math.min(schema.maximum ?? 1000, 2 ** 31) }),
        nastyNumber,
        nastyString,
      );
    case 'boolean':
      return fc.oneof(fc.boolean(), wild);
    case 'array':
      return fc.oneof(fc.array(fromSchema(schema.items, depth + 1), { maxLength: 5 }), wild);
    case 'object': {
      const properties: Record<string, Schema> = schema.properties ?? {};
      const record = fc.record(
        Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, fromSchema(value, depth + 1)])),
        { requiredKeys: [] },
      );
      const withExtra = fc
        .tuple(record, fc.dictionary(fc.string({ maxLength: 12 }), wild, { maxKeys: 2 }))
        .map(([known, extra]) => ({ ...extra, ...known }));
      return fc.oneof({ weight: 3, arbitrary: record }, withExtra, wild);
    }
    default:
      return wild;
  }
}

/** The body as bytes: valid JSON, or JSON broken in the ways parsers get wrong. */
function encodedBody(
  schema: Schema | undefined,
): fc.Arbitrary<{ payload: Buffer | undefined; type: string | undefined }> {
  const json = fromSchema(schema).map((value) => Buffer.from(JSON.stringify(value) ?? 'null'));
  const invalidUtf8 = fromSchema(schema).map((value) => {
    const text = JSON.stringify(value) ?? '{}';
    const at = Math.max(1, text.indexOf('"') + 1);
    return Buffer.concat([
      Buffer.from(text.slice(0, at)),
      Buffer.from([0xff, 0xfe, 0xc0, 0xaf]),
      Buffer.from(text.slice(at)),
    ]);
  });
  const broken = fc.constantFrom(
    Buffer.from('{"email":'),
    Buffer.from('{"a":1,"a":2}'),
    Buffer.from(`${'['.repeat(5000)}${']'.repeat(5000)}`),
    Buffer.from('{"__proto__":{"x":1},"constructor":{"prototype":{"y":1}}}'),
    Buffer.from('"\\ud800"'),
    Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]),
    Buffer.from('\u0000'),
    Buffer.alloc(0),
  );
  return fc.record({
    payload: fc.oneof({ weight: 5, arbitrary: json }, invalidUtf8, broken, fc.constant(undefined)),
    type: fc.constantFrom(
      'application/json',
      'application/json',
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=zz',
      'multipart/form-data',
      'application/problem+json',
      undefined,
    ),
  });
}

const pathValue = fc.oneof(
  fc.uuid().map(String),
  fc.constantFrom('%zz', '%C0%AF', '%00', '..', '%2e%2e%2f', 'x'.repeat(120), '%F0%9F%92%A5', '%ED%A0%80', ''),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
);

function operationsOf(spec: Schema): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries<Schema>(spec.paths)) {
    if (path.startsWith('/v1/test/')) continue; // test-mode helpers move the clock for everyone
    for (const [method, op] of Object.entries<Schema>(item)) {
      const content: Record<string, Schema> = op.requestBody?.content ?? {};
      operations.push({
        method: method.toUpperCase(),
        path,
        bodySchema: content['application/json']?.schema,
        contentTypes: Object.keys(content),
      });
    }
  }
  return operations;
}

/**
 * Issue 15 item 1 (h2, HTTP layer; not on main yet): the router answers a
 * bad percent-encoding (400 FST_ERR_BAD_URL) and a path parameter over 100
 * characters (414) with Fastify's own JSON. Allowed here in exactly that shape
 * until that fix lands; then this never matches and can go.
 */
function assertProblemOrSuccess(
  reply: { status: number; headers: Record<string, unknown>; raw: Buffer },
  what: string,
): void {
  assert.ok(reply.status < 500, `${what} answered ${reply.status}: ${reply.raw.toString('utf8').slice(0, 300)}`);
  if (reply.status < 400) return;
  assert.match(String(reply.headers['content-type']), /^application\/problem\+json/, `${what} (${reply.status})`);
  if (reply.raw.length === 0) return; // HEAD
  const body = JSON.parse(reply.raw.toString('utf8'));
  assert.equal(body.status, reply.status, what);
  assert.equal(typeof body.type, 'string', what);
  assert.equal(typeof body.title, 'string', what);
  assert.equal(typeof body.code, 'string', what);
}

describeOnEachDatabase('fuzzing every route', (h) => {
  test(`${RUNS} generated requests: no 5xx, every error a problem, health after (seed ${SEED})`, async () => {
    const spec = (await h.call('GET', '/openapi.json')).body;
    const operations = operationsOf(spec);
    assert.ok(operations.length >= 25, `only ${operations.length} operations`);
    const user = await signUpAndLogin(h);
    const enrolled = await enrolledUser(h);
    const agent = await supportAgent(h);
    const credentials = fc.constantFrom<Record<string, string>>(
      {},
      { authorization: `Bearer ${user.token}` },
      { authorization: `bearer ${enrolled.token}` },
      { authorization: `Bearer ${agent.token}` },
      { authorization: `Ticket ${'A'.repeat(43)}` },
      { authorization: 'Bearer' },
      { authorization: `Bearer ${'A'.repeat(5000)}` },
      { authorization: 'Basic dXNlcjpwYXNz' },
      { cookie: `latchkey_session=${user.token}` },
      { cookie: 'latchkey_session=%zz; __Host-x=\u0001' },
    );

    const request = fc.record({
      operation: fc.constantFrom(...operations),
      method: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, fc.constantFrom(...METHODS)),
      params: fc.array(pathValue, { minLength: 2, maxLength: 2 }),
      query: fc.oneof(
        fc.constant(''),
        fc.constantFrom('?status=%zz', '?status=open&status=x', '?a[b]=1', `?x=${'y'.repeat(3000)}`),
      ),
      credentials,
      body: fc.constant(undefined),
      seedBody: fc.nat(),
    });

    await fc.assert(
      fc.asyncProperty(
        request.chain((r) => encodedBody(r.operation.bodySchema).map((body) => ({ ...r, body }))),
        async (r) => {
          let index = 0;
          const path = r.operation.path.replace(/\{[^}]+\}/g, () => r.params[index++] ?? 'x');
          const method = r.method ?? r.operation.method;
          const headers: Record<string, string> = { ...r.credentials };
          if (r.body.type) headers['content-type'] = r.body.type;
          const response = await h.app.inject({
            method: method as 'GET',
            url: `${path}${r.query}`,
            headers,
            ...(r.body.payload !== undefined && method !== 'GET' && method !== 'HEAD'
              ? { payload: r.body.payload }
              : {}),
          });
          assertProblemOrSuccess(
            { status: response.statusCode, headers: response.headers, raw: response.rawPayload },
            `${method} ${path}${r.query.slice(0, 40)}`,
          );
        },
      ),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );

    assert.equal((await h.call('GET', '/healthz')).status, 200);
    // The server still does its work: a fresh login with a TOTP code.
    const login = await h.call('POST', '/v1/sessions', {
      body: { email: enrolled.email, password: 'correct horse battery staple' },
    });
    assert.equal(login.status, 200);
    const verified = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: login.body.challenge, method: 'totp', code: codeFor(h, enrolled.secret) },
    });
    assert.equal(verified.status, 200, JSON.stringify(verified.body));
  });
});
