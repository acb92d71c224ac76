// Support agents are made by the operator only, by invitation (issue 11, #2):
// `agent add` stores a one-time token (hashed, 72 hours, single use) and
// prints a link; whoever holds it sets the agent's password here, then signs
// in and binds their own 2FA like anyone (support-agent.ts refuses the queue
// until they have). The operator never chooses or sees the password.
import { DomainError } from '../domain/errors.ts';
import { checkPasswordStrength } from '../domain/password-rule.ts';
import { hashToken } from '../infra/tokens.ts';
import { findAccountById, setPasswordHash } from '../storage/accounts-repository.ts';
import { appendAudit } from '../storage/events-repository.ts';
import type { Executor } from '../storage/executor.ts';
import { findLiveInvitation, replaceInvitation, useInvitation } from '../storage/invitations-repository.ts';
import { revokeAccountSessions } from '../storage/sessions-repository.ts';
import type { AppContext } from './context.ts';
import { newOneTimeLink } from './one-time-links.ts';
import { webOrigin } from './web-links.ts';

export const INVITATION_TTL_MS = 72 * 60 * 60 * 1000;

export interface Invitation {
  readonly token: string;
  readonly url: string;
  readonly expiresAt: Date;
}

/** Issues the account's invitation (voiding earlier ones), inside the caller's transaction. */
export async function inviteAgent(ctx: AppContext, trx: Executor, accountId: string): Promise<Invitation> {
  const link = newOneTimeLink(ctx, INVITATION_TTL_MS);
  await replaceInvitation(trx, { ...link.row, account_id: accountId });
  return { token: link.token, url: `${webOrigin(ctx.config)}/#/invitation/${link.token}`, expiresAt: link.expiresAt };
}

/** The invited agent sets their password; the link then works no more. */
export async function acceptInvitation(
  ctx: AppContext,
  input: { token: string; password: string },
): Promise<{ email: string }> {
  const now = ctx.clock.now().toISOString();
  const refused = () =>
    new DomainError('not_found', 'This invitation is unknown, used or expired. Ask the operator for a new one.');
  const db = ctx.storage.db;
  // The strength check needs the email, so the account is looked up first (a
  // read; the guarded write below is what spends the invitation).
  const pending = await findLiveInvitation(db, hashToken(input.token), now);
  const account = pending && (await findAccountById(db, pending.account_id));
  if (!account) throw refused();
  // An agent binds 2FA only after this: the password is the only factor now.
  checkPasswordStrength(input.password, { email: account.email, hasSecondFactor: false });
  const passwordHash = await ctx.hasher.hashPassword(input.password);
  await db.transaction().execute(async (trx) => {
    if ((await useInvitation(trx, hashToken(input.token), now)) !== account.id) throw refused();
    await setPasswordHash(trx, account.id, passwordHash);
    await revokeAccountSessions(trx, account.id, now);
    await appendAudit(trx, { accountId: account.id, event: 'agent_invitation_accepted', details: {}, at: now });
  });
  return { email: account.email };
}
