// Routes of later features (recovery, support console) register here.
import type { AppContext } from '../../app/context.ts';
import type { App } from '../app-type.ts';
import { invitationRoutes } from './invitations.ts';
import { recoveryRoutes } from './recovery.ts';
import { recoveryTicketCancelRoutes } from './recovery-ticket-cancel.ts';
import { supportRoutes } from './support.ts';

export async function registerExtraRoutes(app: App, ctx: AppContext): Promise<void> {
  await recoveryRoutes(app, ctx);
  recoveryTicketCancelRoutes(app, ctx);
  supportRoutes(app, ctx);
  invitationRoutes(app, ctx);
}
