// A client may ask for a level on the acr ladder by default (OpenID Connect
// Dynamic Client Registration's `default_acr_values`): an exchange app that
// requires two-factor sign-in gets `urn:latchkey:acr:mfa` for every request,
// and a user without 2FA is taken through binding first (issue 13, #2).
import type { Kysely } from 'kysely';

export function oidcClientAcrMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('oidc_clients').addColumn('default_acr', 'text').execute();
    },
  };
}
