// A cheap round trip to the database, for the health and readiness checks.
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';

export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
