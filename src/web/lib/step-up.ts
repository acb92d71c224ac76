// The proof of a second factor for a signed-in step-up (reset 2FA, withdrawal,
// factor changes): a code, or a security-key assertion made right now.
import { startAuthentication } from '@simplewebauthn/browser';
import type { SecondFactorPurpose } from '../../domain/second-factor.ts';
import { type Proof, type SecondFactorMethod, type SecurityState, stepUpKeyOptions } from './client.ts';
import { cleanCode } from './codes.ts';

/** `keyOptions`: where a security key's challenge comes from (the session's step-up, or a reset link). */
export async function stepUpProof(
  method: SecondFactorMethod,
  code: string,
  keyOptions: typeof stepUpKeyOptions = stepUpKeyOptions,
): Promise<Proof> {
  if (method === 'webauthn') {
    return { method, response: await startAuthentication({ optionsJSON: await keyOptions() }) };
  }
  return { method, code: cleanCode(code) };
}

/**
 * The factors this account can prove right now for a purpose, best first: the
 * bound ones the server's policy accepts for it (`policy.secondFactor.methodsFor`,
 * from the factor registry), so SMS is never offered for a step-up.
 */
export function availableMethods(me: SecurityState, purpose: SecondFactorPurpose): SecondFactorMethod[] {
  const tf = me.twoFactor;
  const bound: SecondFactorMethod[] = [];
  if (tf.totp?.bound) bound.push('totp');
  if ((tf.backupCodes?.remaining ?? 0) > 0) bound.push('backup_code');
  if ((tf.securityKeys?.length ?? 0) > 0) bound.push('webauthn');
  if (tf.sms?.verified) bound.push('sms');
  const allowed = me.policy.secondFactor.methodsFor[purpose] ?? [];
  const methods = bound.filter((method) => allowed.includes(method));
  return methods.length > 0 ? methods : ['totp'];
}
