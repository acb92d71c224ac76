// Issue 11 #4 and #5 on both databases: a recovery ticket is no free weapon.
// The owner is emailed at once and, passing the second factor on the
// second-factor step, sees and cancels an open ticket (ending its freeze); a
// full verification can't be renewed at once after a rejection or a cancel;
// an open ticket never blocks another; and while a full verification opened
// by the owner is reviewed, an attacker's approved ticket can't bind, get a
// session or withdraw.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { issueSession } from '../../src/app/sessions.ts';
import { DIALECTS } from '../support/databases.ts';
import { codeFor, enrolledUser, PASSWORD } from '../support/flows.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import {
  decide,
  openTicket,
  outboxTo,
  png,
  submitTicket,
  submittedTicket,
  supportAgent,
  ticketAuth,
  uploadEvidence,
} from './helpers.ts';

const DAY_S = 24 * 3600;
const VALID = { asset: 'BTC', amount: '0.015', address: 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh' };

for (const dialect of DIALECTS) {
  describe(`recovery can't be turned on the owner (${dialect})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(dialect);
    });
    after(async () => h.close());

    const passwordStep = (email: string) => h.call('POST', '/v1/sessions', { body: { email, password: PASSWORD } });
    const openTickets = (challenge: string) =>
      h.call('GET', `/v1/sessions/recovery-tickets?challenge=${encodeURIComponent(challenge)}`);
    const cancel = (body: object) => h.call('POST', '/v1/sessions/recovery-tickets/cancel', { body });
    const open = async (email: string, kind: 'lost_two_factor' | 'full_verification') => {
      const step = await passwordStep(email);
      return h.call('POST', '/v1/recovery/tickets', { body: { challenge: step.body.challenge, kind } });
    };

    test('the owner is emailed at once, sees the ticket on the second-factor step and cancels it, ending the freeze', async () => {
      const owner = await enrolledUser(h);
      // Someone with the password alone opens a full verification …
      const ticket = await openTicket(h, owner.email, 'full_verification');
      const opened = (await outboxTo(h, owner.email)).filter((m) => /recovery ticket was opened/.test(m.subject));
      assert.equal(opened.length, 1, 'emailed at once, before any submission');
      assert.match(opened[0]?.body ?? '', /second-factor step shows the ticket and cancels it/);
      // … and submits it: the account freezes.
      const squat = await submittedTicket(h, owner.email, 'lost_two_factor');
      const fv = await submittedTicket(h, owner.email, 'full_verification');

      // The owner's password step answers 423, with a challenge good for this only.
      const frozen = await passwordStep(owner.email);
      assert.equal(frozen.status, 423, JSON.stringify(frozen.body));
      assert.equal(frozen.body.code, 'account_frozen');
      const challenge = frozen.body.challenge as string;
      assert.ok(challenge);
      const refused = await h.call('POST', '/v1/sessions/verify', {
        body: { challenge, method: 'totp', code: codeFor(h, owner.secret) },
      });
      assert.equal(refused.status, 423, 'the challenge does not sign in while frozen');

      const listed = await openTickets(challenge);
      assert.equal(listed.status, 200, JSON.stringify(listed.body));
      assert.deepEqual(
        listed.body.tickets.map((t: { ticketId: string }) => t.ticketId).sort(),
        [ticket.ticketId, squat.ticketId, fv.ticketId].sort(),
      );
      assert.ok(listed.body.tickets.every((t: { openedAt: string }) => t.openedAt));

      // The password alone or a wrong code: nothing is cancelled.
      const alone = await cancel({ challenge, method: 'totp' });
      assert.ok(alone.status >= 400 && alone.status < 500, JSON.stringify(alone.body));
      const wrong = await cancel({
        challenge,
        method: 'totp',
        code: '000000' === codeFor(h, owner.secret) ? '111111' : '000000',
      });
      assert.equal(wrong.status, 401, JSON.stringify(wrong.body));
      assert.equal((await passwordStep(owner.email)).status, 423, 'still frozen');

      const cancelled = await cancel({ challenge, method: 'totp', code: codeFor(h, owner.secret) });
      assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
      assert.deepEqual([...cancelled.body.cancelled].sort(), [ticket.ticketId, squat.ticketId, fv.ticketId].sort());
      const ticketView = await h.call('GET', `/v1/recovery/tickets/${fv.ticketId}`, {
        headers: ticketAuth(fv.ticketToken),
      });
      assert.equal(ticketView.status, 401, 'the cancelled ticket’s token is dead');
      assert.ok((await outboxTo(h, owner.email)).some((m) => /cancelled/.test(m.subject)));

      // The freeze is over: the owner signs in.
      await h.clock.advance(30);
      const step = await passwordStep(owner.email);
      assert.equal(step.status, 200, JSON.stringify(step.body));
      const verified = await h.call('POST', '/v1/sessions/verify', {
        body: { challenge: step.body.challenge, method: 'totp', code: codeFor(h, owner.secret) },
      });
      assert.equal(verified.status, 200, JSON.stringify(verified.body));
      const again = await openTickets(step.body.challenge);
      assert.equal(again.status, 401, 'a completed challenge shows nothing');

      // No new freeze at once: the cooldown; a lost-2FA ticket stays possible.
      const refreeze = await open(owner.email, 'full_verification');
      assert.equal(refreeze.status, 429, JSON.stringify(refreeze.body));
      assert.equal(refreeze.body.code, 'rate_limited');
      assert.ok(refreeze.body.retryAfter > 6 * DAY_S && refreeze.body.retryAfter <= 7 * DAY_S);
      assert.equal((await open(owner.email, 'lost_two_factor')).status, 201);
    });

    test('a full verification is not renewed right after a rejection: 7 days later it is', async () => {
      const owner = await enrolledUser(h);
      const fv = await submittedTicket(h, owner.email, 'full_verification');
      const agent = await supportAgent(h);
      assert.equal((await decide(h, agent, fv.ticketId, 'reject', 'the ID does not match')).status, 200);
      const refreeze = await open(owner.email, 'full_verification');
      assert.equal(refreeze.status, 429, JSON.stringify(refreeze.body));
      h.clock.advance(7 * DAY_S);
      assert.equal((await open(owner.email, 'full_verification')).status, 201);
    });

    test('a squatting ticket never blocks the owner’s own; the owner cancels it with a backup code', async () => {
      const owner = await enrolledUser(h);
      const squat = await submittedTicket(h, owner.email, 'lost_two_factor');
      const own = await open(owner.email, 'lost_two_factor');
      assert.equal(own.status, 201, JSON.stringify(own.body));

      const step = await passwordStep(owner.email);
      const nothingWithoutTickets = await cancel({
        challenge: step.body.challenge,
        method: 'backup_code',
        code: owner.codes[0],
      });
      assert.equal(nothingWithoutTickets.status, 200, JSON.stringify(nothingWithoutTickets.body));
      assert.deepEqual([...nothingWithoutTickets.body.cancelled].sort(), [squat.ticketId, own.body.ticketId].sort());
      assert.equal(nothingWithoutTickets.body.backupCodesRemaining, 7);
      const none = await cancel({ challenge: step.body.challenge, method: 'backup_code', code: owner.codes[1] });
      assert.equal(none.status, 409, 'nothing left to cancel: refused before a code is spent');
      assert.equal(none.body.code, 'invalid_state');
    });

    test('during the owner’s full verification an approved attacker ticket cannot bind, get a session or withdraw', async () => {
      const owner = await enrolledUser(h);
      // The attacker's lost-2FA ticket gets approved: factors cleared, a binding waits.
      const attacker = await submittedTicket(h, owner.email, 'lost_two_factor');
      const agent = await supportAgent(h);
      assert.equal((await decide(h, agent, attacker.ticketId, 'approve')).status, 200);

      // The owner opens a full verification with the recovery-only challenge and submits it.
      const step = await passwordStep(owner.email);
      assert.equal(step.body.code, 'recovery_binding_required');
      const fvOpened = await h.call('POST', '/v1/recovery/tickets', {
        body: { challenge: step.body.challenge, kind: 'full_verification' },
      });
      assert.equal(fvOpened.status, 201, JSON.stringify(fvOpened.body));
      const fv = { ticketId: fvOpened.body.ticketId, ticketToken: fvOpened.body.ticketToken };
      assert.equal((await uploadEvidence(h, fv, 'id_document', png())).status, 201);
      assert.equal((await submitTicket(h, fv)).status, 200);

      // The attacker's approved ticket is suspended: no binding …
      const bind = await h.call('POST', `/v1/recovery/tickets/${attacker.ticketId}/totp/setup`, {
        headers: ticketAuth(attacker.ticketToken),
        body: {},
      });
      assert.equal(bind.status, 423, JSON.stringify(bind.body));
      assert.equal(bind.body.code, 'account_frozen');
      // … and a session that exists anyway (made in the store) is refused at every entry.
      const slipped = await issueSession(h.ctx, h.ctx.storage.db, owner.accountId, { ip: null, userAgent: null });
      const me = await h.call('GET', '/v1/me/security', { token: slipped.token });
      assert.equal(me.status, 423, JSON.stringify(me.body));
      const withdrawal = await h.call('POST', '/v1/withdrawals', {
        token: slipped.token,
        body: { ...VALID, method: 'totp', code: codeFor(h, owner.secret) },
      });
      assert.equal(withdrawal.status, 423, JSON.stringify(withdrawal.body));
      assert.equal(withdrawal.body.code, 'account_frozen');

      // Two agents approve the owner's verification: it, not the attacker's ticket, binds.
      const second = await supportAgent(h);
      assert.equal((await decide(h, agent, fv.ticketId, 'approve')).status, 200);
      assert.equal((await decide(h, second, fv.ticketId, 'approve')).status, 200);
      const stale = await h.call('POST', `/v1/recovery/tickets/${attacker.ticketId}/totp/setup`, {
        headers: ticketAuth(attacker.ticketToken),
        body: {},
      });
      assert.equal(stale.status, 409, JSON.stringify(stale.body));
      const setup = await h.call('POST', `/v1/recovery/tickets/${fv.ticketId}/totp/setup`, {
        headers: ticketAuth(fv.ticketToken),
        body: {},
      });
      assert.equal(setup.status, 200, JSON.stringify(setup.body));
      const confirm = await h.call('POST', `/v1/recovery/tickets/${fv.ticketId}/totp/confirm`, {
        headers: ticketAuth(fv.ticketToken),
        body: { setupId: setup.body.setupId, code: codeFor(h, setup.body.secret) },
      });
      assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
      const locked = await h.call('GET', '/v1/me/security', { token: confirm.body.token });
      assert.equal(locked.body.withdrawalLock.reason, 'recovery');
      const cause = await h.ctx.storage.db
        .selectFrom('audit_log')
        .select('details')
        .where('account_id', '=', owner.accountId)
        .where('event', '=', 'withdrawal_lock_started')
        .executeTakeFirstOrThrow();
      assert.equal(JSON.parse(String(cause.details)).cause, 'full_verification_recovery');
    });
  });
}
