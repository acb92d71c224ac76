// Who may call what: the support API is for agents only, and a ticket token
// opens its own ticket and nothing else.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { enrolledUser, signUpAndLogin } from '../support/flows.ts';
import { describeOnEachDatabase } from '../support/harness.ts';
import { multipart, openTicket, png, submittedTicket, supportAgent, ticketAuth } from './helpers.ts';

describeOnEachDatabase('recovery and support access', (h) => {
  test('a plain user gets 403 forbidden on every support call; no session gets 401', async () => {
    const owner = await enrolledUser(h);
    const ticket = await submittedTicket(h, owner.email, 'lost_two_factor');
    const agent = await supportAgent(h);
    const view = await h.call('GET', `/v1/support/tickets/${ticket.ticketId}`, { token: agent.token });
    const evidenceId = view.body.evidence[0].evidenceId;
    const plain = await signUpAndLogin(h);
    const calls: Array<[string, string, unknown]> = [
      ['GET', '/v1/support/tickets', undefined],
      ['GET', '/v1/support/tickets?status=approved', undefined],
      ['GET', `/v1/support/tickets/${ticket.ticketId}`, undefined],
      ['GET', `/v1/support/tickets/${ticket.ticketId}/evidence/${evidenceId}`, undefined],
      ['POST', `/v1/support/tickets/${ticket.ticketId}/decision`, { decision: 'approve', note: 'mine now' }],
    ];
    for (const [method, url, body] of calls) {
      const asUser = await h.call(method, url, { token: plain.token, ...(body ? { body } : {}) });
      assert.equal(asUser.status, 403, `${method} ${url}`);
      assert.equal(asUser.body.code, 'forbidden');
      assert.equal(asUser.headers['content-type'], 'application/problem+json; charset=utf-8');
      const anonymous = await h.call(method, url, body ? { body } : {});
      assert.equal(anonymous.status, 401, `${method} ${url} without a session`);
    }
    const still = await h.call('GET', `/v1/support/tickets/${ticket.ticketId}`, { token: agent.token });
    assert.equal(still.body.ticket.status, 'in_review', 'the plain user decided nothing');
  });

  test('a ticket token cannot read, feed or submit another ticket (404); no token is 401', async () => {
    const alice = await enrolledUser(h);
    const bob = await enrolledUser(h);
    const mine = await openTicket(h, alice.email, 'lost_two_factor');
    const theirs = await openTicket(h, bob.email, 'lost_two_factor');
    const other = ticketAuth(mine.ticketToken);

    const read = await h.call('GET', `/v1/recovery/tickets/${theirs.ticketId}`, { headers: other });
    assert.equal(read.status, 404);
    assert.equal(read.body.code, 'not_found');
    const submit = await h.call('POST', `/v1/recovery/tickets/${theirs.ticketId}/submit`, { headers: other });
    assert.equal(submit.status, 404);
    const body = multipart([['kind', 'id_document']], png());
    const upload = await h.call('POST', `/v1/recovery/tickets/${theirs.ticketId}/evidence`, {
      body: body.payload,
      headers: { ...other, 'content-type': body.contentType },
    });
    assert.equal(upload.status, 404);

    assert.equal((await h.call('GET', `/v1/recovery/tickets/${theirs.ticketId}`)).status, 401);
    assert.equal(
      (await h.call('GET', `/v1/recovery/tickets/${theirs.ticketId}`, { headers: ticketAuth('x'.repeat(43)) })).status,
      401,
    );
    assert.equal(
      (await h.call('GET', `/v1/recovery/tickets/${theirs.ticketId}`, { token: bob.token })).status,
      401,
      'a session is no ticket token',
    );
    const own = await h.call('GET', `/v1/recovery/tickets/${theirs.ticketId}`, {
      headers: ticketAuth(theirs.ticketToken),
    });
    assert.equal(own.status, 200);
  });

  test('opening a ticket needs a live, unfinished login challenge, and does not complete it', async () => {
    const user = await enrolledUser(h);
    const bogus = await h.call('POST', '/v1/recovery/tickets', {
      body: { challenge: 'y'.repeat(43), kind: 'lost_two_factor' },
    });
    assert.equal(bogus.status, 401);
    assert.equal(bogus.body.code, 'challenge_expired');
    const unknownKind = await h.call('POST', '/v1/recovery/tickets', {
      body: { challenge: 'y'.repeat(43), kind: 'please' },
    });
    assert.equal(unknownKind.status, 400);

    const login = await h.call('POST', '/v1/sessions', {
      body: { email: user.email, password: 'correct horse battery staple' },
    });
    const challenge = login.body.challenge;
    await h.clock.advance(301);
    const late = await h.call('POST', '/v1/recovery/tickets', { body: { challenge, kind: 'lost_two_factor' } });
    assert.equal(late.status, 401, 'an expired challenge opens nothing');

    const fresh = await h.call('POST', '/v1/sessions', {
      body: { email: user.email, password: 'correct horse battery staple' },
    });
    const opened = await h.call('POST', '/v1/recovery/tickets', {
      body: { challenge: fresh.body.challenge, kind: 'lost_two_factor' },
    });
    assert.equal(opened.status, 201);
    assert.match(opened.body.ticketToken, /^[A-Za-z0-9_-]{43}$/, '256-bit token');
    const stored = await h.ctx.storage.db
      .selectFrom('recovery_tickets')
      .select('token_hash')
      .where('id', '=', opened.body.ticketId)
      .executeTakeFirstOrThrow();
    assert.notEqual(stored.token_hash, opened.body.ticketToken, 'only a hash of the token is stored');
    const challengeRow = await h.ctx.storage.db
      .selectFrom('login_challenges')
      .select('completed_at')
      .where('account_id', '=', user.accountId)
      .execute();
    assert.ok(
      challengeRow.every((c) => c.completed_at === null),
      'no challenge was completed',
    );
  });
});

