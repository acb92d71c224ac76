// Issue 12, "this wasn't me": every security email carries a one-click freeze
// link; the freeze stops logins (423 at both steps), withdrawals and sessions,
// cancels a pending reset binding, is announced by audit and webhook, and ends
// only when support approves a recovery ticket. On both databases.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { requestWithdrawal } from '../../src/app/withdrawals.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { FREEZE_LINK_TTL_MS } from '../../src/domain/policy.ts';
import { findAccountById } from '../../src/storage/accounts-repository.ts';
import { deliverWebhooks } from '../../src/webhooks/deliver.ts';
import { addWebhook } from '../../src/webhooks/endpoints.ts';
import { decide, outboxTo, png, supportAgent, ticketAuth, uploadEvidence } from '../recovery/helpers.ts';
import { challengeFor, codeFor, type Enrolled, enrolledUser, PASSWORD } from '../support/flows.ts';
import { describeOnEachDatabase, type Harness, type Reply } from '../support/harness.ts';
import { Receiver } from '../support/webhook-receiver.ts';

const LINK = /\/freeze#token=([A-Za-z0-9_-]+)/;

/** The freeze token of the newest email to `email`. */
async function latestFreezeToken(h: Harness, email: string): Promise<string> {
  const mail = await outboxTo(h, email);
  const token = LINK.exec(mail.at(-1)?.body ?? '')?.[1];
  assert.ok(token, `the newest email carries a freeze link: ${mail.at(-1)?.body}`);
  return token;
}

const freeze = (h: Harness, body: Record<string, unknown>, token?: string): Promise<Reply> =>
  h.call('POST', '/v1/account-freezes', { body, ...(token ? { token } : {}) });

async function auditCount(h: Harness, accountId: string, event: string): Promise<number> {
  const rows = await h.ctx.storage.db
    .selectFrom('audit_log')
    .select('id')
    .where('account_id', '=', accountId)
    .where('event', '=', event)
    .execute();
  return rows.length;
}

async function passwordStep(h: Harness, email: string): Promise<Reply> {
  return h.call('POST', '/v1/sessions', { body: { email, password: PASSWORD } });
}

