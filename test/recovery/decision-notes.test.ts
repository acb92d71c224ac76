// Issue 14, #7: an agent's decision carries a note to the user (emailed, shown
// on the ticket page, audited) and an internal note the user never sees; the
// console's approval confirmation names the account's factors from the
// registry (the ticket view's `factors`).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { enrolledUser } from '../support/flows.ts';
import { describeOnEachDatabase } from '../support/harness.ts';
import { outboxTo, submittedTicket, supportAgent, ticketAuth } from './helpers.ts';

const INTERNAL = 'Internal: selfie looks edited around the jaw, compare with 2024 KYC.';

describeOnEachDatabase('decision notes', (h) => {
  test('the user sees the note to the user, never the internal note', async () => {
    const user = await enrolledUser(h);
    const first = await supportAgent(h);
    const second = await supportAgent(h);
    const ticket = await submittedTicket(h, user.email, 'full_verification');

    const before = await h.call('GET', `/v1/support/tickets/${ticket.ticketId}`, { token: first.token });
    assert.equal(before.status, 200);
    assert.deepEqual(before.body.factors, ['totp', 'backup_code'], 'what an approval would remove');

    const one = await h.call('POST', `/v1/support/tickets/${ticket.ticketId}/decision`, {
      token: first.token,
      body: { decision: 'approve', note: 'Your ID checks out.', internalNote: INTERNAL },
    });
    assert.equal(one.status, 200, JSON.stringify(one.body));
    const two = await h.call('POST', `/v1/support/tickets/${ticket.ticketId}/decision`, {
      token: second.token,
      body: { decision: 'approve', note: 'Approved: bind your new authenticator.', internalNote: '   ' },
    });
    assert.equal(two.status, 200, JSON.stringify(two.body));
    assert.equal(two.body.status, 'approved');

    const mine = await h.call('GET', `/v1/recovery/tickets/${ticket.ticketId}`, {
      headers: ticketAuth(ticket.ticketToken),
    });
    assert.equal(mine.status, 200);
    assert.equal(mine.body.decisionNote, 'Approved: bind your new authenticator.');
    assert.ok(!JSON.stringify(mine.body).includes('selfie looks edited'), 'no internal note in the user view');
    for (const mail of await outboxTo(h, user.email)) {
      assert.ok(!mail.body.includes('selfie looks edited'), `no internal note in "${mail.subject}"`);
    }
    const approved = (await outboxTo(h, user.email)).find((m) => /was approved/.test(m.subject));
    assert.match(approved?.body ?? '', /Note from support: Approved: bind your new authenticator\./);

    // The agents see both notes, each decision with its own; a blank internal note is none.
    const view = await h.call('GET', `/v1/support/tickets/${ticket.ticketId}`, { token: second.token });
    assert.deepEqual(
      view.body.ticket.approvals.map((a: { note: string; internalNote: string | null }) => [a.note, a.internalNote]),
      [
        ['Your ID checks out.', INTERNAL],
        ['Approved: bind your new authenticator.', null],
      ],
    );
    assert.deepEqual(view.body.factors, [], 'approval removed every factor');

    // Both notes are in the audit log.
    const audit = await h.ctx.storage.db
      .selectFrom('audit_log')
      .select('details')
      .where('event', '=', 'recovery_ticket_decision')
      .execute();
    const mineAudit = audit.map((a) => JSON.parse(a.details)).filter((d) => d.ticketId === ticket.ticketId);
    assert.deepEqual(
      mineAudit.map((d) => [d.note, d.internalNote]),
      [
        ['Your ID checks out.', INTERNAL],
        ['Approved: bind your new authenticator.', null],
      ],
    );
  });

  test('a rejection shows its note to the user; the internal note stays with the agents', async () => {
    const user = await enrolledUser(h);
    const agent = await supportAgent(h);
    const ticket = await submittedTicket(h, user.email, 'lost_two_factor');
    const rejected = await h.call('POST', `/v1/support/tickets/${ticket.ticketId}/decision`, {
      token: agent.token,
      body: { decision: 'reject', note: 'Upload a photo of the whole ID card.', internalNote: INTERNAL },
    });
    assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
    const mine = await h.call('GET', `/v1/recovery/tickets/${ticket.ticketId}`, {
      headers: ticketAuth(ticket.ticketToken),
    });
    assert.equal(mine.body.status, 'rejected');
    assert.equal(mine.body.decisionNote, 'Upload a photo of the whole ID card.');
    assert.ok(!JSON.stringify(mine.body).includes('selfie looks edited'));
    const mail = (await outboxTo(h, user.email)).find((m) => /rejected/.test(m.subject));
    assert.match(mail?.body ?? '', /Upload a photo of the whole ID card\./);
    assert.ok(!(mail?.body ?? '').includes('selfie looks edited'));
  });

  test('the internal note is checked like the note: length and characters', async () => {
    const user = await enrolledUser(h);
    const agent = await supportAgent(h);
    const ticket = await submittedTicket(h, user.email, 'lost_two_factor');
    for (const internalNote of ['x'.repeat(2001), 'bidi \u202e override', 7]) {
      const refused = await h.call('POST', `/v1/support/tickets/${ticket.ticketId}/decision`, {
        token: agent.token,
        body: { decision: 'reject', note: 'why', internalNote },
      });
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
    }
  });
});
