// Opaque bearer tokens: 256 random bits, stored only as a SHA-256 hash
// (ASVS 5.0 7.2.3: ≥128 bits of entropy). A fast hash is right here: the
// token itself has full entropy, so there is nothing to brute-force.
import crypto from 'node:crypto';

export function newToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('base64url');
}

export function newId(): string {
  return crypto.randomUUID();
}
