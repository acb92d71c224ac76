// Key rotation: with a key file (development), appends a new key; with
// LATCHKEY_SECRET_KEYS, the operator appends the new key there first. Either
// way every secret at rest is then re-encrypted under the newest key: every
// factor's encrypted columns (TOTP secrets, codes awaiting their reveal, phones,
// queued SMS and their recipients: factors/registry.ts), webhook and OpenID
// client secrets, OpenID signing keys (rolled too) and the evidence files.
// Old keys stay in the ring: backup-code hashes are peppered with the key
// version they were made with and can't be re-hashed without the codes.
import fs from 'node:fs';
import { type EncryptedColumn, encryptedColumn } from '../app/encrypted-columns.ts';
import { FACTOR_MODULES } from '../app/factors/registry.ts';
import { outboxEmailColumn } from '../app/outbox-email.ts';
import type { Config } from '../config.ts';
import { reencryptEvidence, removeEvidenceVersion } from '../infra/evidence-files.ts';
import { type Keyring, keyFilePath, loadKeyring, newKeyEntry } from '../infra/keyring.ts';
import { clientSecretAad, listEncryptedClientSecrets, updateClientSecret } from '../oidc/clients.ts';
import {
  listEncryptedSigningKeys,
  rollSigningKey,
  signingKeyAad,
  updateSigningKeyCiphertext,
} from '../oidc/signing-keys.ts';
import { openStorage, type Storage } from '../storage/database.ts';
import type { Executor } from '../storage/executor.ts';
import { listEvidenceKeyVersions, updateEvidenceKeyVersion } from '../storage/recovery-repository.ts';
import { listEncryptedWebhookSecrets, updateWebhookSecret } from '../storage/webhooks-repository.ts';
import { webhookSecretAad } from '../webhooks/endpoints.ts';

/** Every encrypted column: each factor declares its own (factors/registry.ts), then the others. */
export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  ...FACTOR_MODULES.flatMap((factor) => factor.encryptedColumns),
  outboxEmailColumn,
  encryptedColumn({
    table: 'webhook_endpoints',
    column: 'secret_enc',
    label: 'webhook secret(s)',
    rows: listEncryptedWebhookSecrets,
    key: (row) => row.id,
    ciphertext: (row) => row.secret_enc,
    aad: (row) => webhookSecretAad(row.id),
    save: (db, row, ciphertext) => updateWebhookSecret(db, row.id, ciphertext),
  }),
  encryptedColumn({
    table: 'oidc_clients',
    column: 'secret_enc',
    label: 'OpenID client secret(s)',
    rows: listEncryptedClientSecrets,
    key: (row) => row.id,
    ciphertext: (row) => row.secret_enc,
    aad: (row) => clientSecretAad(row.id),
    save: (db, row, ciphertext) => updateClientSecret(db, row.id, ciphertext),
  }),
  encryptedColumn({
    table: 'oidc_signing_keys',
    column: 'private_jwk_enc',
    label: 'OpenID signing key(s)',
    rows: listEncryptedSigningKeys,
    key: (row) => row.kid,
    ciphertext: (row) => row.private_jwk_enc,
    aad: (row) => signingKeyAad(row.kid),
    save: (db, row, ciphertext) => updateSigningKeyCiphertext(db, row.kid, ciphertext),
  }),
];

/** Re-encrypts every value of one column that isn't under the current key yet. */
async function rotateColumn(db: Executor, keyring: Keyring, column: EncryptedColumn): Promise<number> {
  let count = 0;
  for (const value of await column.list(db)) {
    if (keyring.versionOf(value.ciphertext) === keyring.currentVersion) continue;
    const plain = value.plaintext ?? keyring.decrypt(value.ciphertext, value.aad);
    await value.save(db, keyring.encrypt(plain, value.aad));
    count += 1;
  }
  return count;
}

/** `storage`: an already open database (tests); otherwise the configured one is opened and closed. */
export async function rotateKeys(config: Config, storage?: Storage): Promise<string> {
  let keyring: Keyring = loadKeyring(config);
  if (!config.secretKeys) {
    const next = `v${keyring.versions.length + 1}`;
    fs.appendFileSync(keyFilePath(config.dataDir), `${newKeyEntry(next)}\n`, { mode: 0o600 });
    keyring = loadKeyring(config);
  }
  const opened =
    storage ??
    (await openStorage({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      sqliteSynchronous: config.sqliteSynchronous,
    }));
  try {
    const report: string[] = await opened.db.transaction().execute(async (trx) => {
      const lines: string[] = [];
      for (const column of ENCRYPTED_COLUMNS) lines.push(`${await rotateColumn(trx, keyring, column)} ${column.label}`);
      // The OpenID token signing key rolls too; the old public key stays in the JWKS while its tokens live.
      await rollSigningKey(trx, keyring, new Date());
      lines.push('a new OpenID signing key');
      return lines;
    });
    let files = 0;
    for (const evidence of await listEvidenceKeyVersions(opened.db)) {
      if (evidence.key_version === keyring.currentVersion) continue;
      // New copy first, then the row, then the old copy goes: a crash anywhere
      // leaves the row naming a file that exists.
      const version = await reencryptEvidence(keyring, config.dataDir, evidence.id, evidence.key_version);
      await updateEvidenceKeyVersion(opened.db, evidence.id, version);
      removeEvidenceVersion(config.dataDir, evidence.id, evidence.key_version);
      files += 1;
    }
    report.push(`${files} evidence file(s)`);
    return `current key ${keyring.currentVersion}; re-encrypted ${report.join(', ')}`;
  } finally {
    if (!storage) await opened.close();
  }
}
