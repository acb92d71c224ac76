// Operations: health and the API document. Not part of the versioned API.
import type { AppContext } from '../../app/context.ts';
import { checkHealth } from '../../app/health.ts';
import type { App } from '../app-type.ts';

export async function operationRoutes(
  app: App,
  { ctx, isReady }: { ctx: AppContext; isReady: (() => boolean) | undefined },
): Promise<void> {
  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    if (isReady && !isReady()) return reply.code(503).send({ status: 'starting' });
    await checkHealth(ctx);
    return { status: 'ok' };
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
