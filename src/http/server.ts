// Builds the Fastify app: plugins, schemas, error mapping and routes. The
// composition root (main.ts) hands it a ready AppContext.
import fs from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../app/context.ts';
import { TestClock } from '../clock.ts';
import type { App } from './app-type.ts';
import { Problem } from './contract/problem.ts';
import { errorHandler, notFoundHandler } from './errors.ts';
import { accountAndSessionRoutes } from './routes/accounts-and-sessions.ts';
import { registerExtraRoutes } from './routes/extra-routes.ts';
import { securityKeyAndSmsRoutes } from './routes/security-keys-and-sms.ts';
import { testModeRoutes } from './routes/test-mode.ts';
import { twoFactorRoutes } from './routes/two-factor.ts';
import { withdrawalRoutes } from './routes/withdrawals.ts';

export interface ServerOptions {
  /** Runs the periodic jobs now (test mode calls it when the clock moves). */
  runJobs: () => Promise<void>;
  /** Built web UI; served at / when present. */
  webRoot?: string;
  isReady?: () => boolean;
}

/** JSON bodies are small; uploads have their own limits (multipart). */
const JSON_BODY_LIMIT = 64 * 1024;

export async function buildServer(ctx: AppContext, options: ServerOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    bodyLimit: JSON_BODY_LIMIT,
    trustProxy: false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setErrorHandler(errorHandler);
  app.addSchema(Problem);

  await app.register(cookie);
  await app.register(helmet, {
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
    referrerPolicy: { policy: 'no-referrer' },
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Latchkey', version: '1.0.0', description: 'Two-factor authentication lifecycle server' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          ticket: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Ticket <ticketToken>' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    if (options.isReady && !options.isReady()) return reply.code(503).send({ status: 'starting' });
    await ctx.storage.db.selectFrom('accounts').select('id').limit(1).execute();
    return { status: 'ok' };
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  accountAndSessionRoutes(app, ctx);
  twoFactorRoutes(app, ctx);
  withdrawalRoutes(app, ctx);
  securityKeyAndSmsRoutes(app, ctx);
  await registerExtraRoutes(app, ctx);
  if (ctx.config.testMode && ctx.clock instanceof TestClock) testModeRoutes(app, ctx, ctx.clock, options.runJobs);

  const webRoot = options.webRoot;
  if (webRoot && fs.existsSync(path.join(webRoot, 'index.html'))) {
    await app.register(fastifyStatic, { root: webRoot, prefix: '/', wildcard: false, index: ['index.html'] });
    // Single-page app: unknown non-API GETs get the page, API paths keep their 404 problem.
    app.setNotFoundHandler((request, reply) => {
      const url = request.url.split('?')[0] ?? '/';
      if (request.method === 'GET' && !url.startsWith('/v1/') && !url.startsWith('/docs') && !path.extname(url)) {
        return reply.sendFile('index.html');
      }
      return notFoundHandler(request, reply);
    });
  } else {
    app.setNotFoundHandler(notFoundHandler);
  }
  return app;
}
