// The reveal window: until the user acknowledges (or 15 minutes pass) the
// codes of a new set can be exported; afterwards they exist only as hashes.

import { renderBackupCodeSheetPdf } from '../documents/backup-code-sheet-pdf.ts';
import { renderBackupCodeZip } from '../documents/backup-code-zip.ts';
import type { Account } from '../domain/account.ts';
import { DomainError } from '../domain/errors.ts';
import { hashToken } from '../infra/tokens.ts';
import {
  type BackupCodeSetRow,
  closeReveal,
  findSetByRevealToken,
  purgeExpiredReveals,
} from '../storage/backup-codes-repository.ts';
import { appendAudit } from '../storage/events-repository.ts';
import type { AppContext } from './context.ts';
import { revealAad } from './issue-backup-codes.ts';

async function openReveal(
  ctx: AppContext,
  account: Account,
  revealToken: string,
): Promise<{ set: BackupCodeSetRow; codes: string[]; expiresAt: string }> {
  const set = await findSetByRevealToken(ctx.storage.db, account.id, hashToken(revealToken));
  const now = ctx.clock.now().toISOString();
  if (
    !set ||
    set.revoked_at !== null ||
    !set.reveal_codes_enc ||
    !set.reveal_expires_at ||
    set.reveal_expires_at <= now
  ) {
    throw new DomainError('reveal_closed', 'The codes can no longer be shown or exported. Reset 2FA to get a new set.');
  }
  const codes = JSON.parse(ctx.keyring.decrypt(set.reveal_codes_enc, revealAad(set.id)).toString('utf8')) as string[];
  return { set, codes, expiresAt: set.reveal_expires_at };
}

export type ExportRequest =
  | { revealToken: string; format: 'pdf' }
  | { revealToken: string; format: 'zip'; password: string };

export async function exportBackupCodes(
  ctx: AppContext,
  account: Account,
  request: ExportRequest,
): Promise<{ contentType: string; fileName: string; body: Buffer }> {
  const { set, codes } = await openReveal(ctx, account, request.revealToken);
  const sheet = {
    productName: ctx.config.issuer,
    accountEmail: account.email,
    setId: set.id,
    issuedAt: new Date(set.issued_at),
    codes,
  };
  await appendAudit(ctx.storage.db, {
    accountId: account.id,
    event: 'backup_codes_exported',
    details: { setId: set.id, format: request.format },
    at: ctx.clock.now().toISOString(),
  });
  if (request.format === 'pdf') {
    return {
      contentType: 'application/pdf',
      fileName: 'latchkey-backup-codes.pdf',
      body: await renderBackupCodeSheetPdf(sheet),
    };
  }
  return {
    contentType: 'application/zip',
    fileName: 'latchkey-backup-codes.zip',
    body: Buffer.from(await renderBackupCodeZip(sheet, request.password)),
  };
}

/** "Show them again": the same codes, while the reveal window is open (after it: `reveal_closed`). */
export async function revealBackupCodesAgain(
  ctx: AppContext,
  account: Account,
  revealToken: string,
): Promise<{
  backupCodes: { setId: string; issuedAt: string; codes: string[] };
  revealToken: string;
  revealExpiresAt: string;
}> {
  const { set, codes, expiresAt } = await openReveal(ctx, account, revealToken);
  await appendAudit(ctx.storage.db, {
    accountId: account.id,
    event: 'backup_codes_shown_again',
    details: { setId: set.id },
    at: ctx.clock.now().toISOString(),
  });
  return {
    backupCodes: { setId: set.id, issuedAt: new Date(set.issued_at).toISOString(), codes },
    revealToken,
    revealExpiresAt: new Date(expiresAt).toISOString(),
  };
}

export async function acknowledgeBackupCodes(ctx: AppContext, account: Account, revealToken: string): Promise<void> {
  const set = await findSetByRevealToken(ctx.storage.db, account.id, hashToken(revealToken));
  if (!set) throw new DomainError('reveal_closed', 'The reveal window is closed.');
  await ctx.storage.db.transaction().execute(async (trx) => {
    await closeReveal(trx, set.id);
    await appendAudit(trx, {
      accountId: account.id,
      event: 'backup_codes_acknowledged',
      details: { setId: set.id },
      at: ctx.clock.now().toISOString(),
    });
  });
}

/** The periodic purge: reveal copies past their window are destroyed. */
export async function purgeReveals(ctx: AppContext): Promise<number> {
  return purgeExpiredReveals(ctx.storage.db, ctx.clock.now().toISOString());
}
