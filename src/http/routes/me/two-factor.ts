// Binding the authenticator, the backup codes' reveal window, and resetting 2FA.
import { acknowledgeBackupCodes, exportBackupCodes, revealBackupCodesAgain } from '../../../app/backup-code-reveal.ts';
import { beginAuthenticatorSetup } from '../../../app/bind-authenticator.ts';
import { checkBackupCode } from '../../../app/check-backup-code.ts';
import { confirmAuthenticator } from '../../../app/confirm-authenticator.ts';
import type { AppContext } from '../../../app/context.ts';
import { resetTwoFactor } from '../../../app/reset-two-factor.ts';
import type { App } from '../../app-type.ts';
import { authOf, origin } from '../../auth.ts';
import { EmptyBody, NoContent, PendingBinding } from '../../contract/common.ts';
import {
  AcknowledgeBody,
  BackupCodesFile,
  BackupCodesIssued,
  CheckBackupCodeBody,
  ConfirmTotpBody,
  ExportBody,
  ResetBody,
} from '../../contract/two-factor.ts';
import { SECOND_FACTOR_PROBLEMS } from '../../openapi.ts';

const tags = ['account security'];

export function twoFactorRoutes(app: App, ctx: AppContext): void {
  app.post(
    '/totp/setup',
    {
      schema: {
        operationId: 'startTotpSetup',
        tags,
        summary: 'Start binding an authenticator',
        body: EmptyBody,
        response: { 200: PendingBinding },
      },
      config: { problems: ['two_factor_already_enabled'] },
    },
    async (request) => {
      const pending = await beginAuthenticatorSetup(ctx, authOf(request).account);
      return { ...pending, expiresAt: pending.expiresAt.toISOString() };
    },
  );

  app.post(
    '/totp/confirm',
    {
      schema: {
        operationId: 'confirmTotp',
        tags,
        summary: 'Confirm a binding with a code; issues 8 backup codes',
        body: ConfirmTotpBody,
        response: { 200: BackupCodesIssued },
      },
      config: {
        problems: ['invalid_code', 'clock_out_of_sync', 'setup_expired', 'two_factor_already_enabled', 'rate_limited'],
      },
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
    '/backup-codes/export',
    {
      schema: {
        operationId: 'exportBackupCodes',
        tags,
        summary: 'Download the new codes as a printable PDF or an AES-256 ZIP',
        body: ExportBody,
        response: { 200: BackupCodesFile },
      },
      config: { problems: ['reveal_closed'] },
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
    '/backup-codes/reveal',
    {
      schema: {
        operationId: 'revealBackupCodesAgain',
        tags,
        summary: 'Show the new codes again while the reveal window is open',
        body: AcknowledgeBody,
        response: { 200: BackupCodesIssued },
      },
      config: { problems: ['reveal_closed'] },
    },
    async (request, reply) => {
      const shown = await revealBackupCodesAgain(ctx, authOf(request).account, request.body.revealToken);
      return reply.header('cache-control', 'no-store').send(shown);
    },
  );

  app.post(
    '/backup-codes/check',
    {
      schema: {
        operationId: 'checkBackupCode',
        tags,
        summary: 'Check that a backup code is one of the live set, without using it up (counts as a guess)',
        body: CheckBackupCodeBody,
        response: { 204: NoContent },
      },
      config: { problems: ['invalid_request', 'invalid_code', 'method_not_available', 'rate_limited'] },
    },
    async (request, reply) => {
      await checkBackupCode(ctx, authOf(request).account, request.body.code, origin(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/backup-codes/acknowledge',
    {
      schema: {
        operationId: 'acknowledgeBackupCodes',
        tags,
        summary: 'Close the reveal window for good',
        body: AcknowledgeBody,
        response: { 204: NoContent },
      },
      config: { problems: ['reveal_closed'] },
    },
    async (request, reply) => {
      await acknowledgeBackupCodes(ctx, authOf(request).account, request.body.revealToken);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/two-factor/reset',
    {
      schema: {
        operationId: 'resetTwoFactor',
        tags,
        summary: 'Reset 2FA with the password and a working factor',
        body: ResetBody,
        response: { 200: PendingBinding },
      },
      config: { problems: [...SECOND_FACTOR_PROBLEMS, 'invalid_credentials', 'challenge_expired'] },
    },
    async (request) => {
      const pending = await resetTwoFactor(ctx, authOf(request).account, request.body, origin(request));
      return { ...pending, expiresAt: pending.expiresAt.toISOString() };
    },
  );
}