describeOnEachDatabase('support agents need their own 2FA outside test mode', { only: ['sqlite'] }, (h) => {
  test('an agent without an authenticator is refused two_factor_required; with one, admitted', async () => {
    const { assertAgentReady } = await import('../../src/app/support-agent.ts');
    const { findAccountById } = await import('../../src/storage/accounts-repository.ts');
    const production = { ...h.ctx, config: { ...h.ctx.config, testMode: false } };
    const bare = await supportAgent(h);
    const bareRow = await findAccountById(h.ctx.storage.db, bare.accountId);
    assert.ok(bareRow);
    await assert.rejects(assertAgentReady(production, bareRow), { code: 'two_factor_required' });
    await assertAgentReady(h.ctx, bareRow);

    const enrolled = await enrolledUser(h);
    // An agent with an authenticator of their own (agent add would clear it: set the role directly).
    const { setAccountRole } = await import('../../src/storage/accounts-repository.ts');
    await setAccountRole(h.ctx.storage.db, enrolled.accountId, 'support');
    const enrolledRow = await findAccountById(h.ctx.storage.db, enrolled.accountId);
    assert.ok(enrolledRow);
    await assertAgentReady(production, enrolledRow);
    const plainRow = await findAccountById(h.ctx.storage.db, (await signUpAndLogin(h)).accountId);
    assert.ok(plainRow);
    await assert.rejects(assertAgentReady(production, plainRow), { code: 'forbidden' });
  });
});

describeOnEachDatabase('the recovery API is documented', { only: ['sqlite'] }, (h) => {
  test('/openapi.json lists the recovery and support calls', async () => {
    const spec = await h.call('GET', '/openapi.json');
    assert.equal(spec.status, 200);
    for (const path of [
      '/v1/recovery/tickets',
      '/v1/recovery/tickets/{id}',
      '/v1/recovery/tickets/{id}/evidence',
      '/v1/recovery/tickets/{id}/submit',
      '/v1/support/tickets',
      '/v1/support/tickets/{id}',
      '/v1/support/tickets/{id}/evidence/{evidenceId}',
      '/v1/support/tickets/{id}/decision',
    ]) {
      assert.ok(spec.body.paths[path], path);
    }
  });
});
