// Slow hashes: argon2id for passwords (OWASP: m=19 MiB, t=2, p=1) and for
// backup codes (salted per set, peppered with a server key: NIST SP 800-63B-4
// §3.1.2.2 for look-up secrets under 112 bits). See docs/adr/0001-backup-code-hashing.md.
// Use cases reach it through `ctx.hasher` (the composition root installs the
// production parameters; in-process tests install cheap ones).
import crypto from 'node:crypto';
import { hash, hashRaw, verify } from '@node-rs/argon2';

export interface Argon2Parameters {
  /** KiB */
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

/** OWASP Password Storage Cheat Sheet, argon2id option 2: 19 MiB, 2 passes, 1 lane. */
export const PRODUCTION_ARGON2: Argon2Parameters = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

export interface Hasher {
  hashPassword(password: string): Promise<string>;
  /** False for a wrong password and for a hash that cannot be read. */
  verifyPassword(passwordHash: string, password: string): Promise<boolean>;
  /** Unknown emails are checked against this, so they cost the same time as known ones. */
  dummyPasswordHash(): Promise<string>;
  /** ONE argon2id per attempt: the stored value is found by equality afterwards. */
  hashBackupCode(code: string, salt: Buffer, pepper: Buffer): Promise<string>;
}

export function argon2Hasher(parameters: Argon2Parameters): Hasher {
  // `Algorithm` is a const enum that isolated modules can't import: 2 is Argon2id.
  const options = { algorithm: 2, ...parameters } as const;
  // NIST SP 800-63B-4 §3.1.1.2: passwords are Unicode-normalised (NFKC) before
  // hashing, so the same password typed in another composed form still matches.
  const hashPassword = (password: string) => hash(password.normalize('NFKC'), options);
  let dummyHash: Promise<string> | undefined;
  return {
    hashPassword,
    async verifyPassword(passwordHash, password) {
      try {
        return await verify(passwordHash, password.normalize('NFKC'));
      } catch {
        return false;
      }
    },
    dummyPasswordHash() {
      dummyHash ??= hashPassword(crypto.randomBytes(16).toString('hex'));
      return dummyHash;
    },
    async hashBackupCode(code, salt, pepper) {
      const raw = await hashRaw(code, { ...options, salt, secret: pepper, outputLen: 32 });
      return raw.toString('base64url');
    },
  };
}
