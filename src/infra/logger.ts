// pino, with every secret redacted wherever it appears in a logged object
// (ASVS 5.0 16.2.5: no passwords, codes, secrets or tokens in logs). Fastify
// logs only method, path and status of requests; bodies are never logged, but
// an error, a problem or a library's detail may nest one at any depth, so the
// redaction walks the whole object instead of naming paths (pino's `redact`
// paths match one level per `*`).
import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * The names (any case) of the keys whose values are secrets, wherever they
 * appear in a logged object: the request fields that carry codes, challenges
 * and setup secrets, OIDC's, and the headers that carry credentials.
 */
export const SECRET_KEYS = [
  'code',
  'codes',
  'challenge',
  'otpauthUri',
  'qrSvg',
  'code_verifier',
  'id_token_hint',
  'authorization',
  'cookie',
  'set-cookie',
];
/** …and every key that ends in one of these, or its plural (newPassword, revealToken, client_secret, x-csrf-token…). */
export const SECRET_KEY_ENDINGS = ['password', 'secret', 'token'];

const SECRET_KEY = new RegExp(`^(?:${SECRET_KEYS.join('|')})$|(?:${SECRET_KEY_ENDINGS.join('|')})s?$`, 'i');

const CENSOR = '[redacted]';
/**
 * A logged object is walked this deep and this far at most (cycles, huge
 * arrays): what lies beyond becomes a placeholder, never unredacted. pino's
 * own output stops at depth 5 and 100 items anyway.
 */
const MAX_DEPTH = 8;
const MAX_NODES = 1000;

/** A copy of `value` as JSON data, every secret key's value censored, at any depth. */
function redacted(value: unknown, depth: number, budget: { nodes: number }, path: object[]): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth > MAX_DEPTH || budget.nodes <= 0) return Array.isArray(value) ? '[Array]' : '[Object]';
  if (path.includes(value)) return '[Circular]';
  let data: object = value;
  // An error's message, stack, cause and own fields, as pino writes them.
  if (value instanceof Error) data = pino.stdSerializers.err(value);
  else if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    const json = (value as { toJSON(): unknown }).toJSON();
    if (typeof json !== 'object' || json === null) return json;
    data = json;
  }
  path.push(value);
  let copy: unknown[] | Record<string, unknown>;
  if (Array.isArray(data)) {
    copy = [];
    for (const item of data) {
      if (budget.nodes-- <= 0) break;
      copy.push(redacted(item, depth + 1, budget, path));
    }
  } else {
    copy = {};
    for (const key of Object.keys(data)) {
      if (budget.nodes-- <= 0) break;
      copy[key] = SECRET_KEY.test(key)
        ? CENSOR
        : redacted((data as Record<string, unknown>)[key], depth + 1, budget, path);
    }
  }
  path.pop();
  return copy;
}

/** `redacted` from the top of one logged value. */
function redactedValue(value: unknown): unknown {
  return redacted(value, 1, { nodes: MAX_NODES }, []);
}

/** A request's URL without its query string (the login challenge, OIDC's ID token hint travel there). */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** A request as Fastify logs it: its method, path (no query), host and client address. */
function requestFields(value: unknown): unknown {
  const request = value as {
    method?: unknown;
    url?: unknown;
    host?: string;
    ip?: string;
    socket?: { remotePort?: number };
  } | null;
  if (typeof request?.method !== 'string' || typeof request.url !== 'string') return redactedValue(value);
  return {
    method: request.method,
    path: pathOf(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** A reply as Fastify logs it: its status. */
function replyFields(value: unknown): unknown {
  const statusCode = (value as { statusCode?: unknown } | null)?.statusCode;
  return typeof statusCode === 'number' ? { statusCode } : redactedValue(value);
}

/**
 * What pino writes for the values logged under these keys: an error, and the
 * request and reply Fastify logs (a logger instance's serializers replace
 * Fastify's own, whose `req` keeps the query string). Each returns redacted
 * data, and the walk in `formatters.log` leaves these keys to them: a request
 * or a reply is no object to walk.
 */
const SERIALIZERS: Record<string, (value: unknown) => unknown> = {
  err: redactedValue,
  req: requestFields,
  res: replyFields,
};

/** Every field of a line redacted, but those a serializer writes (it redacts them itself). */
function redactedLine(line: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(line)) {
    const value = line[key];
    copy[key] = SECRET_KEY.test(key) ? CENSOR : Object.hasOwn(SERIALIZERS, key) ? value : redactedValue(value);
  }
  return copy;
}

/**
 * Standard output, written asynchronously: a line is queued and written with
 * the others that arrive while a write is in flight, so a busy server makes
 * one write for many lines instead of a blocking write per line (pino's
 * default). Nothing waits for a timer or a size: an idle server's line goes
 * out at once, and pino flushes what is queued when the process exits.
 */
function standardOutput(): DestinationStream {
  return pino.destination({ dest: 1, sync: false });
}

/**
 * Child loggers' bindings are not walked (pino formats them once, without the
 * root's formatters): they are flat values the caller picks, like Fastify's
 * request id.
 */
export function createLogger(level: string, destination: DestinationStream = standardOutput()): Logger {
  return pino({ level, serializers: SERIALIZERS, formatters: { log: redactedLine } }, destination);
}

const flatLoggers = new WeakMap<Logger, Logger>();

const unchanged = (line: object) => line;

/**
 * The logger for lines whose fields are flat values the caller picks, none
 * under a secret's name (the access line, authentication events): it skips
 * the redaction walk, which with pino's `redact` was most of such a line's
 * cost (~20 µs of ~28 on the bench machine). Never for an object that comes
 * from a request, a reply or an error.
 */
export function flatLogger(logger: Logger): Logger {
  let flat = flatLoggers.get(logger);
  if (!flat) {
    flat = logger.child({}, { formatters: { log: unchanged } });
    flatLoggers.set(logger, flat);
  }
  return flat;
}
