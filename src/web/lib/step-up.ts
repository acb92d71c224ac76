// The proof of a second factor for a signed-in step-up (reset 2FA, withdrawal,
// factor changes): a code, or a security-key assertion made right now.
import { startAuthentication } from '@simplewebauthn/browser';
import { type Proof, type SecondFactorMethod, type SecurityState, stepUpKeyOptions } from './client.ts';
import { cleanCode } from './codes.ts';

export async function stepUpProof(method: SecondFactorMethod, code: string): Promise<Proof> {
  if (method === 'webauthn') {
    return { method, response: await startAuthentication({ optionsJSON: await stepUpKeyOptions() }) };
  }
  return { method, code: cleanCode(code) };
}

/** The factors this account can prove right now, best first. */
export function availableMethods(me: SecurityState, allowSms: boolean): SecondFactorMethod[] {
  const tf = me.twoFactor;
  const m: SecondFactorMethod[] = [];
  if (tf.totp?.bound) m.push('totp');
  if ((tf.backupCodes?.remaining ?? 0) > 0) m.push('backup_code');
  if ((tf.securityKeys?.length ?? 0) > 0) m.push('webauthn');
  if (allowSms && tf.sms?.verified) m.push('sms');
  return m.length > 0 ? m : ['totp'];
}
