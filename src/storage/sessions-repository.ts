import type { ExpressionBuilder } from 'kysely';
import type { Account } from '../domain/account.ts';
import type { FreezeReason } from '../domain/account-freeze.ts';
import { toAccount } from './accounts-repository.ts';
import type { Executor } from './executor.ts';
import { changed } from './executor.ts';
import { freezeColumns, freezeReasonOf } from './freezes-repository.ts';
import { forgetAccountBrowsers } from './known-browsers-repository.ts';
import { type EveryColumn, prepared } from './prepared.ts';
import type { Database, LoginChallengesTable, SessionsTable } from './schema.ts';

export type SessionRow = SessionsTable;
export type ChallengeRow = LoginChallengesTable;

// The login and every authenticated request run these: built once (prepared.ts).
const insertSessionQuery = prepared((db, p: SessionRow) =>
  db.insertInto('sessions').values({
    id: p.id,
    account_id: p.account_id,
    token_hash: p.token_hash,
    created_at: p.created_at,
    expires_at: p.expires_at,
    revoked_at: p.revoked_at,
    ip: p.ip,
    user_agent: p.user_agent,
    last_seen_at: p.last_seen_at,
    second_factor_at: p.second_factor_at,
    second_factor_method: p.second_factor_method,
  } satisfies EveryColumn<SessionRow>),
);

// Every authenticated request: its session, the account and the account's freeze in one read.
const liveSessionQuery = prepared((db, p: { tokenHash: string; now: string }) =>
  db
    .selectFrom('sessions')
    .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
    .selectAll('accounts')
    .select([
      'sessions.id as s_id',
      'sessions.token_hash as s_token_hash',
      'sessions.created_at as s_created_at',
      'sessions.expires_at as s_expires_at',
      'sessions.revoked_at as s_revoked_at',
      'sessions.ip as s_ip',
      'sessions.user_agent as s_user_agent',
      'sessions.last_seen_at as s_last_seen_at',
      'sessions.second_factor_at as s_second_factor_at',
      'sessions.second_factor_method as s_second_factor_method',
    ])
    .select((eb) => freezeColumns(eb.ref('accounts.id')))
    .where('sessions.token_hash', '=', p.tokenHash)
    .where('sessions.revoked_at', 'is', null)
    .where('sessions.expires_at', '>', p.now),
);

const touchSessionQuery = prepared((db, p: { id: string; now: string; notSince: string }) =>
  db
    .updateTable('sessions')
    .set({ last_seen_at: p.now })
    .where('id', '=', p.id)
    .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', p.notSince)])),
);

export async function insertSession(db: Executor, row: SessionRow): Promise<void> {
  await insertSessionQuery.changed(db, row);
}

export interface LiveSession {
  readonly session: SessionRow;
  readonly account: Account;
  readonly frozen: FreezeReason | null;
}

/** The session of this token, unless revoked or expired at `now`, with its account and the account's freeze. */
export async function findLiveSession(db: Executor, tokenHash: string, now: string): Promise<LiveSession | undefined> {
  const row = await liveSessionQuery.first(db, { tokenHash, now });
  if (!row) return undefined;
  const session = {
    id: row.s_id,
    account_id: row.id,
    token_hash: row.s_token_hash,
    created_at: row.s_created_at,
    expires_at: row.s_expires_at,
    revoked_at: row.s_revoked_at,
    ip: row.s_ip,
    user_agent: row.s_user_agent,
    last_seen_at: row.s_last_seen_at,
    second_factor_at: row.s_second_factor_at,
    second_factor_method: row.s_second_factor_method,
  } satisfies EveryColumn<SessionRow>;
  return { session, account: toAccount(row), frozen: freezeReasonOf(row) };
}

/** Records use, at most once a minute per session (the inactivity clock). */
export async function touchSession(db: Executor, id: string, now: string, notSince: string): Promise<void> {
  await touchSessionQuery.changed(db, { id, now, notSince });
}

