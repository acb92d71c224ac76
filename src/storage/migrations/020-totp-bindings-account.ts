// An account's TOTP bindings by account (issue 16, scale): the one index on
// account_id was the partial unique `totp_bindings_one_active` (status =
// 'active'). SQLite uses it for the login's `status = ?` bound to 'active', but
// not for a rebind's or a recovery's `status in (?, ?)`, which scanned every
// binding while holding the write lock: 0.9 s at a million accounts.
import type { Kysely } from 'kysely';

export function totpBindingsAccountMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createIndex('totp_bindings_account').on('totp_bindings').column('account_id').execute();
    },
  };
}
