// /v1/accounts: sign-up.
import type { AppContext } from '../../app/context.ts';
import { signUp } from '../../app/create-account.ts';
import type { App } from '../app-type.ts';
import { signInOrigin } from '../auth.ts';
import { AccountCreated, CreateAccountBody } from '../contract/accounts.ts';

export async function accountRoutes(app: App, { ctx }: { ctx: AppContext }): Promise<void> {
  app.post(
    '',
    {
      schema: {
        operationId: 'createAccount',
        tags: ['accounts'],
        summary: 'Create an account',
        body: CreateAccountBody,
        response: { 201: AccountCreated },
      },
      config: { problems: ['email_taken', 'weak_password', 'rate_limited'] },
    },
    async (request, reply) => reply.code(201).send(await signUp(ctx, request.body, signInOrigin(ctx, request, reply))),
  );
}
