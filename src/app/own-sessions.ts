// The signed-in owner's view of their sessions: which browsers are signed in,
// and signing one of them, or every other one, out. Only the caller's own
// sessions: someone else's id is answered like an unknown one (404), so ids
// can't be probed. Each sign-out is audited (and sent to webhooks as
// `sessions.revoked`) in the transaction that makes it.
import { DomainError } from '../domain/errors.ts';
import { describeBrowser } from '../infra/browser-words.ts';
import { appendAudit } from '../storage/events-repository.ts';
import { listLiveSessions, revokeAccountSessions, revokeOwnSession } from '../storage/sessions-repository.ts';
import type { AppContext } from './context.ts';
import type { Authenticated } from './sessions.ts';

export interface SessionView {
  readonly sessionId: string;
  readonly current: boolean;
  readonly createdAt: string;
  readonly lastUsedAt: string;
  readonly browser: string;
  readonly ip: string | null;
}

export async function listOwnSessions(ctx: AppContext, auth: Authenticated): Promise<SessionView[]> {
  const now = ctx.clock.now();
  const activeSince = new Date(now.getTime() - ctx.config.sessionIdleMinutes * 60_000).toISOString();
  const rows = await listLiveSessions(ctx.storage.db, auth.account.id, now.toISOString(), activeSince);
  return rows.map((s) => ({
    sessionId: s.id,
    current: s.id === auth.session.id,
    createdAt: s.created_at,
    lastUsedAt: s.last_seen_at ?? s.created_at,
    browser: describeBrowser(s.user_agent),
    ip: s.ip,
  }));
}

/** Signs out one of the caller's sessions (the current one too: that is a logout). */
export async function signOutSession(ctx: AppContext, auth: Authenticated, sessionId: string): Promise<void> {
  const at = ctx.clock.now().toISOString();
  const accountId = auth.account.id;
  const done = await ctx.storage.db.transaction().execute(async (trx) => {
    if (!(await revokeOwnSession(trx, accountId, sessionId, at))) return false;
    await appendAudit(trx, {
      accountId,
      event: 'sessions_revoked',
      details: { scope: sessionId === auth.session.id ? 'current' : 'one', count: 1 },
      at,
    });
    return true;
  });
  if (!done) throw new DomainError('not_found', 'You have no signed-in session with this id.');
}

/** "Sign out everywhere else": every session of the account but the caller's. Returns how many were signed out. */
export async function signOutOtherSessions(ctx: AppContext, auth: Authenticated): Promise<number> {
  const at = ctx.clock.now().toISOString();
  const accountId = auth.account.id;
  return ctx.storage.db.transaction().execute(async (trx) => {
    const count = await revokeAccountSessions(trx, accountId, at, auth.session.id);
    if (count > 0)
      await appendAudit(trx, { accountId, event: 'sessions_revoked', details: { scope: 'others', count }, at });
    return count;
  });
}
