// Support agents are invited (issue 11, #2): a one-time link whose token is
// stored hashed, expires, and works once, sets the agent's password.
import type { Kysely } from 'kysely';

export function agentInvitationsMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('agent_invitations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text')
        .execute();
      await db.schema.createIndex('agent_invitations_account').on('agent_invitations').column('account_id').execute();
    },
  };
}
