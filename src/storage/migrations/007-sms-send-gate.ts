// One SMS send at a time per account (issue 11, #6): a guarded write on this
// row admits one send per resend interval, whatever the number of instances.
import type { Kysely } from 'kysely';

export function smsSendGateMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('sms_send_gate')
        .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id'))
        .addColumn('last_sent_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
