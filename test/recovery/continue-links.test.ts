// Issue 14, #1: a recovery survives a closed tab. Every ticket email carries a
// one-time "continue" link (token in the URL fragment); with the account's
// password (a login challenge) it hands out a fresh ticket token, once, while
// the ticket lives. The approval email sends the user to it, not to a
// password-only sign-in (which is refused).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeFor, enrolledUser, PASSWORD } from '../support/flows.ts';
import type { Harness } from '../support/harness.ts';
import { describeOnEachDatabase } from '../support/harness.ts';
import {
  decide,
  openTicket,
  outboxTo,
  png,
  submittedTicket,
  supportAgent,
  ticketAuth,
  uploadEvidence,
} from './helpers.ts';

const LINK = /(https?:\/\/[^\s]+)\/recovery\/continue#token=([A-Za-z0-9_-]+)/;

/** The token of the continue link in the latest email to `to` whose subject matches. */
async function linkToken(h: Harness, to: string, subject: RegExp): Promise<string> {
  const mail = (await outboxTo(h, to)).filter((m) => subject.test(m.subject)).at(-1);
  assert.ok(mail, `an email "${subject}" to ${to}`);
  const token = LINK.exec(mail.body)?.[2];
  assert.ok(token, `a continue link in: ${mail.body}`);
  return token;
}

/** Any challenge the password step answers with: the normal one, or the one carried by a refusal. */
async function passwordChallenge(h: Harness, email: string): Promise<string> {
  const login = await h.call('POST', '/v1/sessions', { body: { email, password: PASSWORD } });
  const challenge = login.body.challenge;
  assert.equal(typeof challenge, 'string', JSON.stringify(login.body));
  return challenge;
}

async function continueWith(h: Harness, token: string, challenge: string) {
  return h.call('POST', '/v1/recovery/continue', { body: { token, challenge } });
}

