// "Continue your recovery" links (issue 14, #1): every ticket email carries a
// one-time link whose token is stored hashed; used with the account's password
// it hands a fresh ticket token to whichever browser opened it, so a recovery
// no longer depends on the tab that opened the ticket. An agent's decision
// gets an internal note beside the note to the user (issue 14, #7): only
// agents see it.
import type { Kysely } from 'kysely';

export function recoveryLinksAndDecisionNotesMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('recovery_links')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('ticket_id', 'text', (c) => c.notNull().references('recovery_tickets.id'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text')
        .execute();
      await db.schema.createIndex('recovery_links_ticket').on('recovery_links').column('ticket_id').execute();
      await db.schema.alterTable('ticket_decisions').addColumn('internal_note', 'text').execute();
    },
  };
}
