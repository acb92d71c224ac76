// Review deadlines on the test clock (72 hours; 15 business days across
// weekends and a configured holiday), the overdue job that emails every
// agent once, and the expiry of tickets whose evidence never came.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runJobs } from '../../src/app/jobs.ts';
import { recoveryJobs } from '../../src/app/recovery-jobs.ts';
import { enrolledUser } from '../support/flows.ts';
import { describeOnEachDatabase } from '../support/harness.ts';
import {
  openTicket,
  outboxTo,
  png,
  submitTicket,
  submittedTicket,
  supportAgent,
  ticketAuth,
  uploadEvidence,
} from './helpers.ts';

const HOLIDAY = '2031-01-14'; // a Tuesday

describeOnEachDatabase('recovery deadlines and jobs', { env: { LATCHKEY_HOLIDAYS: HOLIDAY } }, (h) => {
  const setClock = async (iso: string) => {
    const reply = await h.call('POST', '/v1/test/clock', { body: { set: iso } });
    assert.equal(reply.status, 200);
  };
  const advance = async (seconds: number) => {
    const reply = await h.call('POST', '/v1/test/clock', { body: { advanceSeconds: seconds } });
    assert.equal(reply.status, 200);
  };
  const closeTo = (actual: string, expected: string) => {
    const gap = Math.abs(Date.parse(actual) - Date.parse(expected));
    assert.ok(gap < 5_000, `expected about ${expected}, got ${actual}`);
  };

  /** Opens a ticket with an ID an hour early, then submits it at `at`. */
  async function submitAt(kind: 'lost_two_factor' | 'full_verification', at: string): Promise<string> {
    await setClock(new Date(Date.parse(at) - 3600_000).toISOString());
    const user = await enrolledUser(h);
    const ticket = await openTicket(h, user.email, kind);
    assert.equal((await uploadEvidence(h, ticket, 'id_document', png())).status, 201);
    await setClock(at);
    const submitted = await submitTicket(h, ticket);
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
    return submitted.body.reviewDueBy;
  }

  test('full verification: 15 business days, skipping weekends and the holiday', async () => {
    // Friday 3 Jan 2031 10:00 → three weeks of business days, plus one for Tue 14 Jan → Mon 27 Jan.
    closeTo(await submitAt('full_verification', '2031-01-03T10:00:00.000Z'), '2031-01-27T10:00:00.000Z');
    // Saturday 1 Feb 10:00: the weekend doesn't count → Friday 21 Feb, same time of day.
    closeTo(await submitAt('full_verification', '2031-02-01T10:00:00.000Z'), '2031-02-21T10:00:00.000Z');
  });

  test('lost two-factor: 72 hours, weekend or not', async () => {
    closeTo(await submitAt('lost_two_factor', '2031-03-07T16:00:00.000Z'), '2031-03-10T16:00:00.000Z');
  });

  test('the overdue job flags a ticket once and emails every agent once', async () => {
    const first = await supportAgent(h);
    const second = await supportAgent(h);
    const user = await enrolledUser(h);
    const ticket = await submittedTicket(h, user.email, 'lost_two_factor');
    const overdueMail = async (agentEmail: string) =>
      (await outboxTo(h, agentEmail)).filter((m) => /overdue/.test(m.subject) && m.body.includes(ticket.ticketId));

    await advance(71 * 3600);
    assert.equal((await overdueMail(first.email)).length, 0, 'not overdue yet');
    await advance(2 * 3600);
    assert.equal((await overdueMail(first.email)).length, 1);
    assert.equal((await overdueMail(second.email)).length, 1);

    // Again, and twice at once: the flag and the job claim keep it to one email.
    await advance(3600);
    await Promise.all([runJobs(h.ctx, recoveryJobs), runJobs(h.ctx, recoveryJobs)]);
    assert.equal((await overdueMail(first.email)).length, 1, 'emailed once');
    assert.equal((await overdueMail(second.email)).length, 1, 'emailed once');

    const agent = await supportAgent(h);
    const queue = await h.call('GET', '/v1/support/tickets?status=in_review', { token: agent.token });
    const row = queue.body.tickets.find((t: { ticketId: string }) => t.ticketId === ticket.ticketId);
    assert.equal(row.overdue, true);
    const dues = queue.body.tickets.map((t: { reviewDueBy: string }) => t.reviewDueBy);
    assert.deepEqual(dues, [...dues].sort(), 'oldest due first');
    const stored = await h.ctx.storage.db
      .selectFrom('recovery_tickets')
      .select('overdue_notified_at')
      .where('id', '=', ticket.ticketId)
      .executeTakeFirstOrThrow();
    assert.ok(stored.overdue_notified_at);
  });

  test('a ticket without submission expires after 14 days, and its token with it', async () => {
    const user = await enrolledUser(h);
    const ticket = await openTicket(h, user.email, 'lost_two_factor');
    await advance(13 * 24 * 3600);
    assert.equal(
      (await h.call('GET', `/v1/recovery/tickets/${ticket.ticketId}`, { headers: ticketAuth(ticket.ticketToken) }))
        .status,
      200,
    );
    await advance(24 * 3600 + 1);
    const dead = await h.call('GET', `/v1/recovery/tickets/${ticket.ticketId}`, {
      headers: ticketAuth(ticket.ticketToken),
    });
    assert.equal(dead.status, 401);
    assert.equal((await submitTicket(h, ticket)).status, 401);

    const agent = await supportAgent(h);
    const expired = await h.call('GET', '/v1/support/tickets?status=expired', { token: agent.token });
    assert.ok(expired.body.tickets.some((t: { ticketId: string }) => t.ticketId === ticket.ticketId));
    assert.ok((await outboxTo(h, user.email)).some((m) => /expired/.test(m.subject)));
    // The account may start over.
    await openTicket(h, user.email, 'lost_two_factor');
  });
});
