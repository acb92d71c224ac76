// /v1/password-resets: "Forgot password?" (issue 12). Asking answers 202 for
// any address; the emailed link's token opens the rest. No session: the token
// (and, with 2FA, the second factor) is the authority.

import { confirmPasswordReset, inspectResetLink, resetLinkKeyOptions } from '../../app/confirm-password-reset.ts';
import type { AppContext } from '../../app/context.ts';
import { requestPasswordReset } from '../../app/request-password-reset.ts';
import type { App } from '../app-type.ts';
import { origin } from '../auth.ts';
import { NoContent } from '../contract/common.ts';
import {
  ConfirmPasswordResetBody,
  PasswordResetAccepted,
  PasswordResetRequestBody,
  ResetLinkView,
  ResetTokenBody,
} from '../contract/passwords.ts';
import { WebauthnOptions } from '../contract/security-keys.ts';
import { SECOND_FACTOR_PROBLEMS } from '../openapi.ts';

const tags = ['password reset'];

export async function passwordResetRoutes(app: App, { ctx }: { ctx: AppContext }): Promise<void> {
  app.post(
    '',
    {
      schema: {
        operationId: 'requestPasswordReset',
        tags,
        summary: 'Email a single-use link to set a new password (the same answer for an unknown address)',
        body: PasswordResetRequestBody,
        response: { 202: PasswordResetAccepted },
      },
      config: { problems: ['rate_limited'] },
    },
    async (request, reply) => {
      await requestPasswordReset(ctx, request.body, origin(request));
      return reply.code(202).send({ status: 'accepted' as const });
    },
  );

  app.post(
    '/check',
    {
      schema: {
        operationId: 'checkPasswordResetLink',
        tags,
        summary: 'Whether a link still works, and whether the new password needs a second factor',
        body: ResetTokenBody,
        response: { 200: ResetLinkView },
      },
      config: { problems: ['invalid_token', 'account_frozen', 'recovery_binding_required'] },
    },
    async (request) => inspectResetLink(ctx, request.body.token),
  );

  app.post(
    '/webauthn/options',
    {
      schema: {
        operationId: 'passwordResetSecurityKeyOptions',
        tags,
        summary: 'Options for confirming the reset with a security key',
        body: ResetTokenBody,
        response: { 200: WebauthnOptions },
      },
      config: { problems: ['invalid_token', 'account_frozen', 'recovery_binding_required', 'method_not_available'] },
    },
    async (request) => resetLinkKeyOptions(ctx, request.body.token),
  );

  app.post(
    '/confirm',
    {
      schema: {
        operationId: 'confirmPasswordReset',
        tags,
        summary:
          'Set the new password with the link (plus a second factor when 2FA is on); signs out every session and locks withdrawals',
        body: ConfirmPasswordResetBody,
        response: { 204: NoContent },
      },
      config: {
        problems: [
          ...SECOND_FACTOR_PROBLEMS,
          'invalid_token',
          'weak_password',
          'account_frozen',
          'recovery_binding_required',
          'challenge_expired',
        ],
      },
    },
    async (request, reply) => {
      await confirmPasswordReset(ctx, request.body, origin(request));
      return reply.code(204).send(null);
    },
  );
}
