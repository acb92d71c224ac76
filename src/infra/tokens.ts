// Opaque bearer tokens: 256 random bits, stored only as a SHA-256 hash
// (ASVS 5.0 7.2.3: ≥128 bits of entropy). A fast hash is right here: the
// token itself has full entropy, so there is nothing to brute-force.
// Use cases draw tokens, ids and salts through `ctx.tokens`.
import crypto from 'node:crypto';
import { randomBytes } from './random.ts';

export interface TokenSource {
  /** 256 random bits, base64url. */
  newToken(): string;
  /** A random UUID (v4) for a new row. */
  newId(): string;
  /** 16 random bytes for a backup-code set. */
  newSalt(): Buffer;
}

export const cryptoTokens: TokenSource = {
  newToken: () => randomBytes(32).toString('base64url'),
  newId: () => crypto.randomUUID(),
  newSalt: () => randomBytes(16),
};

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('base64url');
}

/** For storage code that creates its own rows (the SQL attempt budget). */
export function newId(): string {
  return cryptoTokens.newId();
}
