// The second-factor step of login: one challenge, one gate, one session.
import { DomainError } from '../domain/errors.ts';
import { hashToken } from '../infra/tokens.ts';
import { findAccountById } from '../storage/accounts-repository.ts';
import { isAccountFrozen } from '../storage/recovery-repository.ts';
import { completeChallenge, findChallenge } from '../storage/sessions-repository.ts';
import type { AppContext, RequestOrigin } from './context.ts';
import { recordLogin } from './login-history.ts';
import { challengeUsable, passSecondFactor, type SecondFactorOutcome } from './second-factor-gate.ts';
import { issueSession } from './sessions.ts';

export interface LoginFinished extends SecondFactorOutcome {
  readonly token: string;
  readonly expiresAt: Date;
}

export async function finishLogin(
  ctx: AppContext,
  input: { challenge: string; method: string; code?: string | undefined },
  origin: RequestOrigin,
): Promise<LoginFinished> {
  const db = ctx.storage.db;
  const now = ctx.clock.now();
  const challenge = await findChallenge(db, hashToken(input.challenge));
  if (
    !challenge ||
    challenge.completed_at !== null ||
    challenge.expires_at <= now.toISOString() ||
    !challengeUsable(challenge.failed_attempts)
  ) {
    throw new DomainError('challenge_expired', 'The sign-in has expired. Start again with your email and password.');
  }
  const account = await findAccountById(db, challenge.account_id);
  if (!account) throw new DomainError('challenge_expired', 'The sign-in has expired.');
  if (await isAccountFrozen(db, account.id)) {
    throw new DomainError('account_frozen', 'This account is frozen while its identity verification is reviewed.');
  }
  const { outcome, result } = await passSecondFactor(
    ctx,
    { account, method: input.method, code: input.code, purpose: 'login', origin, challengeId: challenge.id },
    async (trx, passed) => {
      // Racing requests on one challenge: only the first to complete it logs in.
      if (!(await completeChallenge(trx, challenge.id, now.toISOString()))) {
        throw new DomainError(
          'challenge_expired',
          'The sign-in has expired. Start again with your email and password.',
        );
      }
      await recordLogin(ctx, trx, {
        account_id: account.id,
        result: 'success',
        factor: passed.method,
        ip: origin.ip,
        user_agent: origin.userAgent,
        at: now.toISOString(),
      });
      return issueSession(ctx, trx, account.id, origin);
    },
  );
  return { ...outcome, token: result.token, expiresAt: result.expiresAt };
}
