import { TextReader, Uint8ArrayWriter, ZipWriter } from '@zip.js/zip.js';
import { MIN_ZIP_PASSWORD_LENGTH } from '../domain/backup-codes.ts';
import type { BackupCodeSheet } from './backup-code-sheet.ts';
import { backupCodeSheetText } from './backup-code-sheet-text.ts';

export const BACKUP_CODE_ZIP_ENTRY = 'latchkey-backup-codes.txt';

// The HTTP layer validates too, but the floor is checked here as well so no
// caller can produce a weakly protected archive by skipping that layer.

// The guide's "compromise solution": the sheet's text inside a ZIP encrypted
// with WinZip AES-256 (never ZipCrypto, which is broken), for users who will
// not print.
export async function renderBackupCodeZip(sheet: BackupCodeSheet, password: string): Promise<Uint8Array> {
  // Counted in code points, so a password of 12 emoji is 12 characters, not 24.
  if ([...password].length < MIN_ZIP_PASSWORD_LENGTH) {
    throw new RangeError(`the ZIP password must be at least ${MIN_ZIP_PASSWORD_LENGTH} characters`);
  }
  const text = backupCodeSheetText(sheet);

  const writer = new ZipWriter(new Uint8ArrayWriter(), {
    password,
    encryptionStrength: 3,
    zipCrypto: false,
    // Set per writer rather than with the global configure(): Node has no web
    // workers to spawn, and a per-call option cannot leak into other users of
    // zip.js in the same process.
    useWebWorkers: false,
    // The entry's date is the set's issue date, so it matches the sheet.
    lastModDate: sheet.issuedAt,
  });
  await writer.add(BACKUP_CODE_ZIP_ENTRY, new TextReader(text));
  return writer.close();
}
