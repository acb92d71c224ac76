// The password step as the recovery pages use it: any login challenge the
// server answers with proves the password, whatever state the account is in —
// the normal second-factor challenge, or the recovery-only one that comes
// with a refusal (approved recovery awaiting its binding, a frozen account, a
// locked second-factor step).
import { ApiError } from './api.ts';
import { startLogin } from './client.ts';

export async function recoveryChallenge(email: string, password: string): Promise<string> {
  try {
    const answer = await startLogin({ email, password });
    if (answer.status === 'second_factor_required') return answer.challenge;
    // No second factor at all: the account is signed in and needs no recovery.
    throw new Error('This account has no second factor to recover: you are signed in. Reload the page.');
  } catch (err) {
    const challenge = err instanceof ApiError ? err.problem.challenge : undefined;
    if (typeof challenge === 'string' && challenge) return challenge;
    throw err;
  }
}
