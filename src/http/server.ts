// Builds the Fastify app: plugins, schemas, error mapping and routes. The
// composition root (main.ts) hands it a ready AppContext.
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyError } from 'fastify';
import helmetHeaders from 'helmet';
import type { AppContext } from '../app/context.ts';
import { TestClock } from '../clock.ts';
import { oidcPlugin } from '../oidc/plugin.ts';
import { AccessLog } from './access-log.ts';
import type { App } from './app-type.ts';
import { decorateAuth } from './auth.ts';
import { Problem } from './contract/problem.ts';
import { errorHandler, notFoundHandler } from './errors.ts';
import { strictJsonBodies } from './json-body.ts';
import { swaggerOptions } from './openapi.ts';
import { accountFreezeRoutes } from './routes/account-freezes.ts';
import { accountRoutes } from './routes/accounts.ts';
import { invitationRoutes } from './routes/invitations.ts';
import { meRoutes } from './routes/me/index.ts';
import { operationRoutes } from './routes/operations.ts';
import { passwordResetRoutes } from './routes/password-resets.ts';
import { recoveryRoutes } from './routes/recovery.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { supportRoutes } from './routes/support.ts';
import { testModeRoutes } from './routes/test-mode.ts';
import { withdrawalRoutes } from './routes/withdrawals.ts';
import { methodsByPath } from './routing.ts';

export interface ServerOptions {
  /** Runs the periodic jobs now (test mode calls it when the clock moves). */
  runJobs: () => Promise<void>;
  /** Built web UI; served at / when present. */
  webRoot?: string;
  isReady?: () => boolean;
}

/** JSON bodies are small; uploads have their own limits (multipart). */
const JSON_BODY_LIMIT = 64 * 1024;

/** The security headers of every answer (helmet), router errors included. */
const HELMET_OPTIONS = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      mediaSrc: ["'self'", 'blob:'],
      styleSrc: ["'self'", "'unsafe-inline'"],
      scriptSrc: ["'self'"],
      objectSrc: ["'self'", 'blob:'],
      frameSrc: ["'self'", 'blob:'],
      frameAncestors: ["'none'"],
    },
  },
  referrerPolicy: { policy: 'no-referrer' as const },
};

/**
 * helmet's headers, computed once: they depend on nothing in the request, and
 * building them per request (as @fastify/helmet does) cost every answer ~70 µs.
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = (() => {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: unknown) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: () => {},
  };
  helmetHeaders(HELMET_OPTIONS)({} as IncomingMessage, response as unknown as ServerResponse, () => {});
  return Object.freeze(headers);
})();

/** The headers of a request arrive within this, whatever the request timeout. */
const HEADERS_TIMEOUT_MS = 10_000;
const KEEP_ALIVE_TIMEOUT_MS = 5_000;

export async function buildServer(ctx: AppContext, options: ServerOptions): Promise<App> {
  // Slow or half-sent requests must not hold sockets (Fastify's own default
  // request timeout is none): headers, whole request and idle timeouts, checked
  // every second, and a cap on open connections.
  const requestTimeout = ctx.config.requestTimeoutSeconds * 1000;
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    logController: new AccessLog(ctx.logger),
    http: {
      headersTimeout: Math.min(HEADERS_TIMEOUT_MS, requestTimeout),
      requestTimeout,
      connectionsCheckingInterval: 1000,
    },
    requestTimeout,
    connectionTimeout: requestTimeout,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    bodyLimit: JSON_BODY_LIMIT,
    trustProxy: false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    // Errors the router answers before any hook runs (bad percent-encoding, over-long
    // parameters): the same problem answers, with the headers helmet would have set.
    frameworkErrors: (error: FastifyError, request, reply) => {
      reply.headers(SECURITY_HEADERS);
      errorHandler(error, request, reply);
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.server.maxConnections = ctx.config.maxConnections;
  app.setErrorHandler(errorHandler);
  app.addSchema(Problem);
  strictJsonBodies(app);
  const allowedMethods = methodsByPath(app);

  await app.register(cookie);
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(SECURITY_HEADERS);
    // API answers carry codes, secrets, tokens and evidence: no cache keeps any of them.
    if (request.url.startsWith('/v1/')) reply.header('cache-control', 'no-store');
    done();
  });
  await app.register(swagger, swaggerOptions);
  await app.register(swaggerUi, { routePrefix: '/docs' });
  decorateAuth(app);

  // One scope per feature: each registers its own auth hook once.
  await app.register(operationRoutes, { ctx, isReady: options.isReady });
  await app.register(accountRoutes, { prefix: '/v1/accounts', ctx });
  await app.register(sessionRoutes, { prefix: '/v1/sessions', ctx });
  await app.register(meRoutes, { prefix: '/v1/me', ctx });
  await app.register(withdrawalRoutes, { prefix: '/v1/withdrawals', ctx });
  await app.register(passwordResetRoutes, { prefix: '/v1/password-resets', ctx });
  await app.register(recoveryRoutes, { prefix: '/v1/recovery', ctx });
  await app.register(supportRoutes, { prefix: '/v1/support', ctx });
  await app.register(invitationRoutes, { prefix: '/v1/invitations', ctx });
  await app.register(accountFreezeRoutes, { prefix: '/v1/account-freezes', ctx });
  await app.register(oidcPlugin, { ctx });
  if (ctx.config.testMode && ctx.clock instanceof TestClock) {
    await app.register(testModeRoutes, { prefix: '/v1/test', ctx, clock: ctx.clock, runJobs: options.runJobs });
  }

  const notFound = notFoundHandler(allowedMethods);
  const webRoot = options.webRoot;
  if (webRoot && fs.existsSync(path.join(webRoot, 'index.html'))) {
    await app.register(fastifyStatic, { root: webRoot, prefix: '/', wildcard: false, index: ['index.html'] });
    // Single-page app: unknown non-API GETs get the page, API paths keep their 404 problem.
    app.setNotFoundHandler((request, reply) => {
      const url = request.url.split('?')[0] ?? '/';
      if (request.method === 'GET' && !url.startsWith('/v1/') && !url.startsWith('/docs') && !path.extname(url)) {
        return reply.sendFile('index.html');
      }
      return notFound(request, reply);
    });
  } else {
    app.setNotFoundHandler(notFound);
  }
  return app;
}
