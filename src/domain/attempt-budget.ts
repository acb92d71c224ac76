// One attempt budget per account, shared by every second-factor method.
// NIST SP 800-63B-4 §3.2.2 caps consecutive failures at 100; we stay far below:
// 5 wrong codes kill a challenge, 10 in 24 hours lock the second-factor step for
// 24 hours and tell the owner.
import {
  FAILURES_BEFORE_LOCK,
  FAILURES_PER_CHALLENGE,
  WARN_ATTEMPTS_FROM_FAILURE,
  WINDOW_FULL_RETRY_MS,
} from './policy.ts';

/**
 * An attempt the budget lets through to be checked. `fingerprint` (a keyed
 * hash of method + guess) identifies it; `repeat`: the same guess as one
 * already counted or in flight, checked but never counted again.
 */
export interface Admitted {
  readonly kind: 'admitted';
  readonly fingerprint: string;
  readonly method: string;
  readonly repeat: boolean;
}

export type Admission = Admitted | { readonly kind: 'locked'; readonly until: Date };

/** The refusal of an attempt while the window is full and the lock not on (both stores). */
export function windowFull(now: Date): Admission {
  return { kind: 'locked', until: new Date(now.getTime() + WINDOW_FULL_RETRY_MS) };
}

/** After the failure that brings the window's count to the limit, the account locks. */
export function shouldLock(failuresInWindow: number): boolean {
  return failuresInWindow >= FAILURES_BEFORE_LOCK;
}

/** What a refused code reports (contract v1.1): the wrong codes the account's budget takes before the lock. */
export function attemptsRemaining(failuresInWindow: number): number {
  return Math.max(0, FAILURES_BEFORE_LOCK - failuresInWindow);
}

/** Whether a refusal with `remaining` attempts left should warn about the coming lock (from the third failure). */
export function attemptsWarningDue(remaining: number): boolean {
  return FAILURES_BEFORE_LOCK - remaining >= WARN_ATTEMPTS_FROM_FAILURE;
}

/** The wrong codes one login challenge still takes before that sign-in is over. */
export function challengeAttemptsRemaining(challengeFailures: number): number {
  return Math.max(0, FAILURES_PER_CHALLENGE - challengeFailures);
}

export function retryAfterSeconds(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
}