async function withdraw(h: Harness, user: Enrolled): Promise<unknown> {
  const account = await findAccountById(h.ctx.storage.db, user.accountId);
  assert.ok(account);
  try {
    return await requestWithdrawal(
      h.ctx,
      account,
      { asset: 'BTC', amount: '0.01', address: 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh', method: 'totp' },
      { ip: null, userAgent: null },
    );
  } catch (error) {
    return error;
  }
}

describeOnEachDatabase('"this wasn\'t me" account freeze', { frozenClock: true }, (h) => {
  const receiver = new Receiver();

  before(async () => {
    const url = await receiver.start();
    receiver.secret = (await addWebhook(h.ctx, { url })).secret;
  });
  after(async () => receiver.stop());

  test('the link of a security email freezes: sessions die, logins 423 at both steps, withdrawals and the pending reset stop', async () => {
    const user = await enrolledUser(h);
    const mail = await outboxTo(h, user.email);
    assert.ok(
      mail.every((m) => LINK.test(m.body)),
      'every email to the account carries a freeze link',
    );
    assert.doesNotMatch(mail.at(-1)?.body ?? '', /contact support to freeze/);

    // A second session, a pending 2FA reset binding, and a challenge past the password step.
    const other = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: await challengeFor(h, user.email), method: 'backup_code', code: user.codes[0] },
    });
    assert.equal(other.status, 200, JSON.stringify(other.body));
    await h.clock.advance(30);
    const reset = await h.call('POST', '/v1/me/two-factor/reset', {
      token: user.token,
      body: { password: PASSWORD, method: 'totp', code: codeFor(h, user.secret) },
    });
    assert.equal(reset.status, 200, JSON.stringify(reset.body));
    const halfway = await challengeFor(h, user.email);

    // The backup-code email is the newest: its link freezes.
    const token = await latestFreezeToken(h, user.email);
    const frozen = await freeze(h, { token });
    assert.equal(frozen.status, 200, JSON.stringify(frozen.body));
    assert.deepEqual(frozen.body, { frozen: true });

    for (const session of [user.token, other.body.token]) {
      assert.equal((await h.call('GET', '/v1/me/security', { token: session })).status, 401);
    }
    const pending = await h.ctx.storage.db
      .selectFrom('totp_bindings')
      .select('status')
      .where('id', '=', reset.body.setupId)
      .executeTakeFirstOrThrow();
    assert.equal(pending.status, 'retired', 'the pending reset binding is cancelled');

    const login = await passwordStep(h, user.email);
    assert.equal(login.status, 423, JSON.stringify(login.body));
    assert.equal(login.body.code, 'account_frozen');
    assert.equal(login.body.reason, 'owner');
    assert.equal(login.body.challengePurpose, 'recovery');
    assert.match(login.body.detail, /recovery ticket/);

    await h.clock.advance(30);
    const verify = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: halfway, method: 'totp', code: codeFor(h, user.secret) },
    });
    assert.equal(verify.status, 423, JSON.stringify(verify.body));
    assert.equal(verify.body.code, 'account_frozen');

    // The challenge from before the freeze can't cancel tickets either (the factors prove nothing now).
    const cancel = await h.call('POST', '/v1/sessions/recovery-tickets/cancel', {
      body: { challenge: halfway, method: 'backup_code', code: user.codes[1] },
    });
    assert.equal(cancel.status, 423, JSON.stringify(cancel.body));

    const refused = await withdraw(h, user);
    assert.ok(refused instanceof DomainError && refused.code === 'account_frozen', String(refused));

    assert.equal(await auditCount(h, user.accountId, 'account_frozen_by_owner'), 1);
    const newest = (await outboxTo(h, user.email)).at(-1);
    assert.equal(newest?.subject, 'Your account is frozen');
    assert.doesNotMatch(newest?.body ?? '', LINK, 'a frozen account gets the way out, not another link');
    assert.match(newest?.body ?? '', /recovery ticket/);
  });

  test('a used link, or another link, of a frozen account is harmless: 200, nothing happens twice', async () => {
    const user = await enrolledUser(h);
    const first = await latestFreezeToken(h, user.email);
    await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: await challengeFor(h, user.email), method: 'backup_code', code: user.codes[0] },
    });
    const second = await latestFreezeToken(h, user.email);
    assert.notEqual(first, second, 'each email has a link of its own');

    assert.equal((await freeze(h, { token: first })).status, 200);
    const mails = (await outboxTo(h, user.email)).length;
    for (const token of [first, second]) {
      const again = await freeze(h, { token });
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.deepEqual(again.body, { frozen: true });
    }
    assert.equal(await auditCount(h, user.accountId, 'account_frozen_by_owner'), 1);
    assert.equal((await outboxTo(h, user.email)).length, mails, 'no second "frozen" email');
  });

  test('two requests with the same link at once freeze once; two links at once freeze once', async () => {
    const user = await enrolledUser(h);
    const token = await latestFreezeToken(h, user.email);
    const same = await Promise.all([freeze(h, { token }), freeze(h, { token })]);
    assert.deepEqual(
      same.map((r) => r.status),
      [200, 200],
      JSON.stringify(same.map((r) => r.body)),
    );
    assert.equal(await auditCount(h, user.accountId, 'account_frozen_by_owner'), 1);

    const other = await enrolledUser(h);
    const a = await latestFreezeToken(h, other.email);
    await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: await challengeFor(h, other.email), method: 'backup_code', code: other.codes[0] },
    });
    const b = await latestFreezeToken(h, other.email);
    const both = await Promise.all([freeze(h, { token: a }), freeze(h, { token: b })]);
    assert.deepEqual(
      both.map((r) => r.status),
      [200, 200],
    );
    assert.equal(await auditCount(h, other.accountId, 'account_frozen_by_owner'), 1);
    const freezes = await h.ctx.storage.db
      .selectFrom('account_freezes')
      .select('id')
      .where('account_id', '=', other.accountId)
      .execute();
    assert.equal(freezes.length, 1);
  });

  test('signed in, {} freezes and signs the caller out', async () => {
    const user = await enrolledUser(h);
    const frozen = await freeze(h, {}, user.token);
    assert.equal(frozen.status, 200, JSON.stringify(frozen.body));
    assert.deepEqual(frozen.body, { frozen: true });
    assert.equal((await h.call('GET', '/v1/me/security', { token: user.token })).status, 401);
    assert.equal((await passwordStep(h, user.email)).status, 423);
    const audit = await h.ctx.storage.db
      .selectFrom('audit_log')
      .select('details')
      .where('account_id', '=', user.accountId)
      .where('event', '=', 'account_frozen_by_owner')
      .executeTakeFirstOrThrow();
    assert.equal(JSON.parse(audit.details).via, 'security_page');
  });

  test('the owner opens a recovery ticket while frozen; support sees the freeze; approval unfreezes; webhooks tell', async () => {
    const user = await enrolledUser(h);
    const token = await latestFreezeToken(h, user.email);
    assert.equal((await freeze(h, { token })).status, 200);

    const refused = await passwordStep(h, user.email);
    assert.equal(refused.status, 423);
    const opened = await h.call('POST', '/v1/recovery/tickets', {
      body: { challenge: refused.body.challenge, kind: 'lost_two_factor' },
    });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    const ticket = { ticketId: opened.body.ticketId, ticketToken: opened.body.ticketToken };
    assert.equal((await uploadEvidence(h, ticket, 'id_document', png())).status, 201);
    const submitted = await h.call('POST', `/v1/recovery/tickets/${ticket.ticketId}/submit`, {
      headers: ticketAuth(ticket.ticketToken),
    });
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));

    const agent = await supportAgent(h);
    const queue = await h.call('GET', '/v1/support/tickets?status=in_review', { token: agent.token });
    const listed = queue.body.tickets.find((t: { ticketId: string }) => t.ticketId === ticket.ticketId);
    assert.ok(listed?.frozenByOwnerAt, JSON.stringify(listed));
    const view = await h.call('GET', `/v1/support/tickets/${ticket.ticketId}`, { token: agent.token });
    assert.equal(view.body.ticket.frozenByOwnerAt, listed.frozenByOwnerAt);

    // Still frozen while the ticket is in review.
    assert.equal((await passwordStep(h, user.email)).status, 423);
    const approved = await decide(h, agent, ticket.ticketId, 'approve', 'ID matches the owner');
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.equal(await auditCount(h, user.accountId, 'account_unfrozen'), 1);

    // Unfrozen: the approved recovery now waits for its binding, through the ticket.
    const login = await passwordStep(h, user.email);
    assert.equal(login.status, 403, JSON.stringify(login.body));
    assert.equal(login.body.code, 'recovery_binding_required');
    const setup = await h.call('POST', `/v1/recovery/tickets/${ticket.ticketId}/totp/setup`, {
      headers: ticketAuth(ticket.ticketToken),
      body: {},
    });
    assert.equal(setup.status, 200, JSON.stringify(setup.body));
    const view2 = await h.call('GET', `/v1/support/tickets/${ticket.ticketId}`, { token: agent.token });
    assert.equal(view2.body.ticket.frozenByOwnerAt, null);
    // The used link of a freeze that ended is refused.
    const reused = await freeze(h, { token });
    assert.equal(reused.status, 400, JSON.stringify(reused.body));
    assert.equal(reused.body.code, 'invalid_token');

    // Earlier tests queued events too: deliver until the queue is empty.
    while ((await deliverWebhooks(h.ctx)).delivered > 0);
    const types = receiver.typesFor(user.accountId);
    assert.ok(types.includes('account.frozen'), types.join());
    assert.ok(types.includes('account.unfrozen'), types.join());
    assert.ok(types.indexOf('account.frozen') < types.indexOf('account.unfrozen'));
    const payload = receiver.received.find((r) => r.accountId === user.accountId && r.type === 'account.frozen');
    assert.equal(JSON.parse(payload?.raw ?? '{}').data.reason, 'owner');
    assert.doesNotMatch(payload?.raw ?? '', new RegExp(token), 'no token in a webhook');
  });

  test('a rejected ticket keeps the freeze', async () => {
    const user = await enrolledUser(h);
    assert.equal((await freeze(h, {}, user.token)).status, 200);
    const refused = await passwordStep(h, user.email);
    const opened = await h.call('POST', '/v1/recovery/tickets', {
      body: { challenge: refused.body.challenge, kind: 'lost_two_factor' },
    });
    const ticket = { ticketId: opened.body.ticketId, ticketToken: opened.body.ticketToken };
    assert.equal((await uploadEvidence(h, ticket, 'id_document', png())).status, 201);
    await h.call('POST', `/v1/recovery/tickets/${ticket.ticketId}/submit`, { headers: ticketAuth(ticket.ticketToken) });
    const agent = await supportAgent(h);
    assert.equal((await decide(h, agent, ticket.ticketId, 'reject', 'not the owner')).status, 200);
    assert.equal((await passwordStep(h, user.email)).status, 423);
    assert.equal(await auditCount(h, user.accountId, 'account_unfrozen'), 0);
  });
  // Last: it moves the clock a week on (webhook receivers check timestamps against the real one).
  test('an expired, forged or mangled link answers 400 invalid_token and freezes nothing', async () => {
    const user = await enrolledUser(h);
    const token = await latestFreezeToken(h, user.email);
    const forged = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const bad of [forged, 'not-a-token', 'x'.repeat(512), '<script>']) {
      const answer = await freeze(h, { token: bad });
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.equal(answer.body.code, 'invalid_token');
    }
    await h.clock.advance(FREEZE_LINK_TTL_MS / 1000 + 1);
    const expired = await freeze(h, { token });
    assert.equal(expired.status, 400, JSON.stringify(expired.body));
    assert.equal(expired.body.code, 'invalid_token');
    assert.match(expired.body.detail, /expired/);
    assert.equal(await auditCount(h, user.accountId, 'account_frozen_by_owner'), 0);
    assert.equal((await passwordStep(h, user.email)).status, 200, 'still not frozen');

    // Without a token the caller must be signed in.
    const anonymous = await freeze(h, {});
    assert.equal(anonymous.status, 401, JSON.stringify(anonymous.body));
    assert.equal(anonymous.body.code, 'unauthenticated');
  });
});
