// Sessions remember when they were last used, for the inactivity timeout.
import type { Kysely } from 'kysely';

export function sessionActivityMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('sessions').addColumn('last_seen_at', 'text').execute();
    },
  };
}
