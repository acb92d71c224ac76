// A versioned keyring for secrets at rest (AES-256-GCM) and the server-side
// pepper for backup codes. The last key encrypts; every key decrypts.
// LATCHKEY_SECRET_KEYS="v1:<base64 32 bytes>,v2:<base64 32 bytes>"; outside
// production a generated key file in the data folder (mode 0600) stands in.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from './random.ts';

const KEY_BYTES = 32;
const IV_BYTES = 12;

type KeyList = ReadonlyArray<readonly [string, Buffer]>;

export class Keyring {
  #keys: ReadonlyMap<string, Buffer> = new Map();
  #currentVersion = '';
  /** Subkeys derived so far, by version and purpose: HKDF once per process, not per request. */
  readonly #subkeys = new Map<string, Buffer>();
  readonly #reload: (() => KeyList) | undefined;

  /**
   * `reload` (key-file mode) is asked again when a ciphertext names a version this
   * ring does not know: `keys rotate` appends a key and re-encrypts while servers
   * run, and they must go on decrypting without a restart.
   */
  constructor(keys: KeyList, reload?: () => KeyList) {
    this.#use(keys);
    this.#reload = reload;
  }

  #use(keys: KeyList): void {
    if (keys.length === 0) throw new Error('the keyring needs at least one key');
    this.#keys = new Map(keys);
    this.#subkeys.clear();
    this.#currentVersion = keys[keys.length - 1]?.[0] ?? '';
  }

  get currentVersion(): string {
    return this.#currentVersion;
  }

  get versions(): string[] {
    return [...this.#keys.keys()];
  }

  #key(version: string): Buffer {
    if (!this.#keys.has(version) && this.#reload) this.#use(this.#reload());
    const key = this.#keys.get(version);
    if (!key) throw new Error(`no key with version ${version} in the keyring`);
    return key;
  }

  /** `aad` binds the ciphertext to its place (e.g. the row it belongs to), so it can't be moved. */
  encrypt(plaintext: Uint8Array | string, aad: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.#key(this.currentVersion), iv);
    cipher.setAAD(Buffer.from(aad));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url'));
    return [this.currentVersion, ...parts].join('.');
  }

  decrypt(token: string, aad: string): Buffer {
    const [version, iv, tag, body] = token.split('.');
    if (!version || !iv || !tag || body === undefined) throw new Error('malformed ciphertext');
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.#key(version), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
  }

  versionOf(token: string): string {
    return token.split('.', 1)[0] ?? '';
  }

  /** A purpose-bound subkey (HKDF-SHA256), e.g. the backup-code pepper of a key version. */
  derive(version: string, purpose: string): Buffer {
    const memo = `${version}|${purpose}`;
    let subkey = this.#subkeys.get(memo);
    if (!subkey) {
      subkey = Buffer.from(
        crypto.hkdfSync('sha256', this.#key(version), Buffer.alloc(0), `latchkey:${purpose}`, KEY_BYTES),
      );
      this.#subkeys.set(memo, subkey);
    }
    // A copy: callers own what they get.
    return Buffer.from(subkey);
  }

  /** Keyed fingerprint of short values (attempt dedupe) that must not be stored in the clear. */
  fingerprint(purpose: string, value: string): string {
    const [first] = this.#keys.keys();
    return crypto
      .createHmac('sha256', this.derive(first ?? this.currentVersion, purpose))
      .update(value)
      .digest('base64url');
  }

  /** A key for streaming encryption of files (evidence). */
  fileKey(version: string): Buffer {
    return this.derive(version, 'file-encryption');
  }
}

export function parseKeyList(raw: string): Array<[string, Buffer]> {
  return raw.split(',').map((entry) => {
    const [version, encoded] = entry.trim().split(':');
    const key = Buffer.from(encoded ?? '', 'base64');
    if (!version || !/^[a-z0-9]+$/i.test(version) || key.length !== KEY_BYTES) {
      throw new Error('LATCHKEY_SECRET_KEYS: expected comma-separated version:base64 pairs of 32-byte keys');
    }
    return [version, key];
  });
}

export function newKeyEntry(version: string): string {
  return `${version}:${crypto.randomBytes(KEY_BYTES).toString('base64')}`;
}

export function keyFilePath(dataDir: string): string {
  return path.join(dataDir, 'secret-keys');
}

/** Loads the keyring from the environment, or (outside production) from a generated 0600 key file. */
export function loadKeyring(options: {
  secretKeys: string | undefined;
  dataDir: string;
  production: boolean;
}): Keyring {
  if (options.secretKeys) return new Keyring(parseKeyList(options.secretKeys));
  if (options.production) throw new Error('LATCHKEY_SECRET_KEYS: expected the keyring in production');
  const file = keyFilePath(options.dataDir);
  fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  if (!fs.existsSync(file)) {
    try {
      fs.writeFileSync(file, `${newKeyEntry('v1')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another instance wrote it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const read = () => parseKeyList(fs.readFileSync(file, 'utf8').trim().split('\n').join(','));
  return new Keyring(read(), read);
}
