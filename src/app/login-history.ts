// Login history: every attempt is recorded (recovery review compares it with
// the claimant) and logged as an authentication event (ASVS 5.0 16.3.1): who,
// which factor, what result, from where. Never a password, code or token.
import type { LoginResult } from '../domain/sign-in-activity.ts';
import { flatLogger } from '../infra/logger.ts';
import { type LoginEvent, recordLoginEvent } from '../storage/events-repository.ts';
import type { Executor } from '../storage/executor.ts';
import type { AppContext } from './context.ts';

/** Login results that follow a right password: a client with one of them is known to the account. */
export const PASSWORD_PASSED_RESULTS = [
  'success',
  'password_ok',
  'second_factor_failed',
  'second_factor_locked',
  'recovery_binding_required',
  'account_frozen',
] as const satisfies readonly LoginResult[];

export async function recordLogin(ctx: AppContext, db: Executor, event: LoginEvent): Promise<void> {
  await recordLoginEvent(db, event);
  // Flat values only: no redaction needed (flatLogger).
  flatLogger(ctx.logger).info(
    {
      event: 'auth',
      accountId: event.account_id,
      result: event.result,
      factor: event.factor,
      ip: event.ip,
      userAgent: event.user_agent,
      at: event.at,
    },
    `auth ${event.result}`,
  );
}
