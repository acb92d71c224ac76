// "This wasn't me" (issue 12): the owner freezes the account, from the link of
// a security email or signed in from the security page. In ONE transaction,
// under the account's row: the freeze, every session revoked, a pending
// authenticator binding (a 2FA reset's or an enrolment's) cancelled, the audit
// entry (webhook `account.frozen`) and the email. Logins, withdrawals and
// session calls then answer 423 account_frozen (account-freeze.ts) until
// support approves a recovery ticket (decide-ticket.ts ends it).
import type { Account } from '../domain/account.ts';
import { type FreezeVia, invalidFreezeLink, judgeFreezeLink } from '../domain/account-freeze.ts';
import { hashToken } from '../infra/tokens.ts';
import { findAccountById, lockAccountRow } from '../storage/accounts-repository.ts';
import { appendAudit } from '../storage/events-repository.ts';
import type { Executor } from '../storage/executor.ts';
import { findFreezeLink, findOpenFreeze, insertFreeze, spendFreezeLink } from '../storage/freezes-repository.ts';
import { revokeAccountSessions } from '../storage/sessions-repository.ts';
import { retireTotpBindings } from '../storage/totp-repository.ts';
import type { AppContext, RequestOrigin } from './context.ts';
import { notices, notifyEmail } from './notifications.ts';

export interface Frozen {
  readonly frozen: true;
}

/** With the token of a freeze link: anyone holding the email may freeze, nobody else. */
export async function freezeWithLink(ctx: AppContext, token: string, origin: RequestOrigin): Promise<Frozen> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  const tokenHash = hashToken(token);
  await ctx.storage.db.transaction().execute(async (trx) => {
    const found = await findFreezeLink(trx, tokenHash);
    // The account's row first (the order every freeze, ticket and withdrawal
    // takes), then the link and the freeze as they are once it is held.
    if (found) await lockAccountRow(trx, found.account_id);
    const link = found && (await findFreezeLink(trx, tokenHash));
    const open = link ? await findOpenFreeze(trx, link.account_id) : undefined;
    const verdict = judgeFreezeLink(
      link && { expiresAt: link.expires_at, usedAt: link.used_at },
      now,
      open !== undefined,
    );
    if (!link) return;
    const spent = await spendFreezeLink(trx, link.id, at);
    if (verdict === 'already_frozen') return;
    // Held under the account's row, the link was unused a moment ago: this write wins.
    if (!spent) throw invalidFreezeLink();
    const account = await findAccountById(trx, link.account_id);
    if (account) await freeze(ctx, trx, account, 'email_link', origin);
  });
  return { frozen: true };
}

/** Signed in, from the security page (the session that asks is revoked with the others). */
export async function freezeSignedIn(ctx: AppContext, account: Account, origin: RequestOrigin): Promise<Frozen> {
  await ctx.storage.db.transaction().execute(async (trx) => {
    await lockAccountRow(trx, account.id);
    if (await findOpenFreeze(trx, account.id)) return;
    await freeze(ctx, trx, account, 'security_page', origin);
  });
  return { frozen: true };
}

async function freeze(
  ctx: AppContext,
  trx: Executor,
  account: Account,
  via: FreezeVia,
  origin: RequestOrigin,
): Promise<void> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  const freezeId = ctx.tokens.newId();
  await insertFreeze(trx, { id: freezeId, accountId: account.id, via, at });
  const sessionsRevoked = await revokeAccountSessions(trx, account.id, at);
  // A 2FA reset's new authenticator (or an enrolment) waiting for its code is
  // cancelled: it may be the attacker's.
  await retireTotpBindings(trx, account.id, at, ['pending']);
  await appendAudit(trx, {
    accountId: account.id,
    event: 'account_frozen_by_owner',
    details: { freezeId, via, sessionsRevoked, ip: origin.ip },
    at,
  });
  await notifyEmail(ctx, trx, account, notices.accountFrozen(now));
}
