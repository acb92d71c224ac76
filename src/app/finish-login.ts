// The second-factor step of login: one challenge, one gate, one session.
import { refuseIfFrozen } from './account-freeze.ts';
import type { AppContext, RequestOrigin } from './context.ts';
import { noticeSignInBrowser } from './known-browsers.ts';
import { openLoginChallenge } from './login-challenge.ts';
import { recordLogin } from './login-history.ts';
import { passSecondFactor, type SecondFactorOutcome } from './second-factor-gate.ts';
import { issueSession } from './sessions.ts';

export interface LoginFinished extends SecondFactorOutcome {
  readonly token: string;
  readonly expiresAt: Date;
}

export async function finishLogin(
  ctx: AppContext,
  input: { challenge: string; method: string; code?: string | undefined; response?: unknown },
  origin: RequestOrigin,
): Promise<LoginFinished> {
  const now = ctx.clock.now();
  const { challenge, account, frozen } = await openLoginChallenge(ctx, input.challenge);
  refuseIfFrozen(frozen);
  const { outcome, result } = await passSecondFactor(
    ctx,
    {
      account,
      method: input.method,
      code: input.code,
      response: input.response,
      purpose: 'login',
      origin,
      challengeId: challenge.id,
      // Racing requests on one challenge: only the first to complete it logs in.
      completesChallenge: true,
    },
    async (trx, passed) => {
      await recordLogin(ctx, trx, {
        account_id: account.id,
        result: 'success',
        factor: passed.method,
        ip: origin.ip,
        user_agent: origin.userAgent,
        at: now.toISOString(),
      });
      await noticeSignInBrowser(ctx, trx, account, origin);
      return issueSession(ctx, trx, account.id, origin, passed.method);
    },
  );
  return { ...outcome, token: result.token, expiresAt: result.expiresAt };
}
