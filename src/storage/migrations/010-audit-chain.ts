// The tamper-evident audit chain (issue 15 item 12): `seq`, `prev_hash` and
// `hash` on every audit row, and the chain head in a one-row table that each
// append updates in its transaction. Rows written before are chained here, in
// id order, with the append-only triggers set aside for that one update.
import { type Kysely, sql } from 'kysely';
import { auditHash, GENESIS_HASH } from '../../domain/audit-chain.ts';
import type { Dialect } from '../dialect.ts';

interface OldAuditRow {
  id: number;
  account_id: string | null;
  actor_account_id: string | null;
  event: string;
  details: string;
  at: string;
}

export function auditChainMigration(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('audit_log').addColumn('seq', 'bigint').execute();
      await db.schema.alterTable('audit_log').addColumn('prev_hash', 'text').execute();
      await db.schema.alterTable('audit_log').addColumn('hash', 'text').execute();
      await db.schema.createIndex('audit_log_seq').unique().on('audit_log').column('seq').execute();
      await db.schema
        .createTable('audit_chain_head')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('alerted', 'text')
        .execute();

      const rows = (
        await sql<OldAuditRow>`SELECT id, account_id, actor_account_id, event, details, at FROM audit_log ORDER BY id`.execute(
          db,
        )
      ).rows;
      let head = { seq: 0, hash: GENESIS_HASH };
      if (rows.length > 0) {
        if (dialect === 'sqlite') await sql`DROP TRIGGER audit_log_no_update`.execute(db);
        else await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change`.execute(db);
        for (const row of rows) {
          const seq = head.seq + 1;
          const hash = auditHash(seq, head.hash, row);
          await sql`UPDATE audit_log SET seq = ${seq}, prev_hash = ${head.hash}, hash = ${hash} WHERE id = ${row.id}`.execute(
            db,
          );
          head = { seq, hash };
        }
        if (dialect === 'sqlite') {
          await sql`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`.execute(
            db,
          );
        } else {
          await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change`.execute(db);
        }
      }
      await sql`INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, ${head.seq}, ${head.hash})`.execute(db);
    },
  };
}
