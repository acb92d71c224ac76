// /v1/me: the signed-in account's own security. One scope, one session hook
// for every route in it; the routes are grouped by resource.
import type { AppContext } from '../../../app/context.ts';
import type { App } from '../../app-type.ts';
import { requireSession } from '../../auth.ts';
import { passwordRoutes } from './password.ts';
import { phoneRoutes } from './phone.ts';
import { securityRoutes } from './security.ts';
import { securityKeyRoutes } from './security-keys.ts';
import { ownSessionRoutes } from './sessions.ts';
import { twoFactorRoutes } from './two-factor.ts';

export async function meRoutes(app: App, { ctx }: { ctx: AppContext }): Promise<void> {
  requireSession(app, ctx);
  securityRoutes(app, ctx);
  twoFactorRoutes(app, ctx);
  securityKeyRoutes(app, ctx);
  phoneRoutes(app, ctx);
  passwordRoutes(app, ctx);
  ownSessionRoutes(app, ctx);
}
