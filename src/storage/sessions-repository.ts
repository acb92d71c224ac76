import type { Executor } from './executor.ts';
import { changed } from './executor.ts';
import type { LoginChallengesTable, SessionsTable } from './schema.ts';

export type SessionRow = SessionsTable;
export type ChallengeRow = LoginChallengesTable;

export async function insertSession(db: Executor, row: SessionRow): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

export async function findLiveSession(db: Executor, tokenHash: string, now: string): Promise<SessionRow | undefined> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** Records use, at most once a minute per session (the inactivity clock). */
export async function touchSession(db: Executor, id: string, now: string, notSince: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ last_seen_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', notSince)]))
    .execute();
}

export async function revokeSession(db: Executor, id: string, now: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Revokes every live session of the account except `keepId` (none when undefined). */
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
  return changed(await query.executeTakeFirst());
}

export async function insertChallenge(db: Executor, row: ChallengeRow): Promise<void> {
  await db.insertInto('login_challenges').values(row).execute();
}

export async function findChallenge(db: Executor, tokenHash: string): Promise<ChallengeRow | undefined> {
  return db.selectFrom('login_challenges').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/**
 * Takes one of the challenge's five attempts BEFORE the code is checked, so
 * concurrent wrong codes can't all slip in under the limit. Returns the count
 * with this attempt, or undefined when none is left.
 */
export async function takeChallengeAttempt(db: Executor, id: string, limit: number): Promise<number | undefined> {
  const row = await db
    .updateTable('login_challenges')
    .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1) }))
    .where('id', '=', id)
    .where('failed_attempts', '<', limit)
    .where('completed_at', 'is', null)
    .returning('failed_attempts')
    .executeTakeFirst();
  return row?.failed_attempts;
}

/**
 * The wrong codes a challenge has taken, or undefined when it takes no more
 * (completed, or at the limit). Read inside the gate's transaction, where the
 * account's attempts take turns (account row lock), so a right code writes
 * nothing here and only a wrong one takes an attempt (`takeChallengeAttempt`).
 */
export async function usableChallengeFailures(db: Executor, id: string, limit: number): Promise<number | undefined> {
  const row = await db
    .selectFrom('login_challenges')
    .select('failed_attempts')
    .where('id', '=', id)
    .where('failed_attempts', '<', limit)
    .where('completed_at', 'is', null)
    .executeTakeFirst();
  return row?.failed_attempts;
}

/** The wrong codes a challenge has taken (for the attempts left a refusal reports). */
export async function challengeFailedAttempts(db: Executor, id: string): Promise<number> {
  const row = await db.selectFrom('login_challenges').select('failed_attempts').where('id', '=', id).executeTakeFirst();
  return row?.failed_attempts ?? 0;
}

/** The conditional write that decides which of several racing requests finishes the login. */
export async function completeChallenge(db: Executor, id: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('login_challenges')
    .set({ completed_at: now })
    .where('id', '=', id)
    .where('completed_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return changed(result) === 1;
}

/** A step-up: the session's second factor was proven again just now. */
export async function recordSessionSecondFactor(db: Executor, id: string, method: string, at: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ second_factor_at: at, second_factor_method: method })
    .where('id', '=', id)
    .execute();
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
