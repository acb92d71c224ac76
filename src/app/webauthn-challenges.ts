// Single-use WebAuthn challenges, 5 minutes long, bound to the account and to
// what they are for (registering a key, or asserting with one).
import type { Executor } from '../storage/executor.ts';
import { insertWebauthnChallenge, type WebauthnChallengeRow } from '../storage/security-keys-repository.ts';
import type { AppContext } from './context.ts';

const WEBAUTHN_CHALLENGE_TTL_MS = 5 * 60 * 1000;

export async function newWebauthnChallenge(
  ctx: AppContext,
  db: Executor,
  accountId: string,
  purpose: WebauthnChallengeRow['purpose'],
): Promise<string> {
  const now = ctx.clock.now();
  const challenge = ctx.randomBytes(32).toString('base64url');
  await insertWebauthnChallenge(db, {
    id: ctx.tokens.newId(),
    account_id: accountId,
    purpose,
    challenge,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + WEBAUTHN_CHALLENGE_TTL_MS).toISOString(),
    used_at: null,
  });
  return challenge;
}

/** The challenge a client echoes back inside clientDataJSON (base64url JSON). */
export function challengeFromClientData(clientDataJSON: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8'));
    return typeof parsed === 'object' &&
      parsed !== null &&
      'challenge' in parsed &&
      typeof parsed.challenge === 'string'
      ? parsed.challenge
      : undefined;
  } catch {
    return undefined;
  }
}
