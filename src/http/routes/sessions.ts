// /v1/sessions: the password step, the second-factor step and its helpers
// (an SMS code, security-key options), and logout.

import { cancelTicketsWithSecondFactor, openTicketsForChallenge } from '../../app/cancel-recovery-tickets.ts';
import type { AppContext } from '../../app/context.ts';
import { finishLogin } from '../../app/finish-login.ts';
import { openLoginChallenge } from '../../app/login-challenge.ts';
import { sendSecondFactorSms } from '../../app/phone-numbers.ts';
import { reauthenticate } from '../../app/reauthenticate.ts';
import { securityKeyAssertionOptions } from '../../app/security-keys.ts';
import { endSession } from '../../app/sessions.ts';
import { startLogin } from '../../app/start-login.ts';
import type { App } from '../app-type.ts';
import { authOf, clearSessionCookies, origin, requireSession, setSessionCookies, signInOrigin } from '../auth.ts';
import { NoContent, Sent, type Warning } from '../contract/common.ts';
import { WebauthnOptions } from '../contract/security-keys.ts';
import {
  CancelTicketsBody,
  ChallengeBody,
  ChallengeQuery,
  LoginBody,
  LoginResponse,
  OpenTickets,
  ReauthenticateBody,
  Reauthenticated,
  TicketsCancelled,
  VerifyBody,
  VerifyResponse,
} from '../contract/sessions.ts';
import { SECOND_FACTOR_PROBLEMS } from '../openapi.ts';

const tags = ['sessions'];

/** What a passed second factor tells the user: warnings, and the backup codes left after one was used. */
function factorNotes(done: { warnings: Warning[]; backupCodesRemaining?: number | undefined }) {
  return {
    warnings: done.warnings,
    ...(done.backupCodesRemaining !== undefined ? { backupCodesRemaining: done.backupCodesRemaining } : {}),
  };
}

export async function sessionRoutes(app: App, { ctx }: { ctx: AppContext }): Promise<void> {
  app.post(
    '',
    {
      schema: {
        operationId: 'login',
        tags,
        summary: 'Password step of login',
        body: LoginBody,
        response: { 200: LoginResponse },
      },
      config: { problems: ['invalid_credentials', 'account_frozen', 'recovery_binding_required', 'rate_limited'] },
    },
    async (request, reply) => {
      const started = await startLogin(ctx, request.body, signInOrigin(ctx, request, reply));
      if (started.status === 'authenticated') {
        setSessionCookies(ctx, request, reply, started.token, started.expiresAt);
        return { status: started.status, token: started.token, expiresAt: started.expiresAt.toISOString() };
      }
      return {
        status: started.status,
        challenge: started.challenge,
        methods: started.methods,
        expiresAt: started.expiresAt.toISOString(),
        ...(started.backupCodesRemaining === undefined ? {} : { backupCodesRemaining: started.backupCodesRemaining }),
      };
    },
  );

  app.post(
    '/verify',
    {
      schema: {
        operationId: 'verifyLogin',
        tags,
        summary: 'Second-factor step of login',
        body: VerifyBody,
        response: { 200: VerifyResponse },
      },
      config: { problems: [...SECOND_FACTOR_PROBLEMS, 'challenge_expired', 'account_frozen'] },
    },
    async (request, reply) => {
      const done = await finishLogin(ctx, request.body, signInOrigin(ctx, request, reply));
      setSessionCookies(ctx, request, reply, done.token, done.expiresAt);
      return {
        status: 'authenticated' as const,
        token: done.token,
        expiresAt: done.expiresAt.toISOString(),
        ...factorNotes(done),
      };
    },
  );

  app.post(
    '/sms',
    {
      schema: {
        operationId: 'sendLoginSms',
        tags,
        summary: 'Send an SMS code for this login',
        body: ChallengeBody,
        response: { 202: Sent },
      },
      config: { problems: ['challenge_expired', 'method_not_available', 'rate_limited'] },
    },
    async (request, reply) => {
      const { account } = await openLoginChallenge(ctx, request.body.challenge);
      await sendSecondFactorSms(ctx, account.id, 'login');
      return reply.code(202).send({ status: 'sent' });
    },
  );

  app.post(
    '/webauthn/options',
    {
      schema: {
        operationId: 'loginSecurityKeyOptions',
        tags,
        summary: 'Options for a security-key login',
        body: ChallengeBody,
        response: { 200: WebauthnOptions },
      },
      config: { problems: ['challenge_expired', 'method_not_available'] },
    },
    async (request) => {
      const { account } = await openLoginChallenge(ctx, request.body.challenge);
      return securityKeyAssertionOptions(ctx, account.id, 'login');
    },
  );

  app.get(
    '/recovery-tickets',
    {
      schema: {
        operationId: 'openRecoveryTicketsForLogin',
        tags,
        summary: "The account's open recovery tickets, shown on the second-factor step (login challenge)",
        querystring: ChallengeQuery,
        response: { 200: OpenTickets },
      },
      config: { problems: ['challenge_expired'] },
    },
    async (request) => openTicketsForChallenge(ctx, request.query.challenge),
  );

  app.post(
    '/recovery-tickets/cancel',
    {
      schema: {
        operationId: 'cancelRecoveryTickets',
        tags,
        summary: "Cancel the account's open recovery tickets with its second factor (ends a freeze)",
        body: CancelTicketsBody,
        response: { 200: TicketsCancelled },
      },
      config: { problems: [...SECOND_FACTOR_PROBLEMS, 'challenge_expired', 'invalid_state', 'account_frozen'] },
    },
    async (request) => {
      const done = await cancelTicketsWithSecondFactor(ctx, request.body, origin(request));
      return {
        cancelled: done.cancelled,
        ...factorNotes(done),
      };
    },
  );

  await app.register(async (current: App) => {
    requireSession(current, ctx);
    current.delete(
      '/current',
      { schema: { operationId: 'logout', tags, summary: 'Log out', response: { 204: NoContent } } },
      async (request, reply) => {
        await endSession(ctx, authOf(request).session.id);
        clearSessionCookies(ctx, reply);
        return reply.code(204).send(null);
      },
    );
    current.post(
      '/current/second-factor',
      {
        schema: {
          operationId: 'reauthenticate',
          tags,
          summary: 'Prove a second factor again in this session (an app asked for a fresh or stronger one)',
          body: ReauthenticateBody,
          response: { 200: Reauthenticated },
        },
        config: { problems: SECOND_FACTOR_PROBLEMS },
      },
      async (request) => {
        const auth = authOf(request);
        const done = await reauthenticate(
          ctx,
          { account: auth.account, sessionId: auth.session.id },
          request.body,
          origin(request),
        );
        return { method: done.method, provenAt: done.provenAt.toISOString(), ...factorNotes(done) };
      },
    );
  });
}
