// The step a clock diagnosis burnt is remembered apart from the last accepted
// one (issue 14, #4): a right code for it answers `code_step_reserved` with the
// time codes work again, instead of a counted `invalid_code`.
import type { Kysely } from 'kysely';

export function totpBurntStepMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('totp_bindings').addColumn('burnt_step', 'bigint').execute();
    },
  };
}
