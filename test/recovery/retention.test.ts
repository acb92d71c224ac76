// Issue 15 item 6: evidence has quotas (per ticket, per account and day) and a
// free-disk floor, is deleted LATCHKEY_EVIDENCE_RETENTION_DAYS after the
// decision with an audit row, and expired records are purged by a job.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { EXPIRED_RECORDS_KEPT_DAYS } from '../../src/domain/retention.ts';
import { enqueueMessage, markMessageSent } from '../../src/storage/events-repository.ts';
import { enrolledUser, signUpAndLogin, uniqueEmail } from '../support/flows.ts';
import { describeOnEachDatabase, type Harness, type Reply } from '../support/harness.ts';
import {
  decide,
  fileWithMagic,
  openTicket,
  submitTicket,
  supportAgent,
  type Upload,
  uploadEvidence,
} from './helpers.ts';

const DAY = 86_400;
const png = (size: number): Upload => ({
  filename: 'id.png',
  contentType: 'image/png',
  data: fileWithMagic([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], size),
});

function assertProblem(reply: Reply, status: number, code: string): void {
  assert.equal(reply.status, status, JSON.stringify(reply.body));
  assert.match(String(reply.headers['content-type']), /^application\/problem\+json/);
  assert.equal(reply.body.code, code);
}

/** Moves the test clock over HTTP, which runs the periodic jobs. */
async function advance(h: Harness, seconds: number): Promise<void> {
  assert.equal((await h.call('POST', '/v1/test/clock', { body: { advanceSeconds: seconds } })).status, 200);
}

