// Operations: health, readiness and the API document. Not part of the versioned API.
import type { AppContext } from '../../app/context.ts';
import { checkHealth, checkReadiness } from '../../app/health.ts';
import { publicPolicy } from '../../app/public-policy.ts';
import type { App } from '../app-type.ts';
import { PolicyView } from '../contract/policy.ts';
import { problem, sendProblem } from '../errors.ts';

export async function operationRoutes(
  app: App,
  { ctx, isReady }: { ctx: AppContext; isReady: (() => boolean) | undefined },
): Promise<void> {
  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    if (isReady && !isReady()) return reply.code(503).send({ status: 'starting' });
    await checkHealth(ctx);
    return { status: 'ok' };
  });
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const { ready, checks } = await checkReadiness(ctx);
    if (ready && (!isReady || isReady())) return { status: 'ready', checks };
    const down = Object.keys(checks).filter((name) => checks[name] === 'down');
    const detail = down.length > 0 ? `Not ready: ${down.join(', ')} cannot be reached.` : 'Starting.';
    return sendProblem(reply, problem(503, 'service_unavailable', detail, { checks }));
  });
  // The rules' numbers for pages shown before sign-in (the recovery pages): public, nothing secret.
  app.get(
    '/v1/policy',
    {
      schema: {
        operationId: 'getPolicy',
        tags: ['policy'],
        summary:
          'The rules a client must show: lock hours, backup-code numbers, password lengths, second-factor limits',
        security: [],
        response: { 200: PolicyView },
      },
    },
    async () => publicPolicy(ctx.config),
  );
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
