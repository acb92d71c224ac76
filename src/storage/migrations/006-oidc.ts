// OpenID Provider (issue 13): oidc-provider's models (grants, codes, tokens,
// sessions, interactions), registered clients, signing keys; and what a
// Latchkey session needs for `auth_time`/`amr`: when and how its second
// factor was last proven.
import type { Kysely } from 'kysely';

export function oidcMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('oidc_models')
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('grant_id', 'text')
        .addColumn('uid', 'text')
        .addColumn('user_code', 'text')
        .addColumn('expires_at', 'text')
        .addColumn('consumed_at', 'text')
        .addPrimaryKeyConstraint('oidc_models_pk', ['model', 'id'])
        .execute();
      await db.schema.createIndex('oidc_models_grant').on('oidc_models').column('grant_id').execute();
      await db.schema.createIndex('oidc_models_uid').on('oidc_models').column('uid').execute();
      await db.schema.createIndex('oidc_models_expires').on('oidc_models').column('expires_at').execute();

      await db.schema
        .createTable('oidc_clients')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('redirect_uris', 'text', (c) => c.notNull())
        .addColumn('public', 'integer', (c) => c.notNull())
        .addColumn('first_party', 'integer', (c) => c.notNull())
        .addColumn('secret_enc', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('removed_at', 'text')
        .execute();

      await db.schema
        .createTable('oidc_signing_keys')
        .addColumn('kid', 'text', (c) => c.primaryKey())
        .addColumn('private_jwk_enc', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('retired_at', 'text')
        .execute();

      await db.schema.alterTable('sessions').addColumn('second_factor_at', 'text').execute();
      await db.schema.alterTable('sessions').addColumn('second_factor_method', 'text').execute();
    },
  };
}
