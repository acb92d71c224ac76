// Issue 15 item 12: the audit log is a hash chain. Concurrent appends stay
// linear on PostgreSQL; a row changed, deleted or inserted behind the
// application's back (the append-only trigger dropped, as an intruder with
// database access would) is named by `audit verify`, and the periodic check
// emails the support agents once.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { AUDIT_TAIL_CHECKED, verifyAuditChain } from '../../src/app/audit-chain.ts';
import { appendAudit } from '../../src/storage/events-repository.ts';
import { supportAgent } from '../recovery/helpers.ts';
import { signUpAndLogin } from '../support/flows.ts';
import { describeOnEachDatabase, type Harness } from '../support/harness.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

async function withoutAppendOnlyTrigger(h: Harness, work: () => Promise<void>): Promise<void> {
  const db = h.ctx.storage.db;
  if (h.dialect === 'sqlite') {
    await sql`DROP TRIGGER audit_log_no_update`.execute(db);
    await sql`DROP TRIGGER audit_log_no_delete`.execute(db);
  } else {
    await sql`DROP TRIGGER audit_log_no_change ON audit_log`.execute(db);
  }
  try {
    await work();
  } finally {
    if (h.dialect === 'sqlite') {
      await sql`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`.execute(
        db,
      );
      await sql`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`.execute(
        db,
      );
    } else {
      await sql`CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`.execute(
        db,
      );
    }
  }
}

async function rowAt(h: Harness, seq: number) {
  return h.ctx.storage.db.selectFrom('audit_log').selectAll().where('seq', '=', seq).executeTakeFirstOrThrow();
}

