// Issuing and resolving sessions (the full login) and challenges (the
// half-logged-in state after the password step, good only for the second factor).

import type { Account } from '../domain/account.ts';
import { DomainError } from '../domain/errors.ts';
import { LOGIN_CHALLENGE_TTL_MS } from '../domain/policy.ts';
import { hashToken } from '../infra/tokens.ts';
import { findAccountById } from '../storage/accounts-repository.ts';
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

export async function authenticate(ctx: AppContext, token: string): Promise<Authenticated> {
  const db = ctx.storage.db;
  const now = ctx.clock.now();
  const session = await findLiveSession(db, hashToken(token), now.toISOString());
  // Unused for longer than the idle limit: sign in again (NIST SP 800-63B-4 §2.2.3).
  const idleSince = new Date(now.getTime() - ctx.config.sessionIdleMinutes * 60_000).toISOString();
  const active = session && (session.last_seen_at ?? session.created_at) > idleSince;
  const account = active ? await findAccountById(db, session.account_id) : undefined;
  if (!session || !account) throw new DomainError('unauthenticated', 'Sign in first.');
  await touchSession(db, session.id, now.toISOString(), new Date(now.getTime() - 60_000).toISOString());
  return { session, account };
}

/** Logout: the session stops working now. */
export async function endSession(ctx: AppContext, sessionId: string): Promise<void> {
  await revokeSession(ctx.storage.db, sessionId, ctx.clock.now().toISOString());
}
