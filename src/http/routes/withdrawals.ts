import { Type } from 'typebox';
import type { AppContext } from '../../app/context.ts';
import { accountWithdrawals, requestWithdrawal } from '../../app/withdrawals.ts';
import type { App } from '../app-type.ts';
import { authOf, origin, requireSession } from '../auth.ts';
import { closed, StepUpFields, Warning } from '../schemas.ts';

export function withdrawalRoutes(app: App, ctx: AppContext): void {
  const preHandler = requireSession(ctx);
  app.post(
    '/v1/withdrawals',
    {
      schema: {
        tags: ['withdrawals'],
        summary: 'Request a withdrawal (second factor on every request)',
        body: closed({
          asset: Type.String({ pattern: '^[A-Z0-9]{2,12}$' }),
          amount: Type.String({
            pattern: '^(?!0+(\\.0+)?$)\\d{1,20}(\\.\\d{1,18})?$',
            description: 'A positive decimal as a string',
          }),
          address: Type.String({ minLength: 10, maxLength: 128, pattern: '^[A-Za-z0-9:_.-]+$' }),
          ...StepUpFields,
        }),
        response: {
          201: Type.Object({
            withdrawalId: Type.String(),
            status: Type.Literal('accepted'),
            warnings: Type.Array(Warning),
            backupCodesRemaining: Type.Optional(Type.Integer()),
          }),
        },
      },
      preHandler,
    },
    async (request, reply) =>
      reply.code(201).send(await requestWithdrawal(ctx, authOf(request).account, request.body, origin(request))),
  );

  app.get(
    '/v1/withdrawals',
    { schema: { tags: ['withdrawals'], summary: "The account's withdrawals" }, preHandler },
    async (request) => ({
      withdrawals: await accountWithdrawals(ctx, authOf(request).account.id),
    }),
  );
}