describeOnEachDatabase('audit chain', (h, dialect) => {
  test('every append is chained; concurrent appends stay linear', async () => {
    await signUpAndLogin(h);
    const at = h.clock.now().toISOString();
    await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        appendAudit(h.ctx.storage.db, { accountId: null, event: 'race_test', details: { i }, at }),
      ),
    );
    const rows = await h.ctx.storage.db.selectFrom('audit_log').select(['id', 'seq']).orderBy('id').execute();
    assert.ok(rows.length > 120);
    assert.deepEqual(
      rows.map((r) => r.seq),
      rows.map((_, i) => i + 1),
      'seq follows insertion order with no gap or fork',
    );
    const report = await verifyAuditChain(h.ctx.storage.db);
    assert.equal(report.broken, undefined, report.broken?.message);
    assert.equal(report.head.seq, rows.length);
    assert.equal(report.rowsChecked, rows.length);
  });

  test('the append-only trigger still refuses changes', async () => {
    await assert.rejects(
      h.ctx.storage.db.updateTable('audit_log').set({ event: 'x' }).where('seq', '=', 1).execute(),
      /append-only/,
    );
  });

  test('a changed row is named, then a rewritten one (hash and all), an inserted one and a deleted one', async () => {
    const db = h.ctx.storage.db;
    const target = await rowAt(h, 5);
    await withoutAppendOnlyTrigger(h, async () => {
      await db.updateTable('audit_log').set({ details: '{"i":-1}' }).where('id', '=', target.id).execute();
      let report = await verifyAuditChain(db);
      assert.equal(report.broken?.kind, 'changed');
      assert.equal(report.broken?.rowId, target.id);
      assert.match(report.broken?.message ?? '', new RegExp(`row id ${target.id} \\(seq 5\\) was changed`));

      // Rewritten with a matching hash of its own: the next row no longer links to it.
      const { auditHash } = await import('../../src/domain/audit-chain.ts');
      const forged = auditHash(5, target.prev_hash as string, { ...target, details: '{"i":-1}' });
      await db.updateTable('audit_log').set({ hash: forged }).where('id', '=', target.id).execute();
      report = await verifyAuditChain(db);
      assert.equal(report.broken?.rowId, target.id);
      await db
        .updateTable('audit_log')
        .set({ details: target.details, hash: target.hash })
        .where('id', '=', target.id)
        .execute();
      assert.equal((await verifyAuditChain(db)).broken, undefined);

      // Inserted without going through the chain.
      await db
        .insertInto('audit_log')
        .values({
          account_id: null,
          actor_account_id: null,
          event: 'forged',
          details: '{}',
          at: target.at,
          seq: null,
          prev_hash: null,
          hash: null,
        })
        .execute();
      const inserted = await db
        .selectFrom('audit_log')
        .select('id')
        .where('event', '=', 'forged')
        .executeTakeFirstOrThrow();
      report = await verifyAuditChain(db);
      assert.equal(report.broken?.kind, 'inserted');
      assert.equal(report.broken?.rowId, inserted.id);
      await db.deleteFrom('audit_log').where('id', '=', inserted.id).execute();

      // Deleted: the row after the gap is named, with the missing seq.
      const victim = await rowAt(h, 7);
      const next = await rowAt(h, 8);
      await db.deleteFrom('audit_log').where('id', '=', victim.id).execute();
      report = await verifyAuditChain(db);
      assert.equal(report.broken?.kind, 'deleted');
      assert.equal(report.broken?.seq, 7);
      assert.equal(report.broken?.rowId, next.id);
      await db.insertInto('audit_log').values(victim).execute();
      assert.equal((await verifyAuditChain(db)).broken, undefined);

      // The newest row deleted: the chain head says more rows existed.
      const head = (await verifyAuditChain(db)).head;
      const last = await rowAt(h, head.seq);
      await db.deleteFrom('audit_log').where('id', '=', last.id).execute();
      report = await verifyAuditChain(db);
      assert.equal(report.broken?.kind, 'deleted');
      assert.equal(report.broken?.seq, head.seq);
      await db.insertInto('audit_log').values(last).execute();
    });
    assert.equal((await verifyAuditChain(db)).broken, undefined);
  });

  test('the periodic check of the tail emails the agents once per break', async () => {
    const db = h.ctx.storage.db;
    const agent = await supportAgent(h);
    const head = (await verifyAuditChain(db)).head;
    assert.ok(head.seq < AUDIT_TAIL_CHECKED, 'the tampered row is within the tail the job walks');
    const target = await rowAt(h, head.seq - 2);
    await withoutAppendOnlyTrigger(h, async () => {
      await db.updateTable('audit_log').set({ event: 'nothing_happened' }).where('id', '=', target.id).execute();
    });
    const tick = () => h.call('POST', '/v1/test/clock', { body: { advanceSeconds: 60 } });
    assert.equal((await tick()).status, 200);
    assert.equal((await tick()).status, 200);
    const outbox = await h.call('GET', '/v1/test/outbox');
    const alerts = outbox.body.messages.filter(
      (m: { to: string; subject: string }) => m.to === agent.email && /audit log was tampered/.test(m.subject),
    );
    assert.equal(alerts.length, 1, 'one email per break, not one per run');
    assert.match(alerts[0].body, new RegExp(`row id ${target.id} `));
    const audited = await db
      .selectFrom('audit_log')
      .select('details')
      .where('event', '=', 'audit_chain_broken')
      .execute();
    assert.equal(audited.length, 1);

    if (dialect === 'sqlite') {
      // The operator command names the same row and prints the head (exit code 1).
      const cli = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'audit', 'verify'], {
        cwd: ROOT,
        env: { ...process.env, LATCHKEY_DATA_DIR: h.ctx.config.dataDir, LATCHKEY_TEST_MODE: '0' },
        encoding: 'utf8',
      });
      assert.equal(cli.status, 1, cli.stderr);
      assert.match(
        cli.stdout,
        new RegExp(`audit chain BROKEN: row id ${target.id} \\(seq ${target.seq}\\) was changed`),
      );
      assert.match(cli.stdout, /chain head: seq \d+ sha256 [0-9a-f]{64}/);
    }
  });
});