export async function revokeSession(db: Executor, id: string, now: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

/**
 * Revokes every live session of the account except `keepId` (none when
 * undefined), and ends every OpenID Connect grant of the account: its apps'
 * grants, codes, refresh and access tokens and provider sessions (a refresh
 * then answers invalid_grant, introspection `active: false`, and the
 * provider's session cookie signs no app in without Latchkey). The kept
 * session keeps no grant: an app's tokens are another device's access, and
 * the kept session signs its own apps in again without a question.
 *
 * Ending them all (no `keepId`: a freeze, a frozen ticket, a recovery
 * decision, a reset by email link, an agent's invitation) means the account's
 * security is in doubt, so it also forgets its known browsers: an attacker's
 * browser must not stay known and sign in again unannounced. Keeping the
 * caller's session (a change from the security page, "sign out everywhere
 * else") keeps them: the owner's own browser would otherwise raise a false
 * alarm. Returns how many Latchkey sessions were revoked.
 */
export async function revokeAccountSessions(
  db: Executor,
  accountId: string,
  now: string,
  keepId?: string,
): Promise<number> {
  let query = db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null);
  if (keepId) query = query.where('id', '!=', keepId);
  const revoked = changed(await query.executeTakeFirst());
  await db.deleteFrom('oidc_models').where('account_id', '=', accountId).execute();
  if (!keepId) await forgetAccountBrowsers(db, accountId);
  return revoked;
}

const insertChallengeQuery = prepared((db, p: ChallengeRow) =>
  db.insertInto('login_challenges').values({
    id: p.id,
    account_id: p.account_id,
    token_hash: p.token_hash,
    created_at: p.created_at,
    expires_at: p.expires_at,
    failed_attempts: p.failed_attempts,
    completed_at: p.completed_at,
    ip: p.ip,
    user_agent: p.user_agent,
    purpose: p.purpose,
  } satisfies EveryColumn<ChallengeRow>),
);

// The challenge's columns under names of their own: the account's row shares some (id, created_at).
const challengeWithAccountQuery = prepared((db, p: { tokenHash: string }) =>
  db
    .selectFrom('login_challenges')
    .innerJoin('accounts', 'accounts.id', 'login_challenges.account_id')
    .selectAll('accounts')
    .select([
      'login_challenges.id as c_id',
      'login_challenges.token_hash as c_token_hash',
      'login_challenges.created_at as c_created_at',
      'login_challenges.expires_at as c_expires_at',
      'login_challenges.failed_attempts as c_failed_attempts',
      'login_challenges.completed_at as c_completed_at',
      'login_challenges.ip as c_ip',
      'login_challenges.user_agent as c_user_agent',
      'login_challenges.purpose as c_purpose',
    ])
    .select((eb) => freezeColumns(eb.ref('accounts.id')))
    .where('login_challenges.token_hash', '=', p.tokenHash),
);

/**
 * The one rule for a challenge that still takes a code: this one, not
 * completed, not expired at `now`, under `limit` wrong codes. Taking an
 * attempt, reading what is left and completing it all guard on it, so an
 * expired challenge is refused the same way whether the code is right or wrong.
 */
function usableChallenge(eb: ExpressionBuilder<Database, 'login_challenges'>, p: UsableChallenge) {
  return eb.and([
    eb('id', '=', p.id),
    eb('completed_at', 'is', null),
    eb('expires_at', '>', p.now),
    eb('failed_attempts', '<', p.limit),
  ]);
}
interface UsableChallenge {
  id: string;
  now: string;
  limit: number;
}

const challengeAttemptQuery = prepared((db, p: UsableChallenge) =>
  db
    .updateTable('login_challenges')
    .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1) }))
    .where((eb) => usableChallenge(eb, p))
    .returning('failed_attempts'),
);

const usableChallengeFailuresQuery = prepared((db, p: UsableChallenge) =>
  db
    .selectFrom('login_challenges')
    .select('failed_attempts')
    .where((eb) => usableChallenge(eb, p)),
);

const challengeFailedAttemptsQuery = prepared((db, p: { id: string }) =>
  db.selectFrom('login_challenges').select('failed_attempts').where('id', '=', p.id),
);

const completeChallengeQuery = prepared((db, p: UsableChallenge) =>
  db
    .updateTable('login_challenges')
    .set({ completed_at: p.now })
    .where((eb) => usableChallenge(eb, p)),
);

const sessionSecondFactorQuery = prepared((db, p: { id: string; method: string; at: string }) =>
  db.updateTable('sessions').set({ second_factor_at: p.at, second_factor_method: p.method }).where('id', '=', p.id),
);

