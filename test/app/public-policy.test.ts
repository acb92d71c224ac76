// The numbers the UI and the emails state come from the domain policy and the
// operator's configuration, never from a literal of their own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BACKUP_CODES_LOW_AT,
  BACKUP_CODES_PER_SET,
  FAILURES_BEFORE_LOCK,
  FAILURES_PER_CHALLENGE,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  PASSWORD_MIN_LENGTH_WITH_SECOND_FACTOR,
} from '../../src/domain/policy.ts';
import { WITHDRAWAL_LOCK_CAUSES } from '../../src/domain/withdrawal-lock.ts';
import { decide, outboxTo, submittedTicket, supportAgent } from '../recovery/helpers.ts';
import { enrolledUser } from '../support/flows.ts';
import { describeOnEachDatabase } from '../support/harness.ts';

const LOCK_HOURS = 48;

describeOnEachDatabase('public policy', { env: { LATCHKEY_WITHDRAWAL_LOCK_HOURS: String(LOCK_HOURS) } }, (h) => {
  test('GET /v1/me/security carries the policy: the configured lock hours and the domain numbers', async () => {
    const user = await enrolledUser(h);
    const me = await h.call('GET', '/v1/me/security', { token: user.token });
    assert.equal(me.status, 200);
    for (const cause of WITHDRAWAL_LOCK_CAUSES) assert.equal(me.body.policy.withdrawalLockHours[cause], LOCK_HOURS);
    assert.equal(me.body.policy.backupCodes.perSet, BACKUP_CODES_PER_SET);
    assert.equal(me.body.policy.backupCodes.lowAt, BACKUP_CODES_LOW_AT);
    assert.deepEqual(me.body.policy.password, {
      minLength: PASSWORD_MIN_LENGTH,
      minLengthWithSecondFactor: PASSWORD_MIN_LENGTH_WITH_SECOND_FACTOR,
      maxLength: PASSWORD_MAX_LENGTH,
    });
    assert.equal(me.body.policy.secondFactor.failuresPerChallenge, FAILURES_PER_CHALLENGE);
    assert.equal(me.body.policy.secondFactor.failuresPerDay, FAILURES_BEFORE_LOCK);
  });

  test('the recovery-approved email sends the owner to the ticket page, with the configured lock', async () => {
    const user = await enrolledUser(h);
    const ticket = await submittedTicket(h, user.email, 'lost_two_factor');
    const decided = await decide(h, await supportAgent(h), ticket.ticketId, 'approve');
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    const approved = (await outboxTo(h, user.email)).find((m) => /was approved/.test(m.subject));
    assert.ok(approved);
    assert.match(approved.body, /recovery ticket page/);
    assert.doesNotMatch(approved.body, /Sign in with your password and bind/);
    assert.match(approved.body, new RegExp(`locked for ${LOCK_HOURS} hours`));
  });
});
