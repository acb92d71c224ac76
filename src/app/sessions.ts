// Issuing and resolving sessions (the full login) and challenges (the
// half-logged-in state after the password step, good only for the second factor).

import type { Account } from '../domain/account.ts';
import { DomainError } from '../domain/errors.ts';
import { LOGIN_CHALLENGE_TTL_MS, MINUTE_MS, SESSION_TOUCH_INTERVAL_MS } from '../domain/policy.ts';
import { hashToken } from '../infra/tokens.ts';
import type { Executor } from '../storage/executor.ts';
import {
  type ChallengeRow,
  findLiveSession,
  insertChallenge,
  insertSession,
  revokeSession,
  type SessionRow,
  touchSession,
} from '../storage/sessions-repository.ts';
import { refuseIfFrozen } from './account-freeze.ts';
import type { AppContext, RequestOrigin } from './context.ts';

export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: Date;
}

export async function issueSession(
  ctx: AppContext,
  db: Executor,
  accountId: string,
  origin: RequestOrigin,
  /** The second factor that completed this login, if any (OpenID `amr`, `auth_time`). */
  secondFactorMethod: string | null = null,
): Promise<IssuedToken & { sessionId: string }> {
  const now = ctx.clock.now();
  const token = ctx.tokens.newToken();
  const expiresAt = new Date(now.getTime() + ctx.config.sessionTtlMinutes * 60_000);
  const sessionId = ctx.tokens.newId();
  await insertSession(db, {
    id: sessionId,
    account_id: accountId,
    token_hash: hashToken(token),
    created_at: now.toISOString(),
    expires_at: expiresAt.toISOString(),
    revoked_at: null,
    ip: origin.ip,
    user_agent: origin.userAgent,
    last_seen_at: now.toISOString(),
    second_factor_at: secondFactorMethod ? now.toISOString() : null,
    second_factor_method: secondFactorMethod,
  });
  return { token, expiresAt, sessionId };
}

/** `recovery`: the challenge can only open a recovery ticket (the second-factor step can't be passed now). */
export async function issueChallenge(
  ctx: AppContext,
  db: Executor,
  accountId: string,
  origin: RequestOrigin,
  purpose: ChallengeRow['purpose'] = 'login',
): Promise<IssuedToken & { challengeId: string }> {
  const now = ctx.clock.now();
  const token = ctx.tokens.newToken();
  const expiresAt = new Date(now.getTime() + LOGIN_CHALLENGE_TTL_MS);
  const challengeId = ctx.tokens.newId();
  await insertChallenge(db, {
    id: challengeId,
    account_id: accountId,
    token_hash: hashToken(token),
    created_at: now.toISOString(),
    expires_at: expiresAt.toISOString(),
    failed_attempts: 0,
    completed_at: null,
    ip: origin.ip,
    user_agent: origin.userAgent,
    purpose,
  });
  return { token, expiresAt, challengeId };
}

export interface Authenticated {
  readonly session: SessionRow;
  readonly account: Account;
}

/**
 * The caller's session and account, from one read that also brings the
 * account's freeze: a frozen account is refused (its sessions were revoked
 * when it froze; this holds for any that were not). Use is recorded at most
 * once a minute (SESSION_TOUCH_INTERVAL_MS): a request in between writes
 * nothing, and so never waits for a commit.
 */
export async function authenticate(ctx: AppContext, token: string): Promise<Authenticated> {
  const db = ctx.storage.db;
  const now = ctx.clock.now();
  const live = await findLiveSession(db, hashToken(token), now.toISOString());
  // Unused for longer than the idle limit: sign in again (NIST SP 800-63B-4 §2.2.3).
  const idleSince = new Date(now.getTime() - ctx.config.sessionIdleMinutes * MINUTE_MS).toISOString();
  const lastSeen = live && (live.session.last_seen_at ?? live.session.created_at);
  if (!live || !lastSeen || lastSeen <= idleSince) throw new DomainError('unauthenticated', 'Sign in first.');
  refuseIfFrozen(live.frozen);
  const touchedBefore = new Date(now.getTime() - SESSION_TOUCH_INTERVAL_MS).toISOString();
  if (live.session.last_seen_at === null || live.session.last_seen_at < touchedBefore) {
    await touchSession(db, live.session.id, now.toISOString(), touchedBefore);
  }
  return { session: live.session, account: live.account };
}

/** Logout: the session stops working now. */
export async function endSession(ctx: AppContext, sessionId: string): Promise<void> {
  await revokeSession(ctx.storage.db, sessionId, ctx.clock.now().toISOString());
}
