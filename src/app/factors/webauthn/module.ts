// Security keys (WebAuthn). Public keys are not secrets: nothing is encrypted.
import { AUTHORISING_PURPOSES } from '../../../domain/second-factor.ts';
import { deleteAccountSecurityKeys, listSecurityKeys } from '../../../storage/security-keys-repository.ts';
import type { FactorModule } from '../factor.ts';
import { webauthnFactor } from './attempt.ts';

export const webauthnModule: FactorModule<'webauthn'> = {
  method: 'webauthn',
  allowedFor: AUTHORISING_PURPOSES,
  phishingResistant: true,
  restricted: false,
  isBound: async (db, accountId) => (await listSecurityKeys(db, accountId)).length > 0,
  attempt: webauthnFactor,
  removeAll: (trx, accountId) => deleteAccountSecurityKeys(trx, accountId),
  encryptedColumns: [],
};
