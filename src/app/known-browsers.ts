// New-browser sign-in alerts (issue 12). A browser is known to an account by
// its device cookie (a random token, long-lived, HttpOnly; its SHA-256 is kept
// per account), never by its user agent, which anyone can copy. The browser
// that creates an account is known from the start, so the first sign-in after
// sign-up raises no alarm. A successful sign-in from any other browser is
// recorded and emailed to the owner, inside the login's transaction: one
// statement on the table's primary key, and nothing else on the sign-in path.
// A browser not seen for as long as its cookie lives is forgotten (retention.ts).
import type { Account } from '../domain/account.ts';
import { browserSightingDay } from '../domain/retention.ts';
import { hashToken } from '../infra/tokens.ts';
import type { Executor } from '../storage/executor.ts';
import { rememberBrowser } from '../storage/known-browsers-repository.ts';
import type { AppContext, RequestOrigin } from './context.ts';
import { notices, notifyEmail } from './notifications.ts';

function sighting(now: Date): { now: string; day: string } {
  return { now: now.toISOString(), day: browserSightingDay(now) };
}

/** The browser that created the account is its first known one. */
export async function rememberCreatingBrowser(
  db: Executor,
  accountId: string,
  origin: RequestOrigin,
  now: Date,
): Promise<void> {
  if (origin.browserToken) await rememberBrowser(db, accountId, hashToken(origin.browserToken), sighting(now));
}

/**
 * A successful sign-in: remembers the browser and, when the account had not
 * seen it before, emails the owner. A caller without a device cookie (no
 * `browserToken`: the origin did not come through a sign-in route) changes nothing.
 */
export async function noticeSignInBrowser(
  ctx: AppContext,
  db: Executor,
  account: Pick<Account, 'id' | 'email'>,
  origin: RequestOrigin,
): Promise<void> {
  const now = ctx.clock.now();
  if (!origin.browserToken) return;
  if (await rememberBrowser(db, account.id, hashToken(origin.browserToken), sighting(now))) {
    await notifyEmail(ctx, db, account, notices.newBrowserSignIn(origin, now));
  }
}
