import type { Executor } from './executor.ts';
import type { AgentInvitationsTable } from './schema.ts';

export type InvitationRow = AgentInvitationsTable;

/** A new invitation voids the account's earlier ones: only the latest link works. */
export async function replaceInvitation(db: Executor, row: InvitationRow): Promise<void> {
  await db
    .updateTable('agent_invitations')
    .set({ used_at: row.created_at })
    .where('account_id', '=', row.account_id)
    .where('used_at', 'is', null)
    .execute();
  await db.insertInto('agent_invitations').values(row).execute();
}

/**
 * Spends a live invitation: a guarded write, so of concurrent uses one wins.
 * Returns its account id, or undefined when the token is unknown, used or expired.
 */
export async function useInvitation(db: Executor, tokenHash: string, now: string): Promise<string | undefined> {
  const row = await db
    .updateTable('agent_invitations')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('account_id')
    .executeTakeFirst();
  return row?.account_id;
}

export async function findLiveInvitation(
  db: Executor,
  tokenHash: string,
  now: string,
): Promise<Pick<InvitationRow, 'account_id'> | undefined> {
  return db
    .selectFrom('agent_invitations')
    .select('account_id')
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}
