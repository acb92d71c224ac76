// Identity evidence at rest: one file per upload under <dataDir>/evidence,
// encrypted with AES-256-GCM as it streams in, so the whole file is never in
// memory and never on disk in the clear (architecture: "Secrets at rest").
//
// File layout: [12-byte random IV][ciphertext][16-byte GCM auth tag], named
// <evidence id>.<key version>, so a re-encrypted copy sits beside the old one
// until the row names it (key rotation is crash-safe).
// The key is keyring.fileKey(version) (the version is stored with the row);
// the evidence id is the additional authenticated data, so a file can't be
// swapped for another ticket's file without failing authentication.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type Readable, Transform, type TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Keyring } from './keyring.ts';

const IV_BYTES = 12;
const TAG_BYTES = 16;

function evidenceDir(dataDir: string): string {
  return path.join(dataDir, 'evidence');
}

function evidencePath(dataDir: string, id: string, version: string): string {
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error('evidence ids are UUIDs');
  if (!/^[a-z0-9]+$/i.test(version)) throw new Error('key versions are alphanumeric');
  return path.join(evidenceDir(dataDir), `${id}.${version}`);
}

function aad(id: string): Buffer {
  return Buffer.from(`latchkey:evidence:${id}`);
}

class EncryptStream extends Transform {
  readonly #cipher: crypto.CipherGCM;

  constructor(key: Buffer, id: string) {
    super();
    const iv = crypto.randomBytes(IV_BYTES);
    this.#cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
    this.#cipher.setAAD(aad(id));
    this.push(iv);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    done(null, this.#cipher.update(chunk));
  }

  override _flush(done: TransformCallback): void {
    this.push(this.#cipher.final());
    done(null, this.#cipher.getAuthTag());
  }
}

/**
 * Streams `source` through `inspect` (type and size checks that may fail the
 * stream) into an encrypted file. On any error the partial file is removed.
 */
export async function writeEncryptedEvidence(
  keyring: Keyring,
  dataDir: string,
  id: string,
  source: Readable,
  inspect: Transform,
): Promise<{ keyVersion: string }> {
  fs.mkdirSync(evidenceDir(dataDir), { recursive: true, mode: 0o700 });
  const keyVersion = keyring.currentVersion;
  const file = evidencePath(dataDir, id, keyVersion);
  // Opened before streaming starts, so the file exists by the time any error
  // can happen and the cleanup below can't race the stream's own open().
  const handle = await fs.promises.open(file, 'wx', 0o600);
  try {
    await pipeline(source, inspect, new EncryptStream(keyring.fileKey(keyVersion), id), handle.createWriteStream());
  } catch (error) {
    await handle.close().catch(() => undefined);
    removeEvidenceFile(dataDir, id);
    throw error;
  }
  return { keyVersion };
}

/** Removes every copy of the evidence (any key version). */
export function removeEvidenceFile(dataDir: string, id: string): void {
  const dir = evidenceDir(dataDir);
  if (!fs.existsSync(dir)) return;
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith(`${id}.`)) fs.rmSync(path.join(dir, name), { force: true });
  }
}

/** Free space for evidence (statfs of its folder), as an unprivileged process may use it. */
export async function freeEvidenceBytes(dataDir: string): Promise<number> {
  fs.mkdirSync(evidenceDir(dataDir), { recursive: true, mode: 0o700 });
  const stats = await fs.promises.statfs(evidenceDir(dataDir));
  return stats.bavail * stats.bsize;
}

/** Removes one key version's copy (the old one, once the row names the new). */
export function removeEvidenceVersion(dataDir: string, id: string, version: string): void {
  fs.rmSync(evidencePath(dataDir, id, version), { force: true });
}

async function openDecipher(keyring: Keyring, file: string, id: string, keyVersion: string) {
  const handle = await fs.promises.open(file, 'r');
  let iv: Buffer;
  let tag: Buffer;
  let size: number;
  try {
    size = (await handle.stat()).size;
    if (size < IV_BYTES + TAG_BYTES) throw new Error(`evidence file ${id} is truncated`);
    iv = Buffer.alloc(IV_BYTES);
    tag = Buffer.alloc(TAG_BYTES);
    await handle.read(iv, 0, IV_BYTES, 0);
    await handle.read(tag, 0, TAG_BYTES, size - TAG_BYTES);
  } finally {
    await handle.close();
  }
  const decipher = crypto.createDecipheriv('aes-256-gcm', keyring.fileKey(keyVersion), iv);
  decipher.setAAD(aad(id));
  decipher.setAuthTag(tag);
  const body = fs.createReadStream(file, { start: IV_BYTES, end: size - TAG_BYTES - 1 });
  body.on('error', (error) => decipher.destroy(error));
  return body.pipe(decipher);
}

/**
 * A stream of the decrypted file. The whole file is authenticated first (one
 * pass that discards the plaintext), so a tampered file is refused before a
 * single byte of it is served.
 */
export async function readDecryptedEvidence(
  keyring: Keyring,
  dataDir: string,
  id: string,
  keyVersion: string,
): Promise<Readable> {
  const file = evidencePath(dataDir, id, keyVersion);
  await pipeline(
    await openDecipher(keyring, file, id, keyVersion),
    new Writable({ write: (_chunk, _encoding, done) => done() }),
  );
  return openDecipher(keyring, file, id, keyVersion);
}

/**
 * Re-encrypts one evidence file under the keyring's current key (key rotation)
 * into a new file beside the old one; the caller switches the row to the new
 * version, then removes the old copy.
 */
export async function reencryptEvidence(
  keyring: Keyring,
  dataDir: string,
  id: string,
  fromVersion: string,
): Promise<string> {
  const toVersion = keyring.currentVersion;
  const target = evidencePath(dataDir, id, toVersion);
  const temporary = `${target}.rotating`;
  const source = await readDecryptedEvidence(keyring, dataDir, id, fromVersion);
  try {
    await pipeline(
      source,
      new EncryptStream(keyring.fileKey(toVersion), id),
      fs.createWriteStream(temporary, { mode: 0o600 }),
    );
    fs.renameSync(temporary, target);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  return toVersion;
}
