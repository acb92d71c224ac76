// The only file that knows HTTP statuses. Every error leaves as an RFC 9457
// problem body with a stable `code`; bad input is always a 4xx, never a 500.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type ErrorCode } from '../domain/errors.ts';

const STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  malformed_json: 400,
  weak_password: 400,
  invalid_token: 400,
  method_not_available: 400,
  evidence_required: 400,
  invalid_state: 409,
  email_taken: 409,
  two_factor_already_enabled: 409,
  already_decided: 409,
  approval_pending: 409,
  evidence_damaged: 409,
  invalid_credentials: 401,
  unauthenticated: 401,
  invalid_code: 401,
  challenge_expired: 401,
  clock_out_of_sync: 401,
  code_step_reserved: 401,
  forbidden: 403,
  csrf_failed: 403,
  two_factor_required: 403,
  own_ticket: 403,
  method_not_allowed: 403,
  recovery_binding_required: 403,
  not_found: 404,
  http_method_not_allowed: 405,
  setup_expired: 410,
  reveal_closed: 410,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  account_frozen: 423,
  withdrawal_locked: 423,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
  storage_full: 507,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  423: 'Locked',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  507: 'Insufficient Storage',
};

/** The HTTP status of each code of the error registry. */
export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  [extra: string]: unknown;
}

export function problem(
  status: number,
  code: ErrorCode,
  detail: string,
  extras: Record<string, unknown> = {},
): Problem {
  return {
    type: `https://latchkey.dev/problems/${code.replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...extras,
  };
}

/** Seconds a client should wait after a 503 (the dependency reconnects meanwhile). */
const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  if (body.status === 429 && typeof body.retryAfter === 'number') reply.header('retry-after', String(body.retryAfter));
  if (body.status === 503) reply.header('retry-after', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
  // Problems are answers about this request only: never stored by a cache.
  reply.header('cache-control', 'no-store');
  // Serialized as is: the route's response schemas describe problems for the document only.
  return reply.code(body.status).type('application/problem+json; charset=utf-8').serializer(JSON.stringify).send(body);
}

/** The database or Redis can't be reached (refused, reset, timed out, retries used up): a 503, not a 500. */
function dependencyDown(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && DOWN_CODES.has(code)) return true;
  return (
    error.name === 'MaxRetriesPerRequestError' || /^(Connection is closed|Stream isn't writeable)/.test(error.message)
  );
}
const DOWN_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  '57P01', // PostgreSQL: admin_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
]);

/** Framework errors (validation, parsing, limits) mapped to problems by their code. */
function frameworkProblem(error: FastifyError): Problem | undefined {
  if (error.validation) return problem(400, 'invalid_request', error.message);
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problem(400, 'malformed_json', 'The body is not valid JSON.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
      return problem(413, 'payload_too_large', 'The request body is too large.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return problem(415, 'unsupported_media_type', 'The content type is not supported here.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problem(400, 'invalid_request', 'The Content-Length header does not match the body.');
    // Router errors: never echo the path back.
    case 'FST_ERR_BAD_URL':
      return problem(400, 'invalid_request', 'The URL is not valid: check its percent-encoding.');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return problem(414, 'uri_too_long', 'A part of the URL path is too long.');
  }
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return problem(error.statusCode, 'invalid_request', error.message);
  }
  return undefined;
}

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof DomainError) {
    return sendProblem(reply, problem(STATUS[error.code], error.code, error.message, { ...error.extras }));
  }
  const mapped = frameworkProblem(error);
  if (mapped) return sendProblem(reply, mapped);
  if (dependencyDown(error)) {
    request.log.error({ err: error }, 'a dependency is down');
    return sendProblem(reply, problem(503, 'service_unavailable', 'The service is briefly unavailable. Try again.'));
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendProblem(reply, problem(500, 'internal_error', 'Something went wrong on our side.'));
}

/** No route for this method and path: 405 with `Allow` when the path has other methods, else 404. */
export function notFoundHandler(allowed: (path: string) => string[]) {
  return (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const path = request.url.split('?')[0] ?? '/';
    const methods = allowed(path);
    if (methods.length > 0) {
      reply.header('allow', methods.join(', '));
      return sendProblem(
        reply,
        problem(405, 'http_method_not_allowed', `This path answers ${methods.join(', ')} only.`),
      );
    }
    return sendProblem(reply, problem(404, 'not_found', `No route for ${request.method} ${path}.`));
  };
}
