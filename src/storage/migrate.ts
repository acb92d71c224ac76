import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { Dialect } from './dialect.ts';
import { initialMigration } from './migrations/001-initial.ts';

// Migrations live in code (not files read at run time) so one set serves both
// databases and the order is explicit.
function provider(dialect: Dialect): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return { '001-initial': initialMigration(dialect) };
    },
  };
}

export async function migrateToLatest<T>(db: Kysely<T>, dialect: Dialect): Promise<void> {
  const migrator = new Migrator({ db: db as Kysely<unknown>, provider: provider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}
