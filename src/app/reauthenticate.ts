// A signed-in session proves a second factor again: an app's OpenID sign-in
// asked for a fresher or stronger one than the session has (`max_age`,
// `acr_values`). Through the one gate and its attempt budget; the session
// records when and how, and the interaction reads that (src/oidc/interaction.ts).
import type { Account } from '../domain/account.ts';
import { appendAudit } from '../storage/events-repository.ts';
import { recordSessionSecondFactor } from '../storage/sessions-repository.ts';
import type { AppContext, RequestOrigin } from './context.ts';
import { passSecondFactor, type SecondFactorOutcome } from './second-factor-gate.ts';

export async function reauthenticate(
  ctx: AppContext,
  session: { readonly account: Account; readonly sessionId: string },
  proof: { readonly method: string; readonly code?: string | undefined; readonly response?: unknown },
  origin: RequestOrigin,
): Promise<SecondFactorOutcome & { provenAt: Date }> {
  const { outcome, result: provenAt } = await passSecondFactor(
    ctx,
    { account: session.account, ...proof, code: proof.code, purpose: 'reauthentication', origin },
    async (trx, passed) => {
      const at = ctx.clock.now();
      await recordSessionSecondFactor(trx, session.sessionId, passed.method, at.toISOString());
      await appendAudit(trx, {
        accountId: session.account.id,
        event: 'session_reauthenticated',
        details: { method: passed.method },
        at: at.toISOString(),
      });
      return at;
    },
  );
  return { ...outcome, provenAt };
}
