// TOTP secrets are stored encrypted, bound to their binding row (AAD), so a
// ciphertext copied onto another row does not decrypt.
import type { Keyring } from '../infra/keyring.ts';

export function totpSecretAad(bindingId: string): string {
  return `totp:${bindingId}`;
}

export function encryptTotpSecret(keyring: Keyring, bindingId: string, secret: Uint8Array): string {
  return keyring.encrypt(secret, totpSecretAad(bindingId));
}

export function decryptTotpSecret(keyring: Keyring, binding: { id: string; secret_enc: string }): Buffer {
  return keyring.decrypt(binding.secret_enc, totpSecretAad(binding.id));
}
