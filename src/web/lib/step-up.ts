// The proof of a second factor for a signed-in step-up (reset 2FA, withdrawal):
// a code, or a security-key assertion made right now.
import { startAuthentication } from '@simplewebauthn/browser';
import { cleanCode } from '../components/method-picker.tsx';
import { api } from './api.ts';
import type { SecondFactorMethod, SecurityState } from './types.ts';

type RequestOptionsJSON = Parameters<typeof startAuthentication>[0]['optionsJSON'];

export type Proof = { method: SecondFactorMethod; code: string } | { method: 'webauthn'; response: unknown };

export async function stepUpProof(method: SecondFactorMethod, code: string): Promise<Proof> {
  if (method === 'webauthn') {
    const optionsJSON = await api<RequestOptionsJSON>('/v1/me/security-keys/assertion-options', {
      method: 'POST',
      body: {},
    });
    return { method, response: await startAuthentication({ optionsJSON }) };
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
