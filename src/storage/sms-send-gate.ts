import type { Executor } from './executor.ts';

/**
 * The guarded write that admits one SMS send per account at a time: true when
 * no send happened after `cutoff` (this call then records `now`). Of
 * concurrent callers, one wins.
 */
export async function claimSmsSend(db: Executor, accountId: string, now: string, cutoff: string): Promise<boolean> {
  const result = await db
    .insertInto('sms_send_gate')
    .values({ account_id: accountId, last_sent_at: now })
    .onConflict((c) =>
      c.column('account_id').doUpdateSet({ last_sent_at: now }).where('sms_send_gate.last_sent_at', '<=', cutoff),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}
