// /v1/me/sessions and /v1/me/activity: the owner's signed-in browsers, signing
// them out, and the account's recent sign-ins.
import type { AppContext } from '../../../app/context.ts';
import { ownActivity } from '../../../app/own-activity.ts';
import { listOwnSessions, signOutOtherSessions, signOutSession } from '../../../app/own-sessions.ts';
import type { App } from '../../app-type.ts';
import { authOf, clearSessionCookies } from '../../auth.ts';
import { ActivityList, SessionList, SessionParams, SessionsRevoked } from '../../contract/activity.ts';
import { EmptyBody, NoContent } from '../../contract/common.ts';

const tags = ['account security'];

export function ownSessionRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/sessions',
    {
      schema: {
        operationId: 'listMySessions',
        tags,
        summary: "The account's signed-in sessions, the caller's marked current",
        response: { 200: SessionList },
      },
    },
    async (request) => ({ sessions: await listOwnSessions(ctx, authOf(request)) }),
  );

  app.delete(
    '/sessions/:id',
    {
      schema: {
        operationId: 'signOutMySession',
        tags,
        summary: "Sign out one of the account's sessions (the current one too: that is a logout)",
        params: SessionParams,
        response: { 204: NoContent },
      },
      config: { problems: ['not_found'] },
    },
    async (request, reply) => {
      const auth = authOf(request);
      await signOutSession(ctx, auth, request.params.id);
      if (request.params.id === auth.session.id) clearSessionCookies(ctx, reply);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/sessions/revoke-others',
    {
      schema: {
        operationId: 'signOutMyOtherSessions',
        tags,
        summary: 'Sign out everywhere else: every session of the account but this one',
        body: EmptyBody,
        response: { 200: SessionsRevoked },
      },
    },
    async (request) => ({ revoked: await signOutOtherSessions(ctx, authOf(request)) }),
  );

  app.get(
    '/activity',
    {
      schema: {
        operationId: 'getMyActivity',
        tags,
        summary: "The account's recent sign-ins, newest first",
        response: { 200: ActivityList },
      },
    },
    async (request) => ({ events: await ownActivity(ctx, authOf(request).account.id) }),
  );
}
