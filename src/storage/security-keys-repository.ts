import type { Executor } from './executor.ts';
import { changed } from './executor.ts';
import type { WebauthnChallengesTable, WebauthnCredentialsTable } from './schema.ts';

export type SecurityKeyRow = WebauthnCredentialsTable;
export type WebauthnChallengeRow = WebauthnChallengesTable;

/** False when the credential id is already registered (to anyone). */
export async function insertSecurityKey(db: Executor, row: SecurityKeyRow): Promise<boolean> {
  const result = await db
    .insertInto('webauthn_credentials')
    .values(row)
    .onConflict((c) => c.column('credential_id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function listSecurityKeys(db: Executor, accountId: string): Promise<SecurityKeyRow[]> {
  return db
    .selectFrom('webauthn_credentials')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .execute();
}

export async function findSecurityKey(
  db: Executor,
  accountId: string,
  credentialId: string,
): Promise<SecurityKeyRow | undefined> {
  return db
    .selectFrom('webauthn_credentials')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('credential_id', '=', credentialId)
    .executeTakeFirst();
}

export async function deleteSecurityKey(db: Executor, accountId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('webauthn_credentials')
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return changed(result) === 1;
}

export async function deleteAccountSecurityKeys(db: Executor, accountId: string): Promise<void> {
  await db.deleteFrom('webauthn_credentials').where('account_id', '=', accountId).execute();
}

/**
 * Moves the signature counter forward from the value the assertion was checked
 * against: of two racing assertions only one can win.
 */
export async function advanceSecurityKeyCounter(
  db: Executor,
  id: string,
  expected: number,
  next: number,
  now: string,
): Promise<boolean> {
  const result = await db
    .updateTable('webauthn_credentials')
    .set({ counter: next, last_used_at: now })
    .where('id', '=', id)
    .where('counter', '=', expected)
    .executeTakeFirst();
  return changed(result) === 1;
}

export async function insertWebauthnChallenge(db: Executor, row: WebauthnChallengeRow): Promise<void> {
  await db.insertInto('webauthn_challenges').values(row).execute();
}

/**
 * Before a new challenge is issued: the account's used or expired challenges go,
 * and so do its unused ones for the same purpose (only the latest works), so
 * asking for options again and again leaves one row, not one per request.
 */
export async function purgeWebauthnChallenges(
  db: Executor,
  accountId: string,
  purpose: WebauthnChallengeRow['purpose'],
  now: string,
): Promise<void> {
  await db
    .deleteFrom('webauthn_challenges')
    .where('account_id', '=', accountId)
    .where((eb) => eb.or([eb('purpose', '=', purpose), eb('used_at', 'is not', null), eb('expires_at', '<=', now)]))
    .execute();
}

/**
 * Spends a challenge once, before it expires, for the purpose it was issued
 * for (WebAuthn L3 §13.4.3: challenges are single-use): the row goes.
 */
export async function spendWebauthnChallenge(
  db: Executor,
  accountId: string,
  purpose: WebauthnChallengeRow['purpose'],
  challenge: string,
  now: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('webauthn_challenges')
    .where('account_id', '=', accountId)
    .where('purpose', '=', purpose)
    .where('challenge', '=', challenge)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
