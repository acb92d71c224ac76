// Authenticator apps (RFC 6238): the account's one active binding.
import { AUTHORISING_PURPOSES } from '../../../domain/second-factor.ts';
import {
  findActiveTotpBinding,
  listEncryptedTotpSecrets,
  retireTotpBindings,
  updateTotpSecret,
} from '../../../storage/totp-repository.ts';
import { encryptedColumn } from '../../encrypted-columns.ts';
import { totpSecretAad } from '../../totp-secrets.ts';
import type { FactorModule } from '../factor.ts';
import { totpFactor } from './attempt.ts';

export const totpModule: FactorModule<'totp'> = {
  method: 'totp',
  allowedFor: AUTHORISING_PURPOSES,
  phishingResistant: false,
  restricted: false,
  isBound: async (db, accountId) => (await findActiveTotpBinding(db, accountId)) !== undefined,
  attempt: totpFactor,
  // Retired, not deleted: the audit trail keeps which binding was in use when.
  removeAll: (trx, accountId, at) => retireTotpBindings(trx, accountId, at, ['active', 'pending']),
  encryptedColumns: [
    encryptedColumn({
      table: 'totp_bindings',
      column: 'secret_enc',
      label: 'TOTP secret(s)',
      rows: listEncryptedTotpSecrets,
      key: (row) => row.id,
      ciphertext: (row) => row.secret_enc,
      aad: (row) => totpSecretAad(row.id),
      save: (db, row, ciphertext) => updateTotpSecret(db, row.id, ciphertext),
    }),
  ],
};
