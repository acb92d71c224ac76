// Signed security events (issue 13): webhook endpoints, the event outbox and
// one delivery row per endpoint and event, delivered in id order per account.
import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';

export function webhooksMigration(dialect: Dialect) {
  const serial = dialect === 'postgres' ? ('bigserial' as const) : ('integer' as const);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('webhook_endpoints')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('url', 'text', (c) => c.notNull())
        // JSON array of event types; null subscribes to every event.
        .addColumn('events', 'text')
        .addColumn('secret_enc', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('removed_at', 'text')
        .execute();

      await db.schema
        .createTable('webhook_events')
        .addColumn('id', serial, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('message_id', 'text', (c) => c.notNull().unique())
        .addColumn('account_id', 'text')
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('webhook_events_created').on('webhook_events').column('created_at').execute();

      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', serial, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('endpoint_id', 'text', (c) => c.notNull().references('webhook_endpoints.id'))
        .addColumn('event_id', 'bigint', (c) => c.notNull().references('webhook_events.id'))
        // The ordering key: the event's account, '' for events without one.
        .addColumn('account_key', 'text', (c) => c.notNull())
        .addColumn('queued_at', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('delivered_at', 'text')
        .addColumn('dead_at', 'text')
        .addColumn('last_error', 'text')
        .execute();
      await db.schema
        .createIndex('webhook_deliveries_order')
        .on('webhook_deliveries')
        .columns(['endpoint_id', 'account_key', 'id'])
        .execute();
    },
  };
}
