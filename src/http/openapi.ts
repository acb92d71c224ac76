// The OpenAPI document (@fastify/swagger). Routes carry their schemas and
// operationId; this file adds what is the same for many routes, so no route
// can forget it: the security of its scope (auth.ts calls documentAuth) and
// the problem answers it can give (its own `config.problems`, plus those every
// route with a body, parameters or authentication can give). Every problem
// refers to the one `Problem` component, narrowed to the codes of its status.
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import type { ErrorCode } from '../domain/errors.ts';
import type { App } from './app-type.ts';
import { CSRF_HEADER, SESSION_COOKIE } from './cookie-names.ts';
import { statusOf } from './errors.ts';

export type AuthKind = 'session' | 'optional_session' | 'agent' | 'ticket';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route (set by the scope's auth hook). */
    auth?: AuthKind;
    /** The problem codes the route's own logic can answer with. */
    problems?: readonly ErrorCode[];
    /** A multipart body the handler parses itself: documented, not validated by Fastify. */
    upload?: unknown;
  }
}

/** Marks every route of `scope` as needing `kind` of authentication (called by auth.ts with the hook). */
export function documentAuth(scope: App, kind: AuthKind): void {
  scope.addHook('onRoute', (route) => {
    route.config = { ...route.config, auth: kind };
  });
}

/** Second-factor checks (login, step-ups) answer with these. */
export const SECOND_FACTOR_PROBLEMS = [
  'invalid_request',
  'invalid_code',
  'clock_out_of_sync',
  'code_step_reserved',
  'method_not_available',
  'method_not_allowed',
  'rate_limited',
] as const satisfies readonly ErrorCode[];

const SECURITY_SCHEMES = {
  bearer: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <token> (POST /v1/sessions…)' },
  cookie: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: 'The web UI session cookie (named __Host-latchkey_session when the public origin is https)',
  },
  csrf: {
    type: 'apiKey',
    in: 'header',
    name: CSRF_HEADER,
    description: 'The value of the latchkey_csrf cookie; needed with the cookie on state-changing calls',
  },
  ticket: { type: 'http', scheme: 'ticket', description: 'Authorization: Ticket <ticketToken>' },
} as const;

function securityOf(kind: AuthKind | undefined, method: string): Array<Record<string, string[]>> {
  if (kind === 'ticket') return [{ ticket: [] }];
  if (kind === undefined) return [];
  const cookie: Record<string, string[]> = method === 'GET' ? { cookie: [] } : { cookie: [], csrf: [] };
  // `{}`: no credentials at all is one of the choices (OpenAPI 3.1 §4.8.30).
  return kind === 'optional_session' ? [{}, { bearer: [] }, cookie] : [{ bearer: [] }, cookie];
}

interface RouteSchema {
  hide?: boolean;
  body?: unknown;
  params?: unknown;
  querystring?: unknown;
  response?: Record<string, unknown>;
  [key: string]: unknown;
}

function problemCodes(schema: RouteSchema, kind: AuthKind | undefined, method: string, own: readonly ErrorCode[]) {
  const codes = new Set<ErrorCode>(own);
  if (schema.body || schema.params || schema.querystring) codes.add('invalid_request');
  if (schema.body) {
    for (const code of ['malformed_json', 'payload_too_large', 'unsupported_media_type'] as const) codes.add(code);
  }
  if (kind) codes.add('unauthenticated');
  if ((kind === 'session' || kind === 'optional_session' || kind === 'agent') && method !== 'GET') {
    codes.add('csrf_failed');
  }
  if (kind === 'agent') codes.add('forbidden');
  if (kind === 'ticket') codes.add('not_found');
  // Any route may find the database or Redis down, or fail.
  codes.add('internal_error');
  codes.add('service_unavailable');
  return [...codes];
}

const SUCCESS: Record<string, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content' };

/** Success answers keep their schema and get a description (the document needs one). */
function describedSuccesses(responses: Record<string, unknown> = {}): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(responses).map(([status, response]) => {
      const described = response as { description?: string };
      return [status, described.description ? response : { ...described, description: SUCCESS[status] ?? 'OK' }];
    }),
  );
}

function problemResponses(codes: readonly ErrorCode[]): Record<string, unknown> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(statusOf(code), [...(byStatus.get(statusOf(code)) ?? []), code]);
  const responses: Record<string, unknown> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[status] = {
      description: `Problem: ${list.join(', ')}`,
      content: {
        'application/problem+json': {
          schema: { allOf: [{ $ref: 'Problem#' }, { type: 'object', properties: { code: { enum: list } } }] },
        },
      },
    };
  }
  return responses;
}

export const swaggerOptions: FastifyDynamicSwaggerOptions = {
  openapi: {
    openapi: '3.1.0',
    info: {
      title: 'Latchkey',
      version: '1.1.0',
      description: 'Two-factor authentication lifecycle server',
    },
    servers: [{ url: '/' }],
    components: { securitySchemes: SECURITY_SCHEMES },
  },
  refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  transform: ({ schema, url, route }) => {
    const routeSchema = (schema ?? {}) as RouteSchema;
    if (routeSchema.hide) return { schema, url };
    const method = String(route.method);
    const kind = route.config?.auth;
    const codes = problemCodes(routeSchema, kind, method, route.config?.problems ?? []);
    return {
      url,
      schema: {
        ...routeSchema,
        ...(route.config?.upload ? { body: route.config.upload, consumes: ['multipart/form-data'] } : {}),
        security: securityOf(kind, method),
        response: { ...problemResponses(codes), ...describedSuccesses(routeSchema.response) },
      } as typeof schema,
    };
  },
};
