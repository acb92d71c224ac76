// POST /v1/me/password: the signed-in owner changes the password (issue 12).
import { changePassword } from '../../../app/change-password.ts';
import type { AppContext } from '../../../app/context.ts';
import type { App } from '../../app-type.ts';
import { authOf, origin } from '../../auth.ts';
import { NoContent } from '../../contract/common.ts';
import { ChangePasswordBody } from '../../contract/passwords.ts';
import { SECOND_FACTOR_PROBLEMS } from '../../openapi.ts';

export function passwordRoutes(app: App, ctx: AppContext): void {
  app.post(
    '/password',
    {
      schema: {
        operationId: 'changePassword',
        tags: ['account security'],
        summary:
          'Change the password: the current one, plus a second factor when 2FA is on; signs out every other session and locks withdrawals',
        body: ChangePasswordBody,
        response: { 204: NoContent },
      },
      config: { problems: [...SECOND_FACTOR_PROBLEMS, 'invalid_credentials', 'weak_password', 'challenge_expired'] },
    },
    async (request, reply) => {
      const { account, session } = authOf(request);
      await changePassword(ctx, account, session.id, request.body, origin(request));
      return reply.code(204).send(null);
    },
  );
}
