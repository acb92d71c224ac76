// Backup codes: one live set of one-time codes per account, and the encrypted
// copy kept for the short reveal window.
import {
  countUnusedBackupCodes,
  findLiveBackupCodeSet,
  listEncryptedReveals,
  revokeLiveBackupCodeSet,
  updateRevealCiphertext,
} from '../../../storage/backup-codes-repository.ts';
import { encryptedColumn } from '../../encrypted-columns.ts';
import { revealAad } from '../../issue-backup-codes.ts';
import type { FactorModule } from '../factor.ts';
import { backupCodeFactor } from './attempt.ts';

export const backupCodeModule: FactorModule<'backup_code'> = {
  method: 'backup_code',
  allowedFor: ['login', 'withdrawal', 'reset', 'factor_change', 'ticket_cancel'],
  // A spent set stays live (no automatic replenishment: the guide), but there
  // is nothing left to offer from it: the UI must not propose a dead method.
  async isBound(db, accountId) {
    const set = await findLiveBackupCodeSet(db, accountId);
    return set !== undefined && (await countUnusedBackupCodes(db, set.id)) > 0;
  },
  attempt: backupCodeFactor,
  removeAll: revokeLiveBackupCodeSet,
  encryptedColumns: [
    encryptedColumn({
      table: 'backup_code_sets',
      column: 'reveal_codes_enc',
      label: 'pending reveal(s)',
      rows: listEncryptedReveals,
      key: (row) => row.id,
      ciphertext: (row) => row.reveal_codes_enc,
      aad: (row) => revealAad(row.id),
      save: (db, row, ciphertext) => updateRevealCiphertext(db, row.id, ciphertext),
    }),
  ],
};
