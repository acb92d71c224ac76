// Forgotten-password links (issue 12): the token is stored only as a SHA-256
// hash; a link works once (used_at, a guarded write), for 30 minutes, and a
// newer request for the account ends the older ones (ended_at).
import type { Kysely } from 'kysely';

export function passwordResetsMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('password_resets')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('ended_at', 'text')
        .addColumn('ip', 'text')
        .execute();
      await db.schema.createIndex('password_resets_account').on('password_resets').column('account_id').execute();
    },
  };
}
