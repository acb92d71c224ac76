// Binding the authenticator, the backup codes, and resetting 2FA (/v1/me/…).
import { type Static, Type } from 'typebox';
import { MIN_ZIP_PASSWORD_LENGTH } from '../../domain/backup-codes.ts';
import {
  Binary,
  Code,
  ConfirmBindingBody,
  closed,
  IssuedBackupCodes,
  Password,
  StepUpFields,
  Token,
} from './common.ts';

export const ConfirmTotpBody = ConfirmBindingBody;
export const BackupCodesIssued = closed(IssuedBackupCodes);

export const ExportBody = Type.Union([
  closed({ revealToken: Token, format: Type.Literal('pdf') }),
  closed({
    revealToken: Token,
    format: Type.Literal('zip'),
    password: Type.String({ minLength: MIN_ZIP_PASSWORD_LENGTH, maxLength: 1024 }),
  }),
]);
export const AcknowledgeBody = closed({ revealToken: Token });
export const CheckBackupCodeBody = closed({ code: Code });

export const ResetBody = closed({
  password: Password,
  method: Type.Union([Type.Literal('totp'), Type.Literal('backup_code'), Type.Literal('webauthn')]),
  code: StepUpFields.code,
  response: StepUpFields.response,
});

export type ConfirmTotpBody = Static<typeof ConfirmTotpBody>;
export type BackupCodesIssued = Static<typeof BackupCodesIssued>;
export type ExportBody = Static<typeof ExportBody>;
export type AcknowledgeBody = Static<typeof AcknowledgeBody>;
export type CheckBackupCodeBody = Static<typeof CheckBackupCodeBody>;
export type ResetBody = Static<typeof ResetBody>;

/** The printable sheet or the encrypted ZIP (answer of the export). */
export const BackupCodesFile = {
  description: 'The printable PDF sheet, or the AES-256 encrypted ZIP',
  content: { 'application/pdf': { schema: Binary }, 'application/zip': { schema: Binary } },
};
