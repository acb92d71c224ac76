// The provider's token signing keys: generated here, kept encrypted under the
// keyring, rolled by `keys rotate`. A rolled key stays in the JWKS until every
// token signed with it has expired.
import crypto from 'node:crypto';
import type { JWK } from 'oidc-provider';
import type { Keyring } from '../infra/keyring.ts';
import type { Executor } from '../storage/executor.ts';
import { LONGEST_SIGNED_TOKEN_SECONDS } from './token-lifetimes.ts';

const keyAad = (kid: string) => `oidc-signing-key:${kid}`;

async function insertKey(db: Executor, keyring: Keyring, now: Date): Promise<string> {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = crypto.randomBytes(12).toString('base64url');
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  await db
    .insertInto('oidc_signing_keys')
    .values({
      kid,
      private_jwk_enc: keyring.encrypt(JSON.stringify(jwk), keyAad(kid)),
      created_at: now.toISOString(),
      retired_at: null,
    })
    .execute();
  return kid;
}

/** Makes sure a current key exists (the first start generates one). */
export async function ensureSigningKey(db: Executor, keyring: Keyring, now: Date): Promise<void> {
  const current = await db
    .selectFrom('oidc_signing_keys')
    .select('kid')
    .where('retired_at', 'is', null)
    .executeTakeFirst();
  if (!current) await insertKey(db, keyring, now);
}

/** `keys rotate`: retires the current key and signs with a new one from now on. */
export async function rollSigningKey(db: Executor, keyring: Keyring, now: Date): Promise<string> {
  await db
    .updateTable('oidc_signing_keys')
    .set({ retired_at: now.toISOString() })
    .where('retired_at', 'is', null)
    .execute();
  return insertKey(db, keyring, now);
}

/** The private JWKs the provider uses, current first (it signs with the first), then those still verifying. */
export async function loadSigningJwks(db: Executor, keyring: Keyring, now: Date): Promise<JWK[]> {
  const keptSince = new Date(now.getTime() - LONGEST_SIGNED_TOKEN_SECONDS * 1000).toISOString();
  const rows = await db
    .selectFrom('oidc_signing_keys')
    .selectAll()
    .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', keptSince)]))
    .orderBy('created_at', 'desc')
    .execute();
  rows.sort((a, b) => Number(a.retired_at !== null) - Number(b.retired_at !== null));
  return rows.map((r) => JSON.parse(keyring.decrypt(r.private_jwk_enc, keyAad(r.kid)).toString('utf8')) as JWK);
}

/** A fingerprint of the key set: a running server rebuilds its provider when it changes. */
export async function signingKeysVersion(db: Executor): Promise<string> {
  const rows = await db.selectFrom('oidc_signing_keys').select(['kid', 'retired_at']).orderBy('kid').execute();
  return rows.map((r) => `${r.kid}:${r.retired_at ?? ''}`).join(',');
}

export async function listEncryptedSigningKeys(db: Executor): Promise<Array<{ kid: string; private_jwk_enc: string }>> {
  return db.selectFrom('oidc_signing_keys').select(['kid', 'private_jwk_enc']).execute();
}

export async function updateSigningKeyCiphertext(db: Executor, kid: string, ciphertext: string): Promise<void> {
  await db.updateTable('oidc_signing_keys').set({ private_jwk_enc: ciphertext }).where('kid', '=', kid).execute();
}

export { keyAad as signingKeyAad };
