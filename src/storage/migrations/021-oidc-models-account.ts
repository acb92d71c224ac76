// The account of each OpenID Provider row (grants, codes, refresh and access
// tokens, provider sessions): ending every session of an account ends its
// apps' grants too, in the same transaction (revokeAccountSessions). The
// provider itself finds rows only by id, uid, user code or grant.
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.ts';

export function oidcModelsAccountMigration(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('oidc_models').addColumn('account_id', 'text').execute();
      // Rows written before: the adapter's rule (the payload's accountId, when the model has one).
      const accountId =
        dialect === 'postgres' ? sql`payload::jsonb ->> 'accountId'` : sql`json_extract(payload, '$.accountId')`;
      await sql`UPDATE oidc_models SET account_id = ${accountId}`.execute(db);
      await db.schema.createIndex('oidc_models_account').on('oidc_models').column('account_id').execute();
    },
  };
}
