// /v1/withdrawals: a second factor on every request; the lock policy decides.
import type { AppContext } from '../../app/context.ts';
import { accountWithdrawals, requestWithdrawal } from '../../app/withdrawals.ts';
import type { App } from '../app-type.ts';
import { authOf, origin, requireSession } from '../auth.ts';
import { WithdrawalAccepted, WithdrawalBody, WithdrawalList } from '../contract/withdrawals.ts';
import { SECOND_FACTOR_PROBLEMS } from '../openapi.ts';

const tags = ['withdrawals'];

export async function withdrawalRoutes(app: App, { ctx }: { ctx: AppContext }): Promise<void> {
  requireSession(app, ctx);

  app.post(
    '',
    {
      schema: {
        operationId: 'requestWithdrawal',
        tags,
        summary: 'Request a withdrawal (second factor on every request)',
        body: WithdrawalBody,
        response: { 201: WithdrawalAccepted },
      },
      config: {
        problems: [...SECOND_FACTOR_PROBLEMS, 'two_factor_required', 'withdrawal_locked', 'challenge_expired'],
      },
    },
    async (request, reply) =>
      reply.code(201).send(await requestWithdrawal(ctx, authOf(request).account, request.body, origin(request))),
  );

  app.get(
    '',
    {
      schema: {
        operationId: 'listWithdrawals',
        tags,
        summary: "The account's withdrawals",
        response: { 200: WithdrawalList },
      },
    },
    async (request) => ({ withdrawals: await accountWithdrawals(ctx, authOf(request).account.id) }),
  );
}
