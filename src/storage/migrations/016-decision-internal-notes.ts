// An agent's decision has two notes (issue 14, #7): the note to the user (sent
// and shown to them, kept in the audit log) and an internal note that only
// agents see.
import type { Kysely } from 'kysely';

export function decisionInternalNotesMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('ticket_decisions').addColumn('internal_note', 'text').execute();
    },
  };
}
