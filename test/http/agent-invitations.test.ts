// Issue 11, #2: agents are made by the operator only. `agent add` refuses an
// existing email unless promoteExisting (password reset, sessions revoked,
// factors cleared), and prints a one-time invitation link; the agent sets the
// password with POST /v1/invitations/accept and signs in like anyone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INVITATION_TTL_MS } from '../../src/app/agent-invitations.ts';
import { addSupportAgent } from '../../src/cli/agent-add.ts';
import { findAccountByEmail } from '../../src/storage/accounts-repository.ts';
import { enrolledUser, PASSWORD, uniqueEmail } from '../support/flows.ts';
import { describeOnEachDatabase, type Harness } from '../support/harness.ts';

const AGENT_PASSWORD = 'agent chooses this one 7';

function accept(h: Harness, token: string, password = AGENT_PASSWORD) {
  return h.call('POST', '/v1/invitations/accept', { body: { token, password } });
}

function tokenOf(url: string): string {
  const token = /#\/invitation\/([A-Za-z0-9_-]+)$/.exec(url)?.[1];
  assert.ok(token, url);
  return token;
}

describeOnEachDatabase('agent invitations', (h) => {
  test('an existing email is refused without promoteExisting, and the account is left alone', async () => {
    const squatter = await enrolledUser(h);
    await assert.rejects(addSupportAgent(h.ctx, { email: squatter.email }), { code: 'email_taken' });
    assert.equal((await findAccountByEmail(h.ctx.storage.db, squatter.email))?.role, 'user');
    const me = await h.call('GET', '/v1/me/security', { token: squatter.token });
    assert.equal(me.status, 200);
    assert.equal(me.body.role, 'user');
  });

  test("promoteExisting resets the password, revokes the sessions and clears the factors; the invitation sets the agent's password", async () => {
    const squatter = await enrolledUser(h);
    const added = await addSupportAgent(h.ctx, { email: squatter.email, promoteExisting: true });
    assert.equal(added.created, false);
    assert.ok(added.invitation);
    assert.equal((await h.call('GET', '/v1/me/security', { token: squatter.token })).status, 401);
    const old = await h.call('POST', '/v1/sessions', { body: { email: squatter.email, password: PASSWORD } });
    assert.equal(old.status, 401, JSON.stringify(old.body));
    assert.equal((await accept(h, tokenOf(added.invitation.url))).status, 200);
    const login = await h.call('POST', '/v1/sessions', { body: { email: squatter.email, password: AGENT_PASSWORD } });
    // No factor is left: the agent signs in with the password alone, then binds 2FA.
    assert.equal(login.body.status, 'authenticated', JSON.stringify(login.body));
    const me = await h.call('GET', '/v1/me/security', { token: login.body.token });
    assert.equal(me.body.role, 'support');
    assert.equal(me.body.twoFactor.enabled, false);
    assert.deepEqual(me.body.twoFactor.securityKeys, []);
    assert.equal(me.body.twoFactor.backupCodes, null);
  });

  test('a new agent: the link works once, before it expires, with a strong password; the token is stored hashed', async () => {
    const email = uniqueEmail('agent');
    const added = await addSupportAgent(h.ctx, { email });
    assert.equal(added.created, true);
    assert.ok(added.invitation);
    const token = tokenOf(added.invitation.url);
    assert.equal(added.invitation.token, token);
    const rows = await h.ctx.storage.db.selectFrom('agent_invitations').selectAll().execute();
    assert.ok(!JSON.stringify(rows).includes(token));
    // No password works before the invitation is accepted.
    assert.equal((await h.call('POST', '/v1/sessions', { body: { email, password: token } })).status, 401);
    const weak = await accept(h, token, 'short');
    assert.equal(weak.status, 400);
    assert.equal(weak.body.code, 'weak_password');
    const ok = await accept(h, token);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.email, email);
    assert.equal((await accept(h, token, 'another strong password 9')).status, 404);
    const login = await h.call('POST', '/v1/sessions', { body: { email, password: AGENT_PASSWORD } });
    assert.equal(login.status, 200);
  });

  test('an invitation expires; a new one voids the old', async () => {
    const email = uniqueEmail('agent');
    const first = await addSupportAgent(h.ctx, { email });
    assert.ok(first.invitation);
    await h.clock.advance(INVITATION_TTL_MS / 1000 + 1);
    const late = await accept(h, tokenOf(first.invitation.url));
    assert.equal(late.status, 404);
    assert.equal(late.body.code, 'not_found');
    const again = await addSupportAgent(h.ctx, { email, promoteExisting: true });
    const third = await addSupportAgent(h.ctx, { email, promoteExisting: true });
    assert.ok(again.invitation && third.invitation);
    assert.equal((await accept(h, again.invitation.token)).status, 404);
    assert.equal((await accept(h, third.invitation.token)).status, 200);
  });

  test('10 concurrent acceptances of one invitation: one wins', async () => {
    const added = await addSupportAgent(h.ctx, { email: uniqueEmail('agent') });
    assert.ok(added.invitation);
    const token = added.invitation.token;
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => accept(h, token, `${AGENT_PASSWORD} racer ${i}`)),
    );
    const statuses = answers.map((a) => a.status);
    assert.equal(statuses.filter((s) => s === 200).length, 1, String(statuses));
    assert.equal(statuses.filter((s) => s === 404).length, 9, String(statuses));
  });

  test('a password from the operator is refused outside test mode', async () => {
    const production = { ...h.ctx, config: { ...h.ctx.config, testMode: false } };
    await assert.rejects(addSupportAgent(production, { email: uniqueEmail('agent'), password: AGENT_PASSWORD }), {
      code: 'invalid_request',
    });
  });
});
