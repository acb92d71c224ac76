// The guide's "Method 2", end to end over HTTP: a user with a bound
// authenticator opens a lost-2FA ticket, uploads an ID, submits; an agent
// reviews and approves; every factor is cleared and the next binding locks
// withdrawals for 24 hours.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { codeFor, enrolledUser, PASSWORD } from '../support/flows.ts';
import { describeOnEachDatabase } from '../support/harness.ts';
import {
  decide,
  openTicket,
  outboxTo,
  png,
  submitTicket,
  supportAgent,
  ticketAuth,
  uploadEvidence,
} from './helpers.ts';

const HOME_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

describeOnEachDatabase('lost two-factor recovery', (h) => {
  test('open, upload, submit, approve: factors cleared, sessions revoked, next binding locks withdrawals', async () => {
    const user = await enrolledUser(h);
    const ticket = await openTicket(h, user.email, 'lost_two_factor', { 'user-agent': HOME_UA });

    const second = await h.call('POST', '/v1/recovery/tickets', {
      body: {
        challenge: (await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } })).body
          .challenge,
        kind: 'lost_two_factor',
      },
    });
    // Another open ticket never blocks a new one (issue 11 #4: no squatting).
    assert.equal(second.status, 201, JSON.stringify(second.body));

    const file = png();
    const uploaded = await uploadEvidence(h, ticket, 'id_document', file);
    assert.equal(uploaded.status, 201, JSON.stringify(uploaded.body));
    const evidenceId = uploaded.body.evidenceId;

    // At rest the file is ciphertext: no plaintext run of the upload survives.
    const onDisk = fs.readFileSync(path.join(h.ctx.config.dataDir, 'evidence', `${evidenceId}.v1`));
    assert.equal(onDisk.length, file.data.length + 12 + 16, 'IV + ciphertext + tag');
    assert.equal(onDisk.indexOf(file.data.subarray(0, 8)), -1, 'the PNG signature is not on disk');
    assert.equal(onDisk.indexOf(file.data.subarray(100, 132)), -1, 'no plaintext run is on disk');

    const submittedAt = h.clock.now().getTime();
    const submitted = await submitTicket(h, ticket);
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
    assert.equal(submitted.body.status, 'in_review');
    const dueHours = (Date.parse(submitted.body.reviewDueBy) - submittedAt) / 3600_000;
    assert.ok(Math.abs(dueHours - 72) < 0.01, `due 72 hours after submission, got ${dueHours}`);

    const mine = await h.call('GET', `/v1/recovery/tickets/${ticket.ticketId}`, {
      headers: ticketAuth(ticket.ticketToken),
    });
    assert.equal(mine.status, 200);
    assert.equal(mine.body.status, 'in_review');
    assert.equal(mine.body.kind, 'lost_two_factor');
    assert.equal(mine.body.decidedAt, null);
    assert.equal(mine.body.evidence.length, 1);

    const agent = await supportAgent(h);
    const queue = await h.call('GET', '/v1/support/tickets', { token: agent.token });
    assert.equal(queue.status, 200);
    const row = queue.body.tickets.find((t: { ticketId: string }) => t.ticketId === ticket.ticketId);
    assert.ok(row, 'the ticket is in the in_review queue');
    assert.equal(row.email, user.email);
    assert.equal(row.overdue, false);

    const view = await h.call('GET', `/v1/support/tickets/${ticket.ticketId}`, { token: agent.token });
    assert.equal(view.status, 200, JSON.stringify(view.body));
    assert.equal(view.body.ticket.approvalsRequired, 1);
    assert.deepEqual(
      view.body.evidence.map((e: { evidenceId: string; mimeType: string }) => [e.evidenceId, e.mimeType]),
      [[evidenceId, 'image/png']],
    );
    assert.ok(view.body.loginHistory.length >= 1, 'the enrolment login is in the history');
    assert.equal(view.body.claimant.userAgent, HOME_UA);
    assert.equal(view.body.comparison.sameIpRange, true);
    assert.equal(view.body.comparison.deviceSeenBefore, false);
    assert.ok(view.body.comparison.summary.length >= 3);

    const download = await h.call('GET', `/v1/support/tickets/${ticket.ticketId}/evidence/${evidenceId}`, {
      token: agent.token,
    });
    assert.equal(download.status, 200);
    assert.equal(download.headers['content-type'], 'image/png');
    assert.ok(download.raw.equals(file.data), 'the decrypted file is the upload');

    const approved = await decide(h, agent, ticket.ticketId, 'approve', 'ID matches the account holder.');
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.equal(approved.body.status, 'approved');
    // The approval closed the account's other open ticket, and its token died with it.
    const superseded = await h.call('GET', `/v1/recovery/tickets/${second.body.ticketId}`, {
      headers: ticketAuth(second.body.ticketToken),
    });
    assert.equal(superseded.status, 401, JSON.stringify(superseded.body));

    const again = await decide(h, agent, ticket.ticketId, 'reject');
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'already_decided');

    // Sessions revoked, factors gone; the password alone does NOT sign in: the
    // new authenticator is bound through the approved ticket only.
    assert.equal((await h.call('GET', '/v1/me/security', { token: user.token })).status, 401);
    const login = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } });
    assert.equal(login.status, 403);
    assert.equal(login.body.code, 'recovery_binding_required');

    const decided = await h.call('GET', `/v1/recovery/tickets/${ticket.ticketId}`, {
      headers: ticketAuth(ticket.ticketToken),
    });
    assert.equal(decided.body.status, 'approved');
    assert.equal(decided.body.decisionNote, 'ID matches the account holder.');
    assert.ok(decided.body.decidedAt);

    // The new binding, through the ticket, signs in and locks withdrawals for 24 hours ("recovery").
    const setup = await h.call('POST', `/v1/recovery/tickets/${ticket.ticketId}/totp/setup`, {
      headers: ticketAuth(ticket.ticketToken),
      body: {},
    });
    assert.equal(setup.status, 200, JSON.stringify(setup.body));
    const confirm = await h.call('POST', `/v1/recovery/tickets/${ticket.ticketId}/totp/confirm`, {
      headers: ticketAuth(ticket.ticketToken),
      body: { setupId: setup.body.setupId, code: codeFor(h, setup.body.secret) },
    });
    assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
    assert.equal(confirm.body.backupCodes.codes.length, 8);
    assert.ok(String(confirm.headers['set-cookie']).includes('latchkey_session='));
    const locked = await h.call('GET', '/v1/me/security', { token: confirm.body.token });
    assert.equal(locked.body.twoFactor.enabled, true);
    assert.equal(locked.body.recovery, null);
    assert.equal(locked.body.withdrawalLock.locked, true);
    assert.equal(locked.body.withdrawalLock.reason, 'recovery');
    const onceMore = await h.call('POST', `/v1/recovery/tickets/${ticket.ticketId}/totp/setup`, {
      headers: ticketAuth(ticket.ticketToken),
      body: {},
    });
    assert.equal(onceMore.status, 409, 'the ticket binds one authenticator, once');
    const hours = (Date.parse(locked.body.withdrawalLock.until) - h.clock.now().getTime()) / 3600_000;
    assert.ok(hours > 23.9 && hours <= 24, `locked for 24 hours, got ${hours}`);

    const mail = await outboxTo(h, user.email);
    assert.ok(mail.some((m) => /recovery ticket was opened/.test(m.subject)));
    assert.ok(mail.some((m) => /approved/.test(m.subject) && m.body.includes('ID matches the account holder.')));
  });

  test('the old authenticator code no longer works after approval', async () => {
    const user = await enrolledUser(h);
    const ticket = await openTicket(h, user.email, 'lost_two_factor');
    assert.equal((await uploadEvidence(h, ticket, 'id_document', png())).status, 201);
    assert.equal((await submitTicket(h, ticket)).status, 200);
    const agent = await supportAgent(h);
    assert.equal((await decide(h, agent, ticket.ticketId, 'approve')).status, 200);
    const login = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } });
    assert.equal(login.body.code, 'recovery_binding_required');
    // The challenge it carries is good only for opening a new ticket (a lost ticket token).
    const verify = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: login.body.challenge, method: 'totp', code: '123456' },
    });
    assert.equal(verify.status, 400);
    assert.equal(verify.body.code, 'method_not_available', JSON.stringify(verify.body));
    const reopened = await h.call('POST', '/v1/recovery/tickets', {
      body: { challenge: login.body.challenge, kind: 'lost_two_factor' },
    });
    assert.equal(reopened.status, 201);
    const audit = await h.ctx.storage.db
      .selectFrom('audit_log')
      .select('event')
      .where('account_id', '=', user.accountId)
      .execute();
    const events = audit.map((a) => a.event);
    for (const event of [
      'recovery_ticket_opened',
      'recovery_evidence_added',
      'recovery_ticket_submitted',
      'recovery_ticket_decision',
      'recovery_factors_cleared',
    ]) {
      assert.ok(events.includes(event), `audit has ${event}`);
    }
  });
});
