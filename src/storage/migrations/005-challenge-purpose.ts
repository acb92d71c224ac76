// A login challenge is for the second factor (`login`) or, while the
// second-factor step is locked, only for opening a recovery ticket (`recovery`).
import type { Kysely } from 'kysely';

export function challengePurposeMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('login_challenges')
        .addColumn('purpose', 'text', (c) => c.notNull().defaultTo('login'))
        .execute();
    },
  };
}
