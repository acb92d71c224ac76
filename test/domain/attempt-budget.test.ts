// The numbers a refused code reports (contract v1.1) and when the UI warns.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  attemptsRemaining,
  attemptsWarningDue,
  challengeAttemptsRemaining,
  shouldLock,
} from '../../src/domain/attempt-budget.ts';
import { FAILURES_BEFORE_LOCK, FAILURES_PER_CHALLENGE, WARN_ATTEMPTS_FROM_FAILURE } from '../../src/domain/policy.ts';

test('attemptsRemaining counts down to 0 exactly when the budget locks, and never below', () => {
  for (let failures = 0; failures <= FAILURES_BEFORE_LOCK + 2; failures += 1) {
    const left = attemptsRemaining(failures);
    assert.equal(left, Math.max(0, FAILURES_BEFORE_LOCK - failures));
    assert.equal(left === 0, shouldLock(failures), `at ${failures} failures`);
  }
});

test('challengeAttemptsRemaining reaches 0 at the challenge limit', () => {
  assert.equal(challengeAttemptsRemaining(0), FAILURES_PER_CHALLENGE);
  assert.equal(challengeAttemptsRemaining(FAILURES_PER_CHALLENGE - 1), 1);
  assert.equal(challengeAttemptsRemaining(FAILURES_PER_CHALLENGE), 0);
  assert.equal(challengeAttemptsRemaining(FAILURES_PER_CHALLENGE + 3), 0);
});

test('the warning starts at the third failure of the day and stays on to the lock', () => {
  const warned = Array.from({ length: FAILURES_BEFORE_LOCK + 1 }, (_, failures) =>
    attemptsWarningDue(attemptsRemaining(failures)),
  );
  assert.equal(warned.indexOf(true), WARN_ATTEMPTS_FROM_FAILURE);
  assert.ok(warned.slice(WARN_ATTEMPTS_FROM_FAILURE).every(Boolean));
});
