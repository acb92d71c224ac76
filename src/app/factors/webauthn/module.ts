// Security keys (WebAuthn). Public keys are not secrets: nothing is encrypted.
import { deleteAccountSecurityKeys, listSecurityKeys } from '../../../storage/security-keys-repository.ts';
import type { FactorModule } from '../factor.ts';
import { webauthnFactor } from './attempt.ts';

export const webauthnModule: FactorModule<'webauthn'> = {
  method: 'webauthn',
  allowedFor: ['login', 'withdrawal', 'reset', 'factor_change', 'ticket_cancel'],
  isBound: async (db, accountId) => (await listSecurityKeys(db, accountId)).length > 0,
  attempt: webauthnFactor,
  removeAll: (trx, accountId) => deleteAccountSecurityKeys(trx, accountId),
  encryptedColumns: [],
};
