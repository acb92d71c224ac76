// Key rotation: with a key file (development), appends a new key; with
// LATCHKEY_SECRET_KEYS, the operator appends the new key there first. Either
// way every secret at rest is then re-encrypted under the newest key: TOTP
// secrets, codes awaiting their reveal, phones, queued SMS and their recipients, webhook secrets and evidence files.
// Old keys stay in the ring: backup-code hashes are peppered with the key
// version they were made with and can't be re-hashed without the codes.
import fs from 'node:fs';
import { revealAad } from '../app/issue-backup-codes.ts';
import { PHONE_AAD } from '../app/phone-numbers.ts';
import { OUTBOX_SMS_AAD, outboxRecipientAad, plainOutboxRecipient } from '../app/sms-codes.ts';
import type { Config } from '../config.ts';
import { reencryptEvidence, removeEvidenceVersion } from '../infra/evidence-files.ts';
import { type Keyring, keyFilePath, loadKeyring, newKeyEntry } from '../infra/keyring.ts';
import { listEncryptedReveals, updateRevealCiphertext } from '../storage/backup-codes-repository.ts';
import { openStorage } from '../storage/database.ts';
import { listEncryptedSms, updateMessageBody, updateMessageRecipient } from '../storage/events-repository.ts';
import type { Executor } from '../storage/executor.ts';
import { listEncryptedPhones, updatePhoneCiphertext } from '../storage/phones-repository.ts';
import { listEvidenceKeyVersions, updateEvidenceKeyVersion } from '../storage/recovery-repository.ts';
import { listEncryptedTotpSecrets, updateTotpSecret } from '../storage/totp-repository.ts';
import { listEncryptedWebhookSecrets, updateWebhookSecret } from '../storage/webhooks-repository.ts';
import { webhookSecretAad } from '../webhooks/endpoints.ts';

interface EncryptedColumn<Row> {
  readonly label: string;
  list(db: Executor): Promise<Row[]>;
  ciphertext(row: Row): string;
  aad(row: Row): string;
  save(db: Executor, row: Row, ciphertext: string): Promise<void>;
  /** A value stored before the column was encrypted: encrypted now. */
  plaintext?(row: Row): string | undefined;
}

/** Re-encrypts every value of one column that isn't under the current key yet. */
function rotator<Row>(column: EncryptedColumn<Row>) {
  return {
    label: column.label,
    async run(db: Executor, keyring: Keyring): Promise<number> {
      let count = 0;
      for (const row of await column.list(db)) {
        const ciphertext = column.ciphertext(row);
        if (keyring.versionOf(ciphertext) === keyring.currentVersion) continue;
        const plain = column.plaintext?.(row) ?? keyring.decrypt(ciphertext, column.aad(row));
        await column.save(db, row, keyring.encrypt(plain, column.aad(row)));
        count += 1;
      }
      return count;
    },
  };
}

const columns = [
  rotator({
    label: 'TOTP secret(s)',
    list: listEncryptedTotpSecrets,
    ciphertext: (r) => r.secret_enc,
    aad: (r) => `totp:${r.id}`,
    save: (db, r, c) => updateTotpSecret(db, r.id, c),
  } satisfies EncryptedColumn<{ id: string; secret_enc: string }>),
  rotator({
    label: 'pending reveal(s)',
    list: listEncryptedReveals,
    ciphertext: (r) => r.reveal_codes_enc,
    aad: (r) => revealAad(r.id),
    save: (db, r, c) => updateRevealCiphertext(db, r.id, c),
  } satisfies EncryptedColumn<{ id: string; reveal_codes_enc: string }>),
  rotator({
    label: 'phone(s)',
    list: listEncryptedPhones,
    ciphertext: (r) => r.phone_enc,
    aad: (r) => PHONE_AAD(r.account_id),
    save: (db, r, c) => updatePhoneCiphertext(db, r.account_id, c),
  } satisfies EncryptedColumn<{ account_id: string; phone_enc: string }>),
  rotator({
    label: 'queued SMS',
    list: listEncryptedSms,
    ciphertext: (r) => r.body,
    aad: () => OUTBOX_SMS_AAD,
    save: (db, r, c) => updateMessageBody(db, r.id, c),
  } satisfies EncryptedColumn<{ id: number; body: string }>),
  rotator({
    label: 'queued SMS recipient(s)',
    list: listEncryptedSms,
    ciphertext: (r) => r.recipient,
    aad: (r) => outboxRecipientAad(r.id),
    save: (db, r, c) => updateMessageRecipient(db, r.id, c),
    plaintext: plainOutboxRecipient,
  } satisfies EncryptedColumn<{ id: number; recipient: string }>),
  rotator({
    label: 'webhook secret(s)',
    list: listEncryptedWebhookSecrets,
    ciphertext: (r) => r.secret_enc,
    aad: (r) => webhookSecretAad(r.id),
    save: (db, r, c) => updateWebhookSecret(db, r.id, c),
  } satisfies EncryptedColumn<{ id: string; secret_enc: string }>),
];

export async function rotateKeys(config: Config): Promise<string> {
  let keyring: Keyring = loadKeyring(config);
  if (!config.secretKeys) {
    const next = `v${keyring.versions.length + 1}`;
    fs.appendFileSync(keyFilePath(config.dataDir), `${newKeyEntry(next)}\n`, { mode: 0o600 });
    keyring = loadKeyring(config);
  }
  const storage = await openStorage({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const report: string[] = await storage.db.transaction().execute(async (trx) => {
      const lines: string[] = [];
      for (const column of columns) lines.push(`${await column.run(trx, keyring)} ${column.label}`);
      return lines;
    });
    let files = 0;
    for (const evidence of await listEvidenceKeyVersions(storage.db)) {
      if (evidence.key_version === keyring.currentVersion) continue;
      // New copy first, then the row, then the old copy goes: a crash anywhere
      // leaves the row naming a file that exists.
      const version = await reencryptEvidence(keyring, config.dataDir, evidence.id, evidence.key_version);
      await updateEvidenceKeyVersion(storage.db, evidence.id, version);
      removeEvidenceVersion(config.dataDir, evidence.id, evidence.key_version);
      files += 1;
    }
    report.push(`${files} evidence file(s)`);
    return `current key ${keyring.currentVersion}; re-encrypted ${report.join(', ')}`;
  } finally {
    await storage.close();
  }
}
