// An account's TOTP bindings by account (issue 16, scale): the one index on
// account_id was the partial unique `totp_bindings_one_active` (status =
// 'active'), which a query can use only if its SQL says 'active' literally.
// The login's `account_id = ? and status = ?` and a rebind's `status in (…)`
// bind the status, so SQLite scanned every binding: a million rows per TOTP login.
import type { Kysely } from 'kysely';

export function totpBindingsAccountMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createIndex('totp_bindings_account').on('totp_bindings').column('account_id').execute();
    },
  };
}
