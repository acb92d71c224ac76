// Issues a set of eight backup codes: hashed (one row per code) for use, and
// encrypted for the short reveal window during which they can be exported.
import { generateBackupCodes, REVEAL_WINDOW_MS } from '../domain/backup-codes.ts';
import { hashToken } from '../infra/tokens.ts';
import { insertBackupCodeSet, revokeLiveBackupCodeSet } from '../storage/backup-codes-repository.ts';
import type { Executor } from '../storage/executor.ts';
import type { AppContext } from './context.ts';

export interface PreparedBackupCodes {
  readonly setId: string;
  readonly codes: string[];
  readonly salt: Buffer;
  readonly pepperVersion: string;
  readonly hashes: string[];
}

export interface IssuedBackupCodes {
  readonly backupCodes: { setId: string; issuedAt: Date; codes: string[] };
  readonly revealToken: string;
  readonly revealExpiresAt: Date;
}

/** The slow part (eight argon2id hashes), done before the transaction opens. */
export async function prepareBackupCodes(ctx: AppContext): Promise<PreparedBackupCodes> {
  const codes = generateBackupCodes(ctx.randomInt);
  const salt = ctx.tokens.newSalt();
  const pepperVersion = ctx.keyring.currentVersion;
  const pepper = ctx.keyring.derive(pepperVersion, 'backup-code-pepper');
  const hashes = await Promise.all(codes.map((code) => ctx.hasher.hashBackupCode(code, salt, pepper)));
  return { setId: ctx.tokens.newId(), codes, salt, pepperVersion, hashes };
}

export function revealAad(setId: string): string {
  return `backup-codes-reveal:${setId}`;
}

/** Replaces the account's live set (if any) with the prepared one. */
export async function storeBackupCodes(
  ctx: AppContext,
  trx: Executor,
  accountId: string,
  prepared: PreparedBackupCodes,
): Promise<IssuedBackupCodes> {
  const now = ctx.clock.now();
  const revealToken = ctx.tokens.newToken();
  const revealExpiresAt = new Date(now.getTime() + REVEAL_WINDOW_MS);
  await revokeLiveBackupCodeSet(trx, accountId, now.toISOString());
  await insertBackupCodeSet(
    trx,
    {
      id: prepared.setId,
      account_id: accountId,
      salt: prepared.salt.toString('base64url'),
      pepper_version: prepared.pepperVersion,
      issued_at: now.toISOString(),
      revoked_at: null,
      reveal_token_hash: hashToken(revealToken),
      reveal_codes_enc: ctx.keyring.encrypt(JSON.stringify(prepared.codes), revealAad(prepared.setId)),
      reveal_expires_at: revealExpiresAt.toISOString(),
    },
    prepared.hashes.map((hash, position) => ({
      id: ctx.tokens.newId(),
      set_id: prepared.setId,
      position: position + 1,
      code_hash: hash,
      used_at: null,
    })),
  );
  return { backupCodes: { setId: prepared.setId, issuedAt: now, codes: prepared.codes }, revealToken, revealExpiresAt };
}
