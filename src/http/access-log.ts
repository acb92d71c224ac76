// The access log: ONE line per request, written when the answer has left,
// instead of Fastify's two (incoming, completed). It holds what an operator
// needs (request id, method, path, status, time, client address) and nothing
// a request carries: no query string (GET /v1/sessions/recovery-tickets takes
// the login challenge there, OIDC's end-session an ID token), no headers, no
// body, so no cookie, token, code or password can reach it. Below `info` it
// costs one branch per request.
import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Logger } from 'pino';
import { flatLogger, pathOf } from '../infra/logger.ts';

/** The fields of a request's access line: flat values only (see flatLogger). */
function accessFields(request: FastifyRequest, reply: FastifyReply) {
  return {
    reqId: request.id,
    method: request.method,
    path: pathOf(request.url),
    status: reply.statusCode,
    ms: Math.round(reply.elapsedTime * 100) / 100,
    ip: request.ip,
  };
}

export class AccessLog extends LogController {
  readonly #enabled: boolean;
  readonly #lines: Logger;

  constructor(logger: Logger) {
    super();
    // The level is fixed for the process's life (LOG_LEVEL): decided once.
    this.#enabled = logger.isLevelEnabled('info');
    this.#lines = flatLogger(logger);
  }

  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    // An error object is not flat: through the request's own (redacting) logger.
    if (error) reply.log.error({ ...accessFields(request, reply), err: error }, 'request failed');
    else if (this.#enabled) this.#lines.info(accessFields(request, reply), 'request');
  }
}
