// GET /v1/me/security: the account's 2FA state.
import type { AppContext } from '../../../app/context.ts';
import { securityOverview } from '../../../app/security-overview.ts';
import type { App } from '../../app-type.ts';
import { authOf } from '../../auth.ts';
import { SecurityState } from '../../contract/me.ts';

export function securityRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/security',
    {
      schema: {
        operationId: 'getSecurityState',
        tags: ['account security'],
        summary: "The account's 2FA state",
        response: { 200: SecurityState },
      },
    },
    async (request) => securityOverview(ctx, authOf(request).account),
  );
}
