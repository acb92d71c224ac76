// When each known browser was last seen (new-browser alerts, retention): a
// browser not seen for longer than its device cookie lives is forgotten, and
// the index finds those rows without reading the table. A browser already
// known was last seen, as far as anyone can tell, when it was first seen.
import { type Kysely, sql } from 'kysely';

export function knownBrowsersLastSeenMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('known_browsers').addColumn('last_seen_at', 'text').execute();
      await sql`update known_browsers set last_seen_at = first_seen_at`.execute(db);
      await db.schema.createIndex('known_browsers_last_seen').on('known_browsers').column('last_seen_at').execute();
    },
  };
}
