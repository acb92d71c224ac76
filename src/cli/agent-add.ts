import type { AppContext } from '../app/context.ts';
import { createAccount } from '../app/create-account.ts';
import { normalizeEmail } from '../domain/account-rules.ts';
import { findAccountByEmail, setAccountRole } from '../storage/accounts-repository.ts';
import { appendAudit } from '../storage/events-repository.ts';

export async function addSupportAgent(
  ctx: AppContext,
  input: { email: string; password: string },
): Promise<{ accountId: string; email: string; created: boolean }> {
  const existing = await findAccountByEmail(ctx.storage.db, normalizeEmail(input.email));
  if (existing) {
    await setAccountRole(ctx.storage.db, existing.id, 'support');
    await appendAudit(ctx.storage.db, {
      accountId: existing.id,
      event: 'support_role_granted',
      details: { by: 'cli' },
      at: ctx.clock.now().toISOString(),
    });
    return { accountId: existing.id, email: existing.email, created: false };
  }
  const created = await createAccount(ctx, { ...input, role: 'support' });
  return { ...created, created: true };
}
