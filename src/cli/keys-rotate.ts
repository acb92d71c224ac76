// Key rotation: with a key file (development), appends a new key; with
// LATCHKEY_SECRET_KEYS, the operator appends the new key there first. Either
// way every secret at rest is then re-encrypted under the newest key. Old keys
// stay in the ring: backup-code hashes are peppered with the key version they
// were made with and can't be re-hashed without the codes.
import fs from 'node:fs';
import { revealAad } from '../app/issue-backup-codes.ts';
import { decryptTotpSecret, encryptTotpSecret } from '../app/totp-secrets.ts';
import type { Config } from '../config.ts';
import { type Keyring, keyFilePath, loadKeyring, newKeyEntry } from '../infra/keyring.ts';
import { listEncryptedReveals, updateRevealCiphertext } from '../storage/backup-codes-repository.ts';
import { openStorage } from '../storage/database.ts';
import { listEncryptedTotpSecrets, updateTotpSecret } from '../storage/totp-repository.ts';

export async function rotateKeys(config: Config): Promise<string> {
  let keyring: Keyring = loadKeyring(config);
  if (!config.secretKeys) {
    const next = `v${keyring.versions.length + 1}`;
    fs.appendFileSync(keyFilePath(config.dataDir), `${newKeyEntry(next)}\n`, { mode: 0o600 });
    keyring = loadKeyring(config);
  }
  const storage = await openStorage({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const counts = await storage.db.transaction().execute(async (trx) => {
      let totp = 0;
      for (const row of await listEncryptedTotpSecrets(trx)) {
        if (keyring.versionOf(row.secret_enc) === keyring.currentVersion) continue;
        await updateTotpSecret(trx, row.id, encryptTotpSecret(keyring, row.id, decryptTotpSecret(keyring, row)));
        totp += 1;
      }
      let reveals = 0;
      for (const row of await listEncryptedReveals(trx)) {
        if (keyring.versionOf(row.reveal_codes_enc) === keyring.currentVersion) continue;
        const plain = keyring.decrypt(row.reveal_codes_enc, revealAad(row.id));
        await updateRevealCiphertext(trx, row.id, keyring.encrypt(plain, revealAad(row.id)));
        reveals += 1;
      }
      return { totp, reveals };
    });
    return `current key ${keyring.currentVersion}; re-encrypted ${counts.totp} TOTP secret(s) and ${counts.reveals} pending reveal(s)`;
  } finally {
    await storage.close();
  }
}
