// The guide's emergency plan: a full identity verification freezes every
// login from its submission until its decision, and needs approvals from two
// different agents; a rejection unfreezes and leaves the factors working.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setAccountRole } from '../../src/storage/accounts-repository.ts';
import { challengeFor, codeFor, enrolledUser, PASSWORD } from '../support/flows.ts';
import { describeOnEachDatabase } from '../support/harness.ts';
import {
  decide,
  mp4,
  openTicket,
  png,
  submitTicket,
  submittedTicket,
  supportAgent,
  ticketAuth,
  uploadEvidence,
} from './helpers.ts';

describeOnEachDatabase('full identity verification', (h) => {
  const login = (email: string) => h.call('POST', '/v1/sessions', { body: { email, password: PASSWORD } });

  test('frozen during review; one agent cannot approve alone; a second agent completes it', async () => {
    const user = await enrolledUser(h);
    const ticket = await openTicket(h, user.email, 'full_verification');
    assert.equal(
      (await uploadEvidence(h, ticket, 'id_document', { ...mp4(), filename: 'id.png' })).status,
      415,
      'a video is no ID document',
    );
    assert.equal((await uploadEvidence(h, ticket, 'selfie_video', mp4())).status, 201);
    assert.equal((await login(user.email)).status, 200, 'not frozen before submission');
    assert.equal((await uploadEvidence(h, ticket, 'id_document', png())).status, 201);
    const submitted = await submitTicket(h, ticket);
    assert.equal(submitted.status, 200);

    const frozen = await login(user.email);
    assert.equal(frozen.status, 423);
    assert.equal(frozen.body.code, 'account_frozen');
    assert.equal(
      (await h.call('GET', '/v1/me/security', { token: user.token })).status,
      401,
      'open sessions were signed out',
    );

    const first = await supportAgent(h);
    const second = await supportAgent(h);
    const one = await decide(h, first, ticket.ticketId, 'approve');
    assert.equal(one.status, 200, JSON.stringify(one.body));
    assert.deepEqual(one.body, { status: 'in_review', approvals: 1, approvalsRequired: 2 });
    const twice = await decide(h, first, ticket.ticketId, 'approve');
    assert.equal(twice.status, 409, 'the same agent cannot approve twice');
    assert.equal(twice.body.code, 'already_decided');
    assert.equal((await login(user.email)).status, 423, 'still frozen after one approval');

    const view = await h.call('GET', `/v1/support/tickets/${ticket.ticketId}`, { token: second.token });
    assert.equal(view.body.ticket.approvalsRequired, 2);
    assert.deepEqual(
      view.body.ticket.approvals.map((a: { agentEmail: string; decision: string }) => [a.agentEmail, a.decision]),
      [[first.email, 'approve']],
    );

    const two = await decide(h, second, ticket.ticketId, 'approve', 'Selfie video matches the ID.');
    assert.equal(two.status, 200, JSON.stringify(two.body));
    assert.equal(two.body.status, 'approved');

    const after = await login(user.email);
    assert.notEqual(after.status, 423, 'unfrozen');
    assert.equal(
      after.body.code,
      'recovery_binding_required',
      'every factor was cleared; the ticket binds the new one',
    );
    const state = await h.call('GET', `/v1/recovery/tickets/${ticket.ticketId}`, {
      headers: ticketAuth(ticket.ticketToken),
    });
    assert.equal(state.body.status, 'approved');
  });

  test('rejection unfreezes and leaves the factors working', async () => {
    const user = await enrolledUser(h);
    const ticket = await submittedTicket(h, user.email, 'full_verification');
    assert.equal((await login(user.email)).status, 423);
    const agent = await supportAgent(h);
    const rejected = await decide(h, agent, ticket.ticketId, 'reject', 'The ID does not match.');
    assert.equal(rejected.status, 200);
    assert.equal(rejected.body.status, 'rejected');

    const start = await login(user.email);
    assert.equal(start.status, 200);
    assert.equal(start.body.status, 'second_factor_required');
    assert.deepEqual(start.body.methods, ['totp', 'backup_code']);
    const verify = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: start.body.challenge, method: 'totp', code: codeFor(h, user.secret) },
    });
    assert.equal(verify.status, 200, JSON.stringify(verify.body));
    const security = await h.call('GET', '/v1/me/security', { token: verify.body.token });
    assert.equal(security.body.twoFactor.enabled, true);
    assert.equal(security.body.twoFactor.backupCodes.remaining, 8);
    assert.deepEqual(security.body.withdrawalLock, { locked: false });
  });

  test('an agent cannot decide a ticket of their own account', async () => {
    const agentUser = await enrolledUser(h);
    const ticket = await submittedTicket(h, agentUser.email, 'lost_two_factor');
    // An agent with their own authenticator (agent add would clear it: set the role directly).
    await setAccountRole(h.ctx.storage.db, agentUser.accountId, 'support');
    const verify = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: await challengeFor(h, agentUser.email), method: 'totp', code: codeFor(h, agentUser.secret) },
    });
    assert.equal(verify.status, 200, JSON.stringify(verify.body));
    const self = { email: agentUser.email, token: verify.body.token, accountId: agentUser.accountId };
    const own = await decide(h, self, ticket.ticketId, 'approve');
    assert.equal(own.status, 403);
    assert.equal(own.body.code, 'own_ticket');
  });

  test('races: two agents approving at once both count; concurrent opens each make a ticket', async () => {
    const user = await enrolledUser(h);
    const ticket = await submittedTicket(h, user.email, 'full_verification');
    const [a, b] = [await supportAgent(h), await supportAgent(h)];
    const results = await Promise.all([
      decide(h, a, ticket.ticketId, 'approve'),
      decide(h, b, ticket.ticketId, 'approve'),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      [200, 200],
      JSON.stringify(results.map((r) => r.body)),
    );
    assert.deepEqual(results.map((r) => r.body.status).sort(), ['approved', 'in_review']);
    assert.equal((await login(user.email)).body.code, 'recovery_binding_required');

    const other = await enrolledUser(h);
    const challenges = await Promise.all(Array.from({ length: 5 }, () => challengeFor(h, other.email)));
    const opened = await Promise.all(
      challenges.map((challenge) =>
        h.call('POST', '/v1/recovery/tickets', { body: { challenge, kind: 'lost_two_factor' } }),
      ),
    );
    // No squatting: an open ticket never blocks another one (issue 11 #4).
    assert.deepEqual(
      opened.map((r) => r.status),
      [201, 201, 201, 201, 201],
    );
    assert.equal(new Set(opened.map((r) => r.body.ticketId)).size, 5);
  });

  test('decisions need a note and a known decision', async () => {
    const user = await enrolledUser(h);
    const ticket = await submittedTicket(h, user.email, 'lost_two_factor');
    const agent = await supportAgent(h);
    const noNote = await h.call('POST', `/v1/support/tickets/${ticket.ticketId}/decision`, {
      token: agent.token,
      body: { decision: 'approve' },
    });
    assert.equal(noNote.status, 400);
    const bad = await h.call('POST', `/v1/support/tickets/${ticket.ticketId}/decision`, {
      token: agent.token,
      body: { decision: 'maybe', note: 'x' },
    });
    assert.equal(bad.status, 400);
    const missing = await h.call('POST', '/v1/support/tickets/nope/decision', {
      token: agent.token,
      body: { decision: 'approve', note: 'x' },
    });
    assert.equal(missing.status, 404);
  });
});
