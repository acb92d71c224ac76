import type { AppContext } from '../../app/context.ts';
import { accountWithdrawals, requestWithdrawal } from '../../app/withdrawals.ts';
import type { App } from '../app-type.ts';
import { authOf, origin, requireSession } from '../auth.ts';
import { WithdrawalAccepted, WithdrawalBody, WithdrawalList } from '../contract/withdrawals.ts';

export function withdrawalRoutes(app: App, ctx: AppContext): void {
  const preHandler = requireSession(ctx);
  app.post(
    '/v1/withdrawals',
    {
      schema: {
        tags: ['withdrawals'],
        summary: 'Request a withdrawal (second factor on every request)',
        body: WithdrawalBody,
        response: { 201: WithdrawalAccepted },
      },
      preHandler,
    },
    async (request, reply) =>
      reply.code(201).send(await requestWithdrawal(ctx, authOf(request).account, request.body, origin(request))),
  );

  app.get(
    '/v1/withdrawals',
    {
      schema: { tags: ['withdrawals'], summary: "The account's withdrawals", response: { 200: WithdrawalList } },
      preHandler,
    },
    async (request) => ({
      withdrawals: await accountWithdrawals(ctx, authOf(request).account.id),
    }),
  );
}
