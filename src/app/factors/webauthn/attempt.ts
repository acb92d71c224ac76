// Security keys through the gate: the assertion is checked with
// @simplewebauthn/server against a challenge this server issued to this
// account; the challenge is spent once and the signature counter moves
// forward with a conditional write.
import { type AuthenticationResponseJSON, verifyAuthenticationResponse } from '@simplewebauthn/server';
import { DomainError } from '../../../domain/errors.ts';
import {
  advanceSecurityKeyCounter,
  findSecurityKey,
  listSecurityKeys,
  spendWebauthnChallenge,
} from '../../../storage/security-keys-repository.ts';
import { challengeFromClientData } from '../../webauthn-challenges.ts';
import { type Factor, failed, invalidCode, notAvailable } from '../factor.ts';

function isAssertion(value: unknown): value is AuthenticationResponseJSON {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  const response = candidate.response as Record<string, unknown> | undefined;
  return (
    typeof candidate.id === 'string' &&
    candidate.type === 'public-key' &&
    typeof response === 'object' &&
    response !== null &&
    typeof response.clientDataJSON === 'string' &&
    typeof response.authenticatorData === 'string' &&
    typeof response.signature === 'string'
  );
}

export const webauthnFactor: Factor = async (ctx, account, input, now) => {
  if ((await listSecurityKeys(ctx.storage.db, account.id)).length === 0) throw notAvailable('webauthn');
  if (!isAssertion(input.response)) {
    throw new DomainError('invalid_request', 'A WebAuthn assertion (`response`) is required.');
  }
  const assertion = input.response;
  const challenge = challengeFromClientData(assertion.response.clientDataJSON);
  if (!challenge) throw new DomainError('invalid_request', 'The assertion carries no challenge.');
  return {
    guess: `${assertion.id}|${challenge}`,
    async verify() {
      const key = await findSecurityKey(ctx.storage.db, account.id, assertion.id);
      if (!key) return failed();
      let newCounter: number;
      try {
        const result = await verifyAuthenticationResponse({
          response: assertion,
          expectedChallenge: challenge,
          expectedOrigin: [...ctx.config.webauthnOrigins],
          expectedRPID: ctx.config.webauthnRpId,
          credential: {
            id: key.credential_id,
            publicKey: Buffer.from(key.public_key, 'base64url'),
            counter: key.counter,
            transports: JSON.parse(key.transports),
          },
          requireUserVerification: false,
        });
        // A counter that goes backwards means a cloned key: refused (standards.md §14.4).
        if (!result.verified) return failed();
        newCounter = result.authenticationInfo.newCounter;
      } catch {
        return failed();
      }
      return async (trx) => {
        const at = now.toISOString();
        const spent = await spendWebauthnChallenge(trx, account.id, 'authenticate', challenge, at);
        if (!spent || !(await advanceSecurityKeyCounter(trx, key.id, key.counter, newCounter, at))) {
          return { ok: false, error: invalidCode() };
        }
        return { ok: true, outcome: { method: 'webauthn', warnings: [] } };
      };
    },
  };
};
