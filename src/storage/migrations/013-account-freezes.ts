// "This wasn't me" (issue 12): the one-click freeze links that every security
// email carries (random token stored hashed, 7 days, single use), and the
// owner's freezes themselves (one open row per account at most; a freeze ends
// when a recovery ticket of the account is approved).
import { type Kysely, sql } from 'kysely';

export function accountFreezesMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('freeze_links')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text')
        .execute();
      await db.schema.createIndex('freeze_links_account').on('freeze_links').column('account_id').execute();
      await db.schema
        .createTable('account_freezes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('via', 'text', (c) => c.notNull())
        .addColumn('frozen_at', 'text', (c) => c.notNull())
        .addColumn('ended_at', 'text')
        .addColumn('ended_by_ticket_id', 'text')
        .execute();
      // At most one freeze in force per account, whatever races (both databases
      // have partial unique indexes).
      await db.schema
        .createIndex('account_freezes_one_open')
        .unique()
        .on('account_freezes')
        .column('account_id')
        .where(sql.ref('ended_at'), 'is', null)
        .execute();
    },
  };
}
