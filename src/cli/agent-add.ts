// `agent add`: support agents are created by the operator only (issue 11, #2).
// An email that already has an account is refused unless `promoteExisting`:
// then its password is reset (to one nobody knows), its sessions revoked and
// its factors cleared, so whoever registered the email first gains nothing.
// Either way the result is a one-time invitation link where the agent sets
// the password (then binds 2FA on first sign-in). `password` sets it directly,
// for test mode only (the browser tests).
import { type Invitation, inviteAgent } from '../app/agent-invitations.ts';
import type { AppContext } from '../app/context.ts';
import { createAccount } from '../app/create-account.ts';
import { FACTOR_MODULES } from '../app/factors/registry.ts';
import { ownerProvedControl } from '../app/owner-proved-control.ts';
import { normalizeEmail } from '../domain/account-rules.ts';
import { DomainError } from '../domain/errors.ts';
import { findAccountByEmail, setAccountRole, setPasswordHash } from '../storage/accounts-repository.ts';
import { appendAudit } from '../storage/events-repository.ts';
import { revokeAccountSessions } from '../storage/sessions-repository.ts';

export interface AgentAdded {
  readonly accountId: string;
  readonly email: string;
  readonly created: boolean;
  /** Absent only when a test-mode password was set directly. */
  readonly invitation?: Invitation;
}

export async function addSupportAgent(
  ctx: AppContext,
  input: { email: string; promoteExisting?: boolean; password?: string },
): Promise<AgentAdded> {
  if (input.password !== undefined && !ctx.config.testMode) {
    throw new DomainError(
      'invalid_request',
      '--password is accepted in test mode only: the agent sets the password through the invitation link.',
    );
  }
  const email = normalizeEmail(input.email);
  const existing = await findAccountByEmail(ctx.storage.db, email);
  if (existing && !input.promoteExisting) {
    throw new DomainError(
      'email_taken',
      `An account with ${email} already exists. To make it an agent, pass --promote-existing: its password is reset, its sessions revoked and its factors cleared.`,
    );
  }
  // An unusable password until the invitation sets one (or the test-mode password).
  const password = input.password ?? ctx.tokens.newToken();
  const accountId = existing ? existing.id : (await createAccount(ctx, { email, password, role: 'support' })).accountId;
  const passwordHash = existing ? await ctx.hasher.hashPassword(password) : undefined;
  const at = ctx.clock.now().toISOString();
  const invitation = await ctx.storage.db.transaction().execute(async (trx) => {
    if (existing && passwordHash) {
      await setPasswordHash(trx, existing.id, passwordHash);
      await revokeAccountSessions(trx, existing.id, at);
      for (const factor of FACTOR_MODULES) await factor.removeAll(trx, existing.id, at);
      await setAccountRole(trx, existing.id, 'support');
      await appendAudit(trx, {
        accountId: existing.id,
        event: 'support_role_granted',
        details: { by: 'cli', promotedExisting: true },
        at,
      });
    }
    return input.password === undefined ? inviteAgent(ctx, trx, accountId) : undefined;
  });
  // A promoted account starts clean: no budget or password ceiling carried over.
  if (existing) await ownerProvedControl(ctx, existing, 'agent_promoted');
  return { accountId, email, created: !existing, ...(invitation ? { invitation } : {}) };
}