function evidenceFiles(h: Harness): string[] {
  const dir = path.join(h.ctx.config.dataDir, 'evidence');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

describeOnEachDatabase(
  'evidence quotas',
  {
    env: {
      LATCHKEY_EVIDENCE_MAX_BYTES: '10000',
      LATCHKEY_EVIDENCE_TICKET_QUOTA_BYTES: '20000',
      LATCHKEY_EVIDENCE_DAILY_QUOTA_BYTES: '30000',
      LATCHKEY_EVIDENCE_MIN_FREE_BYTES: '0',
    },
  },
  (h) => {
    test('a ticket holds its quota, an account its daily quota, and the day frees it', async () => {
      const user = await enrolledUser(h);
      const first = await openTicket(h, user.email, 'lost_two_factor');
      assert.equal((await uploadEvidence(h, first, 'id_document', png(9000))).status, 201);
      assert.equal((await uploadEvidence(h, first, 'id_document', png(9000))).status, 201);
      // 2,000 bytes left on the ticket: a 9,000-byte file is cut there and refused.
      assertProblem(await uploadEvidence(h, first, 'id_document', png(9000)), 413, 'payload_too_large');
      assert.equal((await uploadEvidence(h, first, 'id_document', png(2000))).status, 201);
      assertProblem(await uploadEvidence(h, first, 'id_document', png(100)), 413, 'payload_too_large');
      assert.equal(evidenceFiles(h).length, 3, 'refused uploads leave no file');
      assert.equal((await submitTicket(h, first)).status, 200);
      const agent = await supportAgent(h);
      assert.equal((await decide(h, agent, first.ticketId, 'reject')).status, 200);

      // A new ticket the same day: the account has 10,000 of its 30,000 bytes left.
      const second = await openTicket(h, user.email, 'lost_two_factor');
      assert.equal((await uploadEvidence(h, second, 'id_document', png(9000))).status, 201);
      assert.equal((await uploadEvidence(h, second, 'id_document', png(1000))).status, 201);
      const daily = await uploadEvidence(h, second, 'id_document', png(100));
      assertProblem(daily, 429, 'rate_limited');
      assert.ok(Number(daily.headers['retry-after']) > 0);
      await h.clock.advance(DAY + 60);
      assert.equal((await uploadEvidence(h, second, 'id_document', png(100))).status, 201);
    });
  },
);

describeOnEachDatabase(
  'evidence free-disk floor',
  { env: { LATCHKEY_EVIDENCE_MIN_FREE_BYTES: String(2 ** 50) } },
  (h) => {
    test('below the floor an upload is refused with 507 and nothing is written', async () => {
      const user = await enrolledUser(h);
      const ticket = await openTicket(h, user.email, 'lost_two_factor');
      assertProblem(await uploadEvidence(h, ticket, 'id_document', png(4000)), 507, 'storage_full');
      assert.deepEqual(evidenceFiles(h), []);
      assert.equal((await h.call('GET', '/healthz')).status, 200);
    });
  },
);

describeOnEachDatabase(
  'retention',
  { env: { LATCHKEY_EVIDENCE_RETENTION_DAYS: '90', LATCHKEY_EVIDENCE_MIN_FREE_BYTES: '0' } },
  (h) => {
    test('evidence is deleted 90 days after the decision, with an audit row', async () => {
      const user = await enrolledUser(h);
      const ticket = await openTicket(h, user.email, 'lost_two_factor');
      assert.equal((await uploadEvidence(h, ticket, 'id_document', png(4000))).status, 201);
      assert.equal((await submitTicket(h, ticket)).status, 200);
      // Another ticket is left to expire.
      const other = await enrolledUser(h);
      const open = await openTicket(h, other.email, 'full_verification');
      assert.equal((await uploadEvidence(h, open, 'id_document', png(4000))).status, 201);
      const agent = await supportAgent(h);
      assert.equal((await decide(h, agent, ticket.ticketId, 'approve')).status, 200);
      const db = h.ctx.storage.db;
      const evidenceOf = (ticketId: string) =>
        db.selectFrom('recovery_evidence').select('id').where('ticket_id', '=', ticketId).execute();
      const [kept] = await evidenceOf(ticket.ticketId);
      assert.ok(kept);

      await advance(h, 89 * DAY);
      assert.equal((await evidenceOf(ticket.ticketId)).length, 1, 'kept for 90 days');
      assert.ok(evidenceFiles(h).some((name) => name.startsWith(kept.id)));

      await advance(h, 2 * DAY); // the clock moving runs the jobs
      assert.deepEqual(await evidenceOf(ticket.ticketId), []);
      assert.ok(!evidenceFiles(h).some((name) => name.startsWith(kept.id)), 'the file is gone');
      // The other ticket expired at the end of its 14-day evidence window: kept 90 days from then.
      assert.equal((await evidenceOf(open.ticketId)).length, 1);
      await advance(h, 14 * DAY);
      assert.deepEqual(await evidenceOf(open.ticketId), []);
      const audit = await db
        .selectFrom('audit_log')
        .select(['event', 'details', 'account_id'])
        .where('event', '=', 'recovery_evidence_deleted')
        .execute();
      const row = audit.find((a) => JSON.parse(a.details).ticketId === ticket.ticketId);
      assert.ok(row, 'an audit row names the ticket');
      assert.deepEqual(
        JSON.parse(row.details).evidence.map((e: { evidenceId: string }) => e.evidenceId),
        [kept.id],
      );
    });

    test('expired sessions, challenges, WebAuthn challenges, SMS codes, reset links and sent messages are purged', async () => {
      const db = h.ctx.storage.db;
      const user = await signUpAndLogin(h, uniqueEmail());
      await h.call('POST', '/v1/sessions', { body: { email: user.email, password: 'wrong password here' } });
      assert.equal((await h.call('POST', '/v1/password-resets', { body: { email: user.email } })).status, 202);
      const at = h.clock.now().toISOString();
      await db
        .insertInto('webauthn_challenges')
        .values({
          id: crypto.randomUUID(),
          account_id: user.accountId,
          purpose: 'register',
          challenge: 'x',
          created_at: at,
          expires_at: new Date(h.clock.now().getTime() + 300_000).toISOString(),
          used_at: null,
        })
        .execute();
      await enqueueMessage(db, { channel: 'email', recipient: user.email, subject: 's', body: 'b', createdAt: at });
      const message = await db.selectFrom('outbox').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
      await markMessageSent(db, message.id, at);
      const counts = async () => ({
        sessions: (await db.selectFrom('sessions').select('id').where('account_id', '=', user.accountId).execute())
          .length,
        webauthn: (
          await db.selectFrom('webauthn_challenges').select('id').where('account_id', '=', user.accountId).execute()
        ).length,
        sent: (await db.selectFrom('outbox').select('id').where('id', '=', message.id).execute()).length,
        resets: (await db.selectFrom('password_resets').select('id').where('account_id', '=', user.accountId).execute())
          .length,
      });
      const before = await counts();
      assert.ok(
        before.sessions >= 1 && before.webauthn === 1 && before.sent === 1 && before.resets === 1,
        JSON.stringify(before),
      );

      // Still kept a day before the grace period is over (sessions live 12 hours here).
      await advance(h, (EXPIRED_RECORDS_KEPT_DAYS - 1) * DAY);
      assert.deepEqual(await counts(), before);
      await advance(h, 2 * DAY);
      assert.deepEqual(await counts(), { sessions: 0, webauthn: 0, sent: 0, resets: 0 });
      const challenges = await db
        .selectFrom('login_challenges')
        .select('id')
        .where('account_id', '=', user.accountId)
        .execute();
      assert.deepEqual(challenges, []);
    });
  },
);
