// An approved recovery remembers which kind of ticket it was until the new
// authenticator is bound (the lock policy may differ per kind): the pending
// value 'recovery' becomes 'lost_two_factor_recovery' or
// 'full_verification_recovery', read from the account's latest approved ticket.
import { type Kysely, sql } from 'kysely';

export function recoveryLockCauseMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`
        UPDATE accounts SET rebind_lock_reason = COALESCE(
          (SELECT t.kind || '_recovery' FROM recovery_tickets t
            WHERE t.account_id = accounts.id AND t.status = 'approved'
            ORDER BY t.decided_at DESC LIMIT 1),
          'lost_two_factor_recovery')
        WHERE rebind_lock_reason = 'recovery'`.execute(db);
    },
  };
}