export async function insertChallenge(db: Executor, row: ChallengeRow): Promise<void> {
  await insertChallengeQuery.changed(db, row);
}

/** A login challenge with its account, and why that account is frozen (null: it is not). */
export interface ChallengeWithAccount {
  readonly challenge: ChallengeRow;
  readonly account: Account;
  readonly frozen: FreezeReason | null;
}

/**
 * The challenge, its account and the account's freeze in one statement: every
 * use of a challenge reads all three before anything else (a login's round
 * trips to PostgreSQL are most of its cost, issue 16).
 */
export async function findChallengeWithAccount(
  db: Executor,
  tokenHash: string,
): Promise<ChallengeWithAccount | undefined> {
  const row = await challengeWithAccountQuery.first(db, { tokenHash });
  if (!row) return undefined;
  const challenge = {
    id: row.c_id,
    account_id: row.id,
    token_hash: row.c_token_hash,
    created_at: row.c_created_at,
    expires_at: row.c_expires_at,
    failed_attempts: row.c_failed_attempts,
    completed_at: row.c_completed_at,
    ip: row.c_ip,
    user_agent: row.c_user_agent,
    purpose: row.c_purpose,
  } satisfies EveryColumn<ChallengeRow>;
  return { challenge, account: toAccount(row), frozen: freezeReasonOf(row) };
}

/**
 * Takes one of the challenge's five attempts BEFORE the code is checked, so
 * concurrent wrong codes can't all slip in under the limit. Returns the count
 * with this attempt, or undefined when none is left or the challenge is
 * completed or expired at `now` (`usableChallenge`).
 */
export async function takeChallengeAttempt(
  db: Executor,
  id: string,
  now: string,
  limit: number,
): Promise<number | undefined> {
  const row = await challengeAttemptQuery.first(db, { id, now, limit });
  return row?.failed_attempts;
}

/**
 * The wrong codes a challenge has taken, or undefined when it takes no more
 * (completed, expired at `now`, or at the limit). Read inside the gate's transaction, where the
 * account's attempts take turns (account row lock), when a refusal that
 * counts nothing reports the attempts left; a wrong code takes an attempt
 * (`takeChallengeAttempt`), a right one completes the challenge
 * (`completeChallenge`), each guarded the same way.
 */
export async function usableChallengeFailures(
  db: Executor,
  id: string,
  now: string,
  limit: number,
): Promise<number | undefined> {
  const row = await usableChallengeFailuresQuery.first(db, { id, now, limit });
  return row?.failed_attempts;
}

/** The wrong codes a challenge has taken (for the attempts left a refusal reports). */
export async function challengeFailedAttempts(db: Executor, id: string): Promise<number> {
  const row = await challengeFailedAttemptsQuery.first(db, { id });
  return row?.failed_attempts ?? 0;
}

/**
 * The conditional write that decides which of several racing requests
 * finishes the login: false when the challenge is completed, expired, or has
 * taken `limit` wrong codes.
 */
export async function completeChallenge(db: Executor, id: string, now: string, limit: number): Promise<boolean> {
  return (await completeChallengeQuery.changed(db, { id, now, limit })) === 1;
}

/** A step-up: the session's second factor was proven again just now. */
export async function recordSessionSecondFactor(db: Executor, id: string, method: string, at: string): Promise<void> {
  await sessionSecondFactorQuery.changed(db, { id, method, at });
}

/**
 * Ends the account's unfinished sign-ins (challenges): they proved a password
 * that has just been replaced, so they lead nowhere any more.
 */
export async function endAccountChallenges(db: Executor, accountId: string, now: string): Promise<void> {
  await db
    .updateTable('login_challenges')
    .set({ completed_at: now })
    .where('account_id', '=', accountId)
    .where('completed_at', 'is', null)
    .execute();
}
/** The account's sessions still usable at `now` (not revoked, not expired, used since `activeSince`), newest first. */
export async function listLiveSessions(
  db: Executor,
  accountId: string,
  now: string,
  activeSince: string,
): Promise<SessionRow[]> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .where((eb) => eb(eb.fn.coalesce('last_seen_at', 'created_at'), '>', activeSince))
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
}

/** Revokes one session of the account: false when the account has no such live session (someone else's included). */
export async function revokeOwnSession(db: Executor, accountId: string, id: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return changed(result) === 1;
}
