// The served OpenAPI document against its own promises: every operation has
// an operationId, declares its security (and the server agrees: a secured
// route refuses an anonymous call, a public one doesn't), declares its problem
// answers with the one Problem schema, and has a response schema for every
// JSON answer. Then two tools nobody here wrote judge it: Redocly's linter
// (recommended rules) and the official OpenAPI 3.1 JSON Schema.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { Validator } from '@seriousme/openapi-schema-validator';
import { ERROR_CODES } from '../../src/domain/errors.ts';
import { DIALECTS } from '../support/databases.ts';
import { type Harness, startHarness } from '../support/harness.ts';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const PROBLEM_REF = '#/components/schemas/Problem';

interface Operation {
  operationId?: string;
  security?: Array<Record<string, string[]>>;
  requestBody?: { content: Record<string, { schema?: unknown }> };
  responses: Record<string, { description?: string; content?: Record<string, { schema?: Record<string, unknown> }> }>;
}
interface Document {
  openapi: string;
  paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
  components: { schemas: Record<string, { properties: { code: { enum: string[] } } }>; securitySchemes: object };
}

function operations(doc: Document): Array<{ method: string; path: string; op: Operation }> {
  return Object.entries(doc.paths).flatMap(([route, item]) =>
    METHODS.flatMap((method) => (item[method] ? [{ method, path: route, op: item[method] as Operation }] : [])),
  );
}

/** A concrete URL for a templated path (any id will do: auth comes first). */
const concrete = (route: string) => route.replace(/\{[^}]+\}/g, '00000000-0000-0000-0000-000000000000');

describe('the OpenAPI document', () => {
  let h: Harness;
  let doc: Document;
  let file: string;
  before(async () => {
    h = await startHarness(DIALECTS[0] ?? 'sqlite');
    doc = (await h.call('GET', '/openapi.json')).body;
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-openapi-')), 'openapi.json');
    fs.writeFileSync(file, JSON.stringify(doc));
  });
  after(async () => {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    await h?.close();
  });

  test('every operation has a unique operationId', () => {
    const ids = operations(doc).map(({ method, path: route, op }) => {
      assert.ok(op.operationId, `${method.toUpperCase()} ${route} has no operationId`);
      return op.operationId;
    });
    assert.equal(new Set(ids).size, ids.length, 'operationIds repeat');
    assert.ok(ids.length >= 30, `only ${ids.length} operations`);
  });

  test('every operation declares its security, and the server keeps to it', async () => {
    for (const { method, path: route, op } of operations(doc)) {
      assert.ok(Array.isArray(op.security), `${method.toUpperCase()} ${route} declares no security`);
      for (const requirement of op.security ?? []) {
        for (const scheme of Object.keys(requirement)) assert.ok(scheme in doc.components.securitySchemes, scheme);
      }
      const anonymous = await h.call(method.toUpperCase(), concrete(route), method === 'get' ? {} : { body: {} });
      const refused = anonymous.status === 401 && anonymous.body?.code === 'unauthenticated';
      const secured = (op.security ?? []).length > 0;
      assert.equal(
        refused,
        secured,
        `${method.toUpperCase()} ${route}: secured ${secured}, anonymous got ${anonymous.status}`,
      );
    }
  });

  test('every error answer is a Problem whose codes come from the one registry', () => {
    assert.deepEqual(doc.components.schemas.Problem?.properties.code.enum, [...ERROR_CODES]);
    for (const { method, path: route, op } of operations(doc)) {
      const errors = Object.entries(op.responses).filter(([status]) => Number(status) >= 400);
      const takesInput = op.requestBody || (op.security ?? []).length > 0 || route.includes('{');
      if (takesInput)
        assert.ok(
          errors.some(([s]) => Number(s) < 500),
          `${method.toUpperCase()} ${route} declares no 4xx`,
        );
      assert.ok(
        errors.some(([status]) => status === '500'),
        `${method.toUpperCase()} ${route} declares no 500`,
      );
      for (const [status, response] of errors) {
        const schema = response.content?.['application/problem+json']?.schema as {
          allOf?: [{ $ref: string }, { properties: { code: { enum: string[] } } }];
        };
        assert.ok(schema, `${method.toUpperCase()} ${route} ${status} is not application/problem+json`);
        assert.equal(schema.allOf?.[0]?.$ref, PROBLEM_REF);
        const codes: string[] = schema.allOf?.[1]?.properties.code.enum ?? [];
        assert.ok(codes.length > 0);
        for (const code of codes) assert.ok((ERROR_CODES as readonly string[]).includes(code), code);
      }
    }
  });

  test('every success answer has a schema (204 none) and every time is a date-time', () => {
    for (const { method, path: route, op } of operations(doc)) {
      const successes = Object.entries(op.responses).filter(([status]) => Number(status) < 300);
      assert.equal(successes.length, 1, `${method.toUpperCase()} ${route}`);
      for (const [status, response] of successes) {
        if (status === '204') {
          assert.equal(response.content, undefined, `${route} 204 has content`);
          continue;
        }
        const media = Object.entries(response.content ?? {});
        assert.ok(media.length > 0, `${method.toUpperCase()} ${route} ${status} has no content`);
        for (const [type, { schema }] of media) assert.ok(schema, `${method.toUpperCase()} ${route} ${status} ${type}`);
      }
    }
    const text = JSON.stringify(doc);
    for (const match of text.matchAll(
      /"(\w+(?:At|By|Until)|until|now|at)":\{"type":"string"(,"format":"([\w-]+)")?/g,
    )) {
      assert.equal(match[3], 'date-time', `${match[1]} is not a date-time`);
    }
  });

  test('the evidence upload is described as a multipart request body', () => {
    const upload = doc.paths['/v1/recovery/tickets/{id}/evidence']?.post;
    const schema = upload?.requestBody?.content['multipart/form-data']?.schema as { properties: object };
    assert.deepEqual(Object.keys(schema.properties), ['kind', 'file']);
  });

  test('Redocly lint (recommended rules) finds no error', async () => {
    const cli = path.resolve('node_modules/.bin/redocly');
    const { stdout } = await promisify(execFile)(cli, ['lint', '--extends=recommended', '--format=json', file], {
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    }).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
    const report = JSON.parse(stdout) as { totals: { errors: number }; problems: Array<{ severity: string }> };
    const errors = report.problems.filter((p) => p.severity === 'error');
    assert.equal(report.totals.errors, 0, JSON.stringify(errors, null, 1));
  });

  test('valid against the official OpenAPI 3.1 schema', async () => {
    const result = await new Validator().validate(doc as unknown as Parameters<Validator['validate']>[0]);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 1));
    assert.equal(doc.openapi, '3.1.0');
  });
});
