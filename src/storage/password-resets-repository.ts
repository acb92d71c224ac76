// Forgotten-password links (migration 012). Every change is a guarded write:
// of two uses of one link, or a use racing a newer request, one wins.
import type { Executor } from './executor.ts';
import type { PasswordResetsTable } from './schema.ts';

export type PasswordResetRow = PasswordResetsTable;

/** A new link ends the account's earlier ones: only the latest works. */
export async function replacePasswordReset(db: Executor, row: PasswordResetRow): Promise<void> {
  await endPasswordResets(db, row.account_id, row.created_at);
  await db.insertInto('password_resets').values(row).execute();
}

/** Ends every live link of the account (a password change makes them pointless). */
export async function endPasswordResets(db: Executor, accountId: string, now: string): Promise<void> {
  await db
    .updateTable('password_resets')
    .set({ ended_at: now })
    .where('account_id', '=', accountId)
    .where('ended_at', 'is', null)
    .execute();
}

/** The live link with this token hash (not used, not replaced, not expired). */
export async function findLivePasswordReset(
  db: Executor,
  tokenHash: string,
  now: string,
): Promise<Pick<PasswordResetRow, 'id' | 'account_id' | 'expires_at'> | undefined> {
  return db
    .selectFrom('password_resets')
    .select(['id', 'account_id', 'expires_at'])
    .where('token_hash', '=', tokenHash)
    .where('ended_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/**
 * Spends a live link: a guarded write, so of concurrent uses one wins. Returns
 * its account id, or undefined when the token is unknown, used, replaced or expired.
 */
export async function usePasswordReset(db: Executor, tokenHash: string, now: string): Promise<string | undefined> {
  const row = await db
    .updateTable('password_resets')
    .set({ ended_at: now })
    .where('token_hash', '=', tokenHash)
    .where('ended_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('account_id')
    .executeTakeFirst();
  return row?.account_id;
}
