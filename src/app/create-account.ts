import { checkPasswordStrength, normalizeEmail } from '../domain/account-rules.ts';
import { DomainError } from '../domain/errors.ts';
import { insertAccount } from '../storage/accounts-repository.ts';
import { appendAudit } from '../storage/events-repository.ts';
import type { AppContext } from './context.ts';

export async function createAccount(
  ctx: AppContext,
  input: { email: string; password: string; role?: 'user' | 'support' },
): Promise<{ accountId: string; email: string }> {
  const email = normalizeEmail(input.email);
  checkPasswordStrength(input.password, email);
  const passwordHash = await ctx.hasher.hashPassword(input.password);
  const now = ctx.clock.now().toISOString();
  const accountId = ctx.tokens.newId();
  const created = await ctx.storage.db.transaction().execute(async (trx) => {
    const inserted = await insertAccount(trx, {
      id: accountId,
      email,
      password_hash: passwordHash,
      role: input.role ?? 'user',
      created_at: now,
      withdrawal_locked_until: null,
      withdrawal_lock_reason: null,
      rebind_lock_reason: null,
    });
    if (inserted)
      await appendAudit(trx, { accountId, event: 'account_created', details: { role: input.role ?? 'user' }, at: now });
    return inserted;
  });
  if (!created) throw new DomainError('email_taken', 'An account with this email already exists.');
  return { accountId, email };
}
