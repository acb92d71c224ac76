// /v1/invitations: accepting a support agent's invitation (issue 11, #2). The
// one-time token from `agent add` sets the agent's password; the agent then
// signs in and binds 2FA through the usual calls.
import { acceptInvitation } from '../../app/agent-invitations.ts';
import type { AppContext } from '../../app/context.ts';
import type { App } from '../app-type.ts';
import { AcceptInvitationBody, InvitationAccepted } from '../contract/invitations.ts';

export async function invitationRoutes(app: App, { ctx }: { ctx: AppContext }): Promise<void> {
  app.post(
    '/accept',
    {
      schema: {
        operationId: 'acceptInvitation',
        tags: ['support'],
        summary: "Accept a support agent's invitation: set the password",
        body: AcceptInvitationBody,
        response: { 200: InvitationAccepted },
      },
      config: { problems: ['not_found', 'weak_password'] },
    },
    async (request) => acceptInvitation(ctx, request.body),
  );
}
