import { acknowledgeBackupCodes, exportBackupCodes } from '../../app/backup-code-reveal.ts';
import { beginAuthenticatorSetup } from '../../app/bind-authenticator.ts';
import { confirmAuthenticator } from '../../app/confirm-authenticator.ts';
import type { AppContext } from '../../app/context.ts';
import { resetTwoFactor } from '../../app/reset-two-factor.ts';
import { securityOverview } from '../../app/security-overview.ts';
import type { App } from '../app-type.ts';
import { authOf, origin, requireSession } from '../auth.ts';
import { EmptyBody, NoContent, PendingBinding } from '../contract/common.ts';
import { SecurityState } from '../contract/me.ts';
import { AcknowledgeBody, BackupCodesIssued, ConfirmTotpBody, ExportBody, ResetBody } from '../contract/two-factor.ts';

export function twoFactorRoutes(app: App, ctx: AppContext): void {
  const preHandler = requireSession(ctx);

  app.get(
    '/v1/me/security',
    {
      schema: { tags: ['account security'], summary: "The account's 2FA state", response: { 200: SecurityState } },
      preHandler,
    },
    async (request) => securityOverview(ctx, authOf(request).account),
  );

  app.post(
    '/v1/me/totp/setup',
    {
      schema: {
        tags: ['account security'],
        summary: 'Start binding an authenticator',
        body: EmptyBody,
        response: { 200: PendingBinding },
      },
      preHandler,
    },
    async (request) => {
      const pending = await beginAuthenticatorSetup(ctx, authOf(request).account);
      return { ...pending, expiresAt: pending.expiresAt.toISOString() };
    },
  );

  app.post(
    '/v1/me/totp/confirm',
    {
      schema: {
        tags: ['account security'],
        summary: 'Confirm a binding with a code; issues 8 backup codes',
        body: ConfirmTotpBody,
        response: { 200: BackupCodesIssued },
      },
      preHandler,
    },
    async (request) => {
      const { account, session } = authOf(request);
      const issued = await confirmAuthenticator(ctx, account, session.id, request.body);
      return {
        backupCodes: { ...issued.backupCodes, issuedAt: issued.backupCodes.issuedAt.toISOString() },
        revealToken: issued.revealToken,
        revealExpiresAt: issued.revealExpiresAt.toISOString(),
      };
    },
  );

  app.post(
    '/v1/me/backup-codes/export',
    {
      schema: {
        tags: ['account security'],
        summary: 'Download the new codes as a printable PDF or an AES-256 ZIP',
        body: ExportBody,
      },
      preHandler,
    },
    async (request, reply) => {
      const file = await exportBackupCodes(ctx, authOf(request).account, request.body);
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .header('cache-control', 'no-store')
        .send(file.body);
    },
  );

  app.post(
    '/v1/me/backup-codes/acknowledge',
    {
      schema: {
        tags: ['account security'],
        summary: 'Close the reveal window for good',
        body: AcknowledgeBody,
        response: { 204: NoContent },
      },
      preHandler,
    },
    async (request, reply) => {
      await acknowledgeBackupCodes(ctx, authOf(request).account, request.body.revealToken);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/v1/me/two-factor/reset',
    {
      schema: {
        tags: ['account security'],
        summary: 'Reset 2FA with the password and a working factor',
        body: ResetBody,
        response: { 200: PendingBinding },
      },
      preHandler,
    },
    async (request) => {
      const pending = await resetTwoFactor(ctx, authOf(request).account, request.body, origin(request));
      return { ...pending, expiresAt: pending.expiresAt.toISOString() };
    },
  );
}
