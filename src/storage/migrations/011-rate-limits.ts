// Password and sign-up throttles in the database when there is no Redis (issue
// 15, #8): several instances on one PostgreSQL share the limits instead of each
// keeping its own in memory. The shape is rate-limiter-flexible's
// RateLimiterPostgres table (key, points, expire in epoch milliseconds).
import type { Kysely } from 'kysely';

export function rateLimitsMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('rate_limits')
        .addColumn('key', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('expire', 'bigint')
        .execute();
    },
  };
}
