import { insertMany } from './bulk-insert.ts';
import type { Executor } from './executor.ts';
import { changed } from './executor.ts';
import { prepared } from './prepared.ts';
import type { BackupCodeSetsTable, BackupCodesTable } from './schema.ts';

export type BackupCodeSetRow = BackupCodeSetsTable;
export type BackupCodeRow = BackupCodesTable;

export async function insertBackupCodeSet(db: Executor, set: BackupCodeSetRow, codes: BackupCodeRow[]): Promise<void> {
  await db.insertInto('backup_code_sets').values(set).execute();
  await db.insertInto('backup_codes').values(codes).execute();
}

// A backup-code login reads the live set and spends a code: built once (prepared.ts).
const liveSetQuery = prepared((db, p: { accountId: string }) =>
  db.selectFrom('backup_code_sets').selectAll().where('account_id', '=', p.accountId).where('revoked_at', 'is', null),
);
const unusedCountQuery = prepared((db, p: { setId: string }) =>
  db
    .selectFrom('backup_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('set_id', '=', p.setId)
    .where('used_at', 'is', null),
);
const consumeQuery = prepared((db, p: { setId: string; codeHash: string; now: string }) =>
  db
    .updateTable('backup_codes')
    .set({ used_at: p.now })
    .where('set_id', '=', p.setId)
    .where('code_hash', '=', p.codeHash)
    .where('used_at', 'is', null)
    .where((eb) =>
      eb.exists(
        eb.selectFrom('backup_code_sets').select('id').where('id', '=', p.setId).where('revoked_at', 'is', null),
      ),
    ),
);
const usedSinceQuery = prepared((db, p: { setId: string; codeHash: string; since: string }) =>
  db
    .selectFrom('backup_codes')
    .select('id')
    .where('set_id', '=', p.setId)
    .where('code_hash', '=', p.codeHash)
    .where('used_at', '>=', p.since),
);

export async function findLiveBackupCodeSet(db: Executor, accountId: string): Promise<BackupCodeSetRow | undefined> {
  return liveSetQuery.first(db, { accountId });
}

export async function countUnusedBackupCodes(db: Executor, setId: string): Promise<number> {
  const row = await unusedCountQuery.first(db, { setId });
  return Number(row?.n ?? 0);
}

/**
 * Marks the code used if it is unused and its set is live. The affected-row
 * count says who won: a code is dead the moment this commits.
 */
export async function consumeBackupCode(db: Executor, setId: string, codeHash: string, now: string): Promise<boolean> {
  return (await consumeQuery.changed(db, { setId, codeHash, now })) === 1;
}

/** True when the code is an unused one of the set and the set is live (the save-your-codes check: nothing is spent). */
export async function isUnusedBackupCode(db: Executor, setId: string, codeHash: string): Promise<boolean> {
  const row = await db
    .selectFrom('backup_codes')
    .innerJoin('backup_code_sets', 'backup_code_sets.id', 'backup_codes.set_id')
    .select('backup_codes.id')
    .where('backup_codes.set_id', '=', setId)
    .where('backup_codes.code_hash', '=', codeHash)
    .where('backup_codes.used_at', 'is', null)
    .where('backup_code_sets.revoked_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

/** True when this code of the set was used at or after `since` (a repeat of a code that just worked). */
export async function backupCodeUsedSince(
  db: Executor,
  setId: string,
  codeHash: string,
  since: string,
): Promise<boolean> {
  return (await usedSinceQuery.first(db, { setId, codeHash, since })) !== undefined;
}

/** A set dies only when 2FA is reset or recovered; its reveal copy goes with it. */
export async function revokeLiveBackupCodeSet(db: Executor, accountId: string, now: string): Promise<void> {
  await db
    .updateTable('backup_code_sets')
    .set({ revoked_at: now, reveal_codes_enc: null, reveal_token_hash: null, reveal_expires_at: null })
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function findSetByRevealToken(
  db: Executor,
  accountId: string,
  revealTokenHash: string,
): Promise<BackupCodeSetRow | undefined> {
  return db
    .selectFrom('backup_code_sets')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('reveal_token_hash', '=', revealTokenHash)
    .executeTakeFirst();
}

/** Destroys the encrypted reveal copy: after this the codes exist only as hashes. */
export async function closeReveal(db: Executor, setId: string): Promise<void> {
  await db
    .updateTable('backup_code_sets')
    .set({ reveal_codes_enc: null, reveal_expires_at: null })
    .where('id', '=', setId)
    .execute();
}

export async function purgeExpiredReveals(db: Executor, now: string): Promise<number> {
  const result = await db
    .updateTable('backup_code_sets')
    .set({ reveal_codes_enc: null, reveal_expires_at: null })
    .where('reveal_codes_enc', 'is not', null)
    .where('reveal_expires_at', '<=', now)
    .executeTakeFirst();
  return changed(result);
}

export async function listEncryptedReveals(db: Executor): Promise<Array<{ id: string; reveal_codes_enc: string }>> {
  const rows = await db
    .selectFrom('backup_code_sets')
    .select(['id', 'reveal_codes_enc'])
    .where('reveal_codes_enc', 'is not', null)
    .execute();
  return rows.flatMap((r) => (r.reveal_codes_enc ? [{ id: r.id, reveal_codes_enc: r.reveal_codes_enc }] : []));
}

export async function updateRevealCiphertext(db: Executor, id: string, ciphertext: string): Promise<void> {
  await db.updateTable('backup_code_sets').set({ reveal_codes_enc: ciphertext }).where('id', '=', id).execute();
}

/** Many sets and their codes, a statement per table (`seed`). */
export async function insertBackupCodeSets(
  db: Executor,
  sets: readonly BackupCodeSetRow[],
  codes: readonly BackupCodeRow[],
): Promise<void> {
  await insertMany(db, 'backup_code_sets', sets);
  await insertMany(db, 'backup_codes', codes);
}
