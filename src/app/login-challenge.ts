// The half-logged-in state after the password step. A challenge is good for
// nothing but the second factor (and opening a recovery ticket): it expires
// after 5 minutes, after 5 wrong codes, and once a login completes with it.
// A recovery-only challenge is good for opening a recovery ticket alone.

import { challengeExpired, DomainError } from '../domain/errors.ts';
import { hashToken } from '../infra/tokens.ts';
import { type ChallengeWithAccount, findChallengeWithAccount } from '../storage/sessions-repository.ts';
import type { AppContext } from './context.ts';
import { challengeUsable } from './second-factor-gate.ts';

/**
 * `use` is what the caller does with it: a second factor (the default), or
 * opening a recovery ticket. A recovery-only challenge (issued while the
 * second-factor step is locked or awaits a recovery binding) serves only the latter.
 * The account's freeze comes with it (`frozen`), read in the same statement:
 * each caller decides what a freeze refuses (`refuseIfFrozen`).
 */
export async function openLoginChallenge(
  ctx: AppContext,
  token: string,
  use: 'second_factor' | 'recovery' = 'second_factor',
): Promise<ChallengeWithAccount> {
  const now = ctx.clock.now().toISOString();
  const found = await findChallengeWithAccount(ctx.storage.db, hashToken(token));
  const challenge = found?.challenge;
  if (challenge?.purpose === 'recovery' && use !== 'recovery') {
    throw new DomainError(
      'challenge_expired',
      'This sign-in can only open a recovery ticket. To sign in, start again with your email and password.',
    );
  }
  const usable =
    challenge &&
    challenge.completed_at === null &&
    challenge.expires_at > now &&
    challengeUsable(challenge.failed_attempts);
  if (!found || !usable) {
    throw challengeExpired();
  }
  return found;
}