describeOnEachDatabase('recovery continue links', { frozenClock: true }, (h) => {
  test('the opening email links back; the link works once, with the password, and rotates the ticket token', async () => {
    const user = await enrolledUser(h);
    const ticket = await openTicket(h, user.email, 'lost_two_factor');
    const opened = (await outboxTo(h, user.email)).find((m) => /ticket was opened/.test(m.subject));
    assert.ok(opened);
    const match = LINK.exec(opened.body);
    assert.ok(match, opened.body);
    assert.ok(!opened.body.includes(ticket.ticketToken), 'the ticket token itself is never emailed');
    const token = match[2] ?? '';

    // Without a login challenge of the account the link is not even looked at.
    const anonymous = await h.call('POST', '/v1/recovery/continue', { body: { token } });
    assert.equal(anonymous.status, 400);
    const bogus = await continueWith(h, token, 'x'.repeat(43));
    assert.equal(bogus.status, 401);
    assert.equal(bogus.body.code, 'challenge_expired');

    // Another account's password does not open this account's ticket, and spends nothing.
    const stranger = await enrolledUser(h);
    const wrongAccount = await continueWith(h, token, await passwordChallenge(h, stranger.email));
    assert.equal(wrongAccount.status, 404);
    assert.equal(wrongAccount.body.code, 'not_found');

    const continued = await continueWith(h, token, await passwordChallenge(h, user.email));
    assert.equal(continued.status, 200, JSON.stringify(continued.body));
    assert.equal(continued.body.ticketId, ticket.ticketId);
    assert.equal(continued.body.status, 'awaiting_evidence');
    assert.notEqual(continued.body.ticketToken, ticket.ticketToken);

    // The new token works; the old tab's token stopped working.
    const fresh = { ticketId: ticket.ticketId, ticketToken: continued.body.ticketToken as string };
    const view = await h.call('GET', `/v1/recovery/tickets/${ticket.ticketId}`, {
      headers: ticketAuth(fresh.ticketToken),
    });
    assert.equal(view.status, 200);
    const old = await h.call('GET', `/v1/recovery/tickets/${ticket.ticketId}`, {
      headers: ticketAuth(ticket.ticketToken),
    });
    assert.equal(old.status, 401);
    assert.equal((await uploadEvidence(h, fresh, 'id_document', png())).status, 201);

    // Single use.
    const again = await continueWith(h, token, await passwordChallenge(h, user.email));
    assert.equal(again.status, 404);
    assert.equal(again.body.code, 'not_found');

    const audit = await h.ctx.storage.db
      .selectFrom('audit_log')
      .select('details')
      .where('event', '=', 'recovery_link_used')
      .execute();
    assert.equal(audit.filter((a) => a.details.includes(ticket.ticketId)).length, 1);
    assert.ok(
      audit.every((a) => !a.details.includes(token)),
      'the link token is not audited',
    );
  });

  test('two browsers racing with one link: exactly one gets a ticket token', async () => {
    const user = await enrolledUser(h);
    await openTicket(h, user.email, 'lost_two_factor');
    const token = await linkToken(h, user.email, /ticket was opened/);
    const [a, b] = await Promise.all([passwordChallenge(h, user.email), passwordChallenge(h, user.email)]);
    const answers = await Promise.all([continueWith(h, token, a), continueWith(h, token, b)]);
    assert.deepEqual(answers.map((r) => r.status).sort(), [200, 404]);
  });

  test('the link expires with its ticket', async () => {
    const user = await enrolledUser(h);
    await openTicket(h, user.email, 'lost_two_factor');
    const token = await linkToken(h, user.email, /ticket was opened/);
    // Past the evidence window without a submission: the ticket is dead, and its link with it.
    h.clock.advance(14 * 24 * 3600 + 1);
    const late = await continueWith(h, token, await passwordChallenge(h, user.email));
    assert.equal(late.status, 404);
    assert.equal(late.body.code, 'not_found');
  });

  test('a cancelled ticket takes its links with it', async () => {
    const user = await enrolledUser(h);
    await openTicket(h, user.email, 'lost_two_factor');
    const token = await linkToken(h, user.email, /ticket was opened/);
    const challenge = await passwordChallenge(h, user.email);
    const code = codeFor(h, user.secret);
    const cancelled = await h.call('POST', '/v1/sessions/recovery-tickets/cancel', {
      body: { challenge, method: 'totp', code },
    });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    const refused = await continueWith(h, token, await passwordChallenge(h, user.email));
    assert.equal(refused.status, 404);
  });

  test('approved: the email sends the user to the continue link, which leads to the binding in a fresh browser', async () => {
    const user = await enrolledUser(h);
    const agent = await supportAgent(h);
    const ticket = await submittedTicket(h, user.email, 'lost_two_factor');
    const submittedToken = await linkToken(h, user.email, /in review/);
    assert.equal((await decide(h, agent, ticket.ticketId, 'approve', 'ID matches.')).status, 200);

    const approved = (await outboxTo(h, user.email)).find((m) => /approved/.test(m.subject));
    assert.ok(approved);
    assert.match(approved.body, LINK);
    assert.match(approved.body, /bind your new authenticator app on the recovery ticket page/);
    assert.doesNotMatch(approved.body, /in the browser tab where you opened/);
    assert.match(approved.body, /Signing in with your password alone cannot bind it/);

    // The password alone is refused, and its refusal carries the challenge the link needs.
    const refusal = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } });
    assert.equal(refusal.status, 403);
    assert.equal(refusal.body.code, 'recovery_binding_required');
    // Even an older link of the ticket (the submission email's) still works once.
    const token = await linkToken(h, user.email, /approved/);
    const continued = await continueWith(h, token, refusal.body.challenge);
    assert.equal(continued.status, 200, JSON.stringify(continued.body));
    assert.equal(continued.body.status, 'approved');
    const setup = await h.call('POST', `/v1/recovery/tickets/${ticket.ticketId}/totp/setup`, {
      headers: ticketAuth(continued.body.ticketToken),
      body: {},
    });
    assert.equal(setup.status, 200, JSON.stringify(setup.body));
    // The older link is spent by nobody yet: it still works, once, and rotates the token again.
    const older = await continueWith(h, submittedToken, await passwordChallenge(h, user.email));
    assert.equal(older.status, 200, JSON.stringify(older.body));
    const stale = await h.call('POST', `/v1/recovery/tickets/${ticket.ticketId}/totp/setup`, {
      headers: ticketAuth(continued.body.ticketToken),
      body: {},
    });
    assert.equal(stale.status, 401, 'the token the first link gave stopped working');
  });

  test('rejected: the email carries the note to the user and a link; the link shows the rejection', async () => {
    const user = await enrolledUser(h);
    const agent = await supportAgent(h);
    const ticket = await submittedTicket(h, user.email, 'lost_two_factor');
    const rejected = await h.call('POST', `/v1/support/tickets/${ticket.ticketId}/decision`, {
      token: agent.token,
      body: { decision: 'reject', note: 'The photo is too blurry to read.' },
    });
    assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
    const mail = (await outboxTo(h, user.email)).find((m) => /rejected/.test(m.subject));
    assert.ok(mail);
    assert.match(mail.body, /The photo is too blurry to read\./);
    const token = LINK.exec(mail.body)?.[2] ?? '';
    const continued = await continueWith(h, token, await passwordChallenge(h, user.email));
    assert.equal(continued.status, 200, JSON.stringify(continued.body));
    assert.equal(continued.body.status, 'rejected');
    const view = await h.call('GET', `/v1/recovery/tickets/${ticket.ticketId}`, {
      headers: ticketAuth(continued.body.ticketToken),
    });
    assert.equal(view.body.decisionNote, 'The photo is too blurry to read.');

    // Links die 14 days after the decision.
    const late = await outboxTo(h, user.email);
    assert.ok(late.length > 0);
    h.clock.advance(14 * 24 * 3600 + 1);
    const submitted = await linkToken(h, user.email, /in review/);
    const expired = await continueWith(h, submitted, await passwordChallenge(h, user.email));
    assert.equal(expired.status, 404);
  });
});
