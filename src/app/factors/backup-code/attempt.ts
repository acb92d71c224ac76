// Backup codes through the gate: ONE argon2id per attempt, then an indexed
// equality match and a conditional update (docs/adr/0001-backup-code-hashing.md).
import { backupCodesLow, backupCodeWarnings, normalizeCode } from '../../../domain/backup-codes.ts';
import { DomainError } from '../../../domain/errors.ts';
import { BACKUP_CODES_PER_SET, REPEAT_WINDOW_MS } from '../../../domain/policy.ts';
import { spendsFactor } from '../../../domain/second-factor.ts';
import {
  backupCodeUsedSince,
  consumeBackupCode,
  countUnusedBackupCodes,
  findLiveBackupCodeSet,
  isUnusedBackupCode,
} from '../../../storage/backup-codes-repository.ts';
import { appendAudit } from '../../../storage/events-repository.ts';
import { notices, notifyEmail } from '../../notifications.ts';
import { alreadySpent, type Factor, invalidCode, notAvailable } from '../factor.ts';

export const backupCodeFactor: Factor = async (ctx, account, input, now) => {
  const set = await findLiveBackupCodeSet(ctx.storage.db, account.id);
  if (!set) throw notAvailable('backup_code');
  if (input.code === undefined) throw new DomainError('invalid_request', 'A code is required.');
  const code = normalizeCode(input.code);
  return {
    // Scoped to the set: a reset issues new codes, and old guesses count again.
    guess: `${set.id}|${code}`,
    async verify() {
      const pepper = ctx.keyring.derive(set.pepper_version, 'backup-code-pepper');
      const codeHash = await ctx.hasher.hashBackupCode(code, Buffer.from(set.salt, 'base64url'), pepper);
      return async (trx) => {
        if (!spendsFactor(input.purpose)) {
          // The save-your-codes check: a right code stays unused; a wrong one is a counted guess.
          if (!(await isUnusedBackupCode(trx, set.id, codeHash))) return { ok: false, error: invalidCode() };
          const remaining = await countUnusedBackupCodes(trx, set.id);
          return { ok: true, outcome: { method: 'backup_code', warnings: [], backupCodesRemaining: remaining } };
        }
        if (!(await consumeBackupCode(trx, set.id, codeHash, now.toISOString()))) {
          const since = new Date(now.getTime() - REPEAT_WINDOW_MS).toISOString();
          return (await backupCodeUsedSince(trx, set.id, codeHash, since))
            ? alreadySpent()
            : { ok: false, error: invalidCode() };
        }
        const remaining = await countUnusedBackupCodes(trx, set.id);
        await appendAudit(trx, {
          accountId: account.id,
          event: 'backup_code_used',
          details: { setId: set.id, remaining, purpose: input.purpose },
          at: now.toISOString(),
        });
        await notifyEmail(
          ctx,
          trx,
          account,
          notices.backupCodeUsed(remaining, backupCodesLow(remaining) ? BACKUP_CODES_PER_SET : null, now),
        );
        return {
          ok: true,
          outcome: { method: 'backup_code', warnings: backupCodeWarnings(remaining), backupCodesRemaining: remaining },
        };
      };
    },
  };
};
