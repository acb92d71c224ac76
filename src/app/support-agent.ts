// Support agents decide who gets into other people's accounts, so outside
// test mode an agent works the queue only with their own 2FA on (issue 6:
// "they must bind their own 2FA on first login"; ASVS 5.0 6.3.3).

import type { Account } from '../domain/account.ts';
import { DomainError } from '../domain/errors.ts';
import { findActiveTotpBinding } from '../storage/totp-repository.ts';
import type { AppContext } from './context.ts';

export async function assertAgentReady(ctx: AppContext, agent: Account): Promise<void> {
  if (agent.role !== 'support') throw new DomainError('forbidden', 'This call is for support agents only.');
  if (ctx.config.testMode) return;
  if (!(await findActiveTotpBinding(ctx.storage.db, agent.id))) {
    throw new DomainError(
      'two_factor_required',
      'Bind your own authenticator in Account security before working the support queue.',
    );
  }
}
