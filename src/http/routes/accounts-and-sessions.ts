import type { AppContext } from '../../app/context.ts';
import { createAccount } from '../../app/create-account.ts';
import { finishLogin } from '../../app/finish-login.ts';
import { startLogin } from '../../app/start-login.ts';
import { revokeSession } from '../../storage/sessions-repository.ts';
import type { App } from '../app-type.ts';
import { authOf, clearSessionCookies, origin, requireSession, setSessionCookies } from '../auth.ts';
import { AccountCreated, CreateAccountBody } from '../contract/accounts.ts';
import { LoginBody, LoginResponse, VerifyBody, VerifyResponse } from '../contract/sessions.ts';

export function accountAndSessionRoutes(app: App, ctx: AppContext): void {
  app.post(
    '/v1/accounts',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Create an account',
        body: CreateAccountBody,
        response: { 201: AccountCreated },
      },
    },
    async (request, reply) => reply.code(201).send(await createAccount(ctx, request.body)),
  );

  app.post(
    '/v1/sessions',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Password step of login',
        body: LoginBody,
        response: { 200: LoginResponse },
      },
    },
    async (request, reply) => {
      const started = await startLogin(ctx, request.body, origin(request));
      if (started.status === 'authenticated') {
        setSessionCookies(ctx, request, reply, started.token, started.expiresAt);
        return { status: started.status, token: started.token, expiresAt: started.expiresAt.toISOString() };
      }
      return {
        status: started.status,
        challenge: started.challenge,
        methods: started.methods,
        expiresAt: started.expiresAt.toISOString(),
      };
    },
  );

  app.post(
    '/v1/sessions/verify',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Second-factor step of login',
        body: VerifyBody,
        response: { 200: VerifyResponse },
      },
    },
    async (request, reply) => {
      const done = await finishLogin(ctx, request.body, origin(request));
      setSessionCookies(ctx, request, reply, done.token, done.expiresAt);
      return {
        status: 'authenticated' as const,
        token: done.token,
        expiresAt: done.expiresAt.toISOString(),
        warnings: done.warnings,
        ...(done.backupCodesRemaining !== undefined ? { backupCodesRemaining: done.backupCodesRemaining } : {}),
      };
    },
  );

  app.delete(
    '/v1/sessions/current',
    { schema: { tags: ['sessions'], summary: 'Log out' }, preHandler: requireSession(ctx) },
    async (request, reply) => {
      await revokeSession(ctx.storage.db, authOf(request).session.id, ctx.clock.now().toISOString());
      clearSessionCookies(reply);
      return reply.code(204).send(null);
    },
  );
}
