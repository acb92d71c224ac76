import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import type { Dialect } from './dialect.ts';
import { initialMigration } from './migrations/001-initial.ts';
import { securityKeysAndPhonesMigration } from './migrations/002-security-keys-and-phones.ts';
import { sessionActivityMigration } from './migrations/003-session-activity.ts';
import { webhooksMigration } from './migrations/004-webhooks.ts';
import { challengePurposeMigration } from './migrations/005-challenge-purpose.ts';
import { oidcMigration } from './migrations/006-oidc.ts';
import { smsSendGateMigration } from './migrations/007-sms-send-gate.ts';
import { recoveryLockCauseMigration } from './migrations/008-recovery-lock-cause.ts';
import { agentInvitationsMigration } from './migrations/009-agent-invitations.ts';
import { auditChainMigration } from './migrations/010-audit-chain.ts';
import { rateLimitsMigration } from './migrations/011-rate-limits.ts';
import { passwordResetsMigration } from './migrations/012-password-resets.ts';
import { accountFreezesMigration } from './migrations/013-account-freezes.ts';
import { knownBrowsersMigration } from './migrations/014-known-browsers.ts';
import { recoveryLinksAndDecisionNotesMigration } from './migrations/015-recovery-links-and-decision-notes.ts';
import { totpBurntStepMigration } from './migrations/016-totp-burnt-step.ts';
import { oidcClientAcrMigration } from './migrations/019-oidc-client-acr.ts';
import { totpBindingsAccountMigration } from './migrations/020-totp-bindings-account.ts';
import { oidcModelsAccountMigration } from './migrations/021-oidc-models-account.ts';
import { knownBrowsersLastSeenMigration } from './migrations/022-known-browsers-last-seen.ts';

// Migrations live in code (not files read at run time) so one set serves both
// databases and the order is explicit.
function provider(dialect: Dialect): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return {
        '001-initial': initialMigration(dialect),
        '002-security-keys-and-phones': securityKeysAndPhonesMigration(),
        '003-session-activity': sessionActivityMigration(),
        '004-webhooks': webhooksMigration(dialect),
        '005-challenge-purpose': challengePurposeMigration(),
        '006-oidc': oidcMigration(),
        '007-sms-send-gate': smsSendGateMigration(),
        '008-recovery-lock-cause': recoveryLockCauseMigration(),
        '009-agent-invitations': agentInvitationsMigration(),
        '010-audit-chain': auditChainMigration(dialect),
        '011-rate-limits': rateLimitsMigration(),
        '012-password-resets': passwordResetsMigration(),
        '013-account-freezes': accountFreezesMigration(),
        '014-known-browsers': knownBrowsersMigration(),
        '015-recovery-links-and-decision-notes': recoveryLinksAndDecisionNotesMigration(),
        '016-totp-burnt-step': totpBurntStepMigration(),
        '019-oidc-client-acr': oidcClientAcrMigration(),
        '020-totp-bindings-account': totpBindingsAccountMigration(),
        '021-oidc-models-account': oidcModelsAccountMigration(dialect),
        '022-known-browsers-last-seen': knownBrowsersLastSeenMigration(),
      };
    },
  };
}

export async function migrateToLatest<T>(db: Kysely<T>, dialect: Dialect): Promise<void> {
  // Kysely looks for its bookkeeping tables in any schema unless told which:
  // with two Latchkey schemas in one PostgreSQL database (tests run several at
  // once) the second would find the first one's tables and skip creating its own.
  const schema =
    dialect === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db: db as Kysely<unknown>,
    provider: provider(dialect),
    // Migrations are independent additions, numbered by the change that made
    // them: a database that has a later one still takes an earlier one that
    // landed after it.
    allowUnorderedMigrations: true,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}

/** The names of every migration, in order: what a fully migrated database records. */
export async function migrationNames(dialect: Dialect): Promise<string[]> {
  return Object.keys(await provider(dialect).getMigrations()).sort();
}
