import type { Executor } from './executor.ts';

/** Frozen from the submission of a full verification until its decision. */
export async function isAccountFrozen(db: Executor, accountId: string): Promise<boolean> {
  const row = await db
    .selectFrom('recovery_tickets')
    .select('id')
    .where('account_id', '=', accountId)
    .where('kind', '=', 'full_verification')
    .where('status', '=', 'in_review')
    .executeTakeFirst();
  return row !== undefined;
}

/** The account's ticket that is still awaiting evidence or in review, if any. */
export async function findOpenTicket(db: Executor, accountId: string) {
  return db
    .selectFrom('recovery_tickets')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('status', 'in', ['awaiting_evidence', 'in_review'])
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
}
