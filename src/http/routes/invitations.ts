// Accepting a support agent's invitation (issue 11, #2): the one-time token
// from `agent add` sets the agent's password. The agent then signs in and
// binds 2FA through the usual calls.
import { Type } from 'typebox';
import { acceptInvitation } from '../../app/agent-invitations.ts';
import type { AppContext } from '../../app/context.ts';
import type { App } from '../app-type.ts';
import { closed, Password, Token } from '../schemas.ts';

export function invitationRoutes(app: App, ctx: AppContext): void {
  app.post(
    '/v1/invitations/accept',
    {
      schema: {
        tags: ['support'],
        summary: "Accept a support agent's invitation: set the password",
        body: closed({ token: Token, password: Password }),
        response: { 200: Type.Object({ email: Type.String() }) },
      },
    },
    async (request) => acceptInvitation(ctx, request.body),
  );
}
