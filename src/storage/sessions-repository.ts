import type { ExpressionBuilder } from 'kysely';
import { toAccountWithFreeze, type WithAccount } from './accounts-repository.ts';
import type { Executor } from './executor.ts';
import { changed } from './executor.ts';
import { freezeColumns } from './freezes-repository.ts';
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

/**
 * A session or a login challenge read with its account and the account's
 * freeze in one statement (a login's and every authenticated request's round
 * trips to PostgreSQL are most of their cost, issue 16): the row's own columns
 * come under `<prefix><column>`, as the account's row shares some (id, created_at).
 * Every column of each such row (`EveryColumn`: one missing fails tsc):
 */
const SESSION_COLUMNS = {
  id: true,
  account_id: true,
  token_hash: true,
  created_at: true,
  expires_at: true,
  revoked_at: true,
  ip: true,
  user_agent: true,
  last_seen_at: true,
  second_factor_at: true,
  second_factor_method: true,
} satisfies EveryColumn<SessionRow>;
const CHALLENGE_COLUMNS = {
  id: true,
  account_id: true,
  token_hash: true,
  created_at: true,
  expires_at: true,
  failed_attempts: true,
  completed_at: true,
  ip: true,
  user_agent: true,
  purpose: true,
} satisfies EveryColumn<ChallengeRow>;

type Prefixed<T extends string, C extends string, P extends string> = { [K in C]: `${T}.${K} as ${P}${K}` }[C];

/** `<table>.<column> as <prefix><column>` for each column. */
function prefixedColumns<T extends 'sessions' | 'login_challenges', C extends string, P extends string>(
  table: T,
  prefix: P,
  columns: Record<C, unknown>,
): Array<Prefixed<T, C, P>> {
  return (Object.keys(columns) as C[]).map((column) => `${table}.${column} as ${prefix}${column}` as Prefixed<T, C, P>);
}

/** The row's own columns back under their names, and its account with the freeze. */
function splitWithAccount<R>(
  row: Parameters<typeof toAccountWithFreeze>[0] & Record<string, unknown>,
  prefix: string,
  columns: EveryColumn<R>,
): { own: R } & WithAccount {
  const own = Object.fromEntries(Object.keys(columns).map((column) => [column, row[`${prefix}${column}`]])) as R;
  return { own, ...toAccountWithFreeze(row) };
}

// Every authenticated request: its session, the account and the account's freeze in one read.
const liveSessionQuery = prepared((db, p: { tokenHash: string; now: string }) =>
  db
    .selectFrom('sessions')
    .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
    .selectAll('accounts')
    .select(prefixedColumns('sessions', 's_', SESSION_COLUMNS))
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

export interface LiveSession extends WithAccount {
  readonly session: SessionRow;
}

/** The session of this token, unless revoked or expired at `now`, with its account and the account's freeze. */
export async function findLiveSession(db: Executor, tokenHash: string, now: string): Promise<LiveSession | undefined> {
  const row = await liveSessionQuery.first(db, { tokenHash, now });
  if (!row) return undefined;
  const { own, ...withAccount } = splitWithAccount<SessionRow>(row, 's_', SESSION_COLUMNS);
  return { session: own, ...withAccount };
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

const challengeWithAccountQuery = prepared((db, p: { tokenHash: string }) =>
  db
    .selectFrom('login_challenges')
    .innerJoin('accounts', 'accounts.id', 'login_challenges.account_id')
    .selectAll('accounts')
    .select(prefixedColumns('login_challenges', 'c_', CHALLENGE_COLUMNS))
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
export interface ChallengeWithAccount extends WithAccount {
  readonly challenge: ChallengeRow;
}

/** The challenge, its account and the account's freeze in one statement: every use of a challenge reads all three first. */
export async function findChallengeWithAccount(
  db: Executor,
  tokenHash: string,
): Promise<ChallengeWithAccount | undefined> {
  const row = await challengeWithAccountQuery.first(db, { tokenHash });
  if (!row) return undefined;
  const { own, ...withAccount } = splitWithAccount<ChallengeRow>(row, 'c_', CHALLENGE_COLUMNS);
  return { challenge: own, ...withAccount };
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
