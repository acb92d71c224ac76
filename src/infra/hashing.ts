// Slow hashes: argon2id for passwords (OWASP: m=19 MiB, t=2, p=1) and for
// backup codes (salted per set, peppered with a server key: NIST SP 800-63B-4
// §3.1.2.2 for look-up secrets under 112 bits). See docs/adr/0001-backup-code-hashing.md.
import crypto from 'node:crypto';
import { hash, hashRaw, verify } from '@node-rs/argon2';

// `Algorithm` is a const enum that isolated modules can't import: 2 is Argon2id.
const ARGON2ID = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

// NIST SP 800-63B-4 §3.1.1.2: passwords are Unicode-normalised (NFKC) before
// hashing, so the same password typed in another composed form still matches.
export async function hashPassword(password: string): Promise<string> {
  return hash(password.normalize('NFKC'), ARGON2ID);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password.normalize('NFKC'));
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/** Unknown emails are checked against this, so they cost the same time as known ones. */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(crypto.randomBytes(16).toString('hex'));
  return dummyHash;
}

/** ONE argon2id per attempt: the stored value is found by equality afterwards. */
export async function hashBackupCode(code: string, salt: Buffer, pepper: Buffer): Promise<string> {
  const raw = await hashRaw(code, { ...ARGON2ID, salt, secret: pepper, outputLen: 32 });
  return raw.toString('base64url');
}

export function newSalt(): Buffer {
  return crypto.randomBytes(16);
}
