// One attempt budget per account, shared by every second-factor method.
// NIST SP 800-63B-4 §3.2.2 caps consecutive failures at 100; we stay far below:
// 5 wrong codes kill a challenge, 10 in 24 hours lock the second-factor step for
// 24 hours and tell the owner.
export const FAILURES_PER_CHALLENGE = 5;
export const FAILURES_BEFORE_LOCK = 10;
export const FAILURE_WINDOW_MS = 24 * 60 * 60 * 1000;
export const LOCK_DURATION_MS = 24 * 60 * 60 * 1000;
/**
 * A reservation neither failed nor released within this long was left by a
 * crash (a check takes milliseconds): it stops holding a slot (issue 11, #13).
 */
export const PENDING_RESERVATION_MS = 2 * 60 * 1000;

export type Reservation =
  | { readonly kind: 'reserved'; readonly attemptId: string; readonly repeat: boolean }
  | { readonly kind: 'locked'; readonly until: Date };

/** After the failure that brings the window's count to the limit, the account locks. */
export function shouldLock(failuresInWindow: number): boolean {
  return failuresInWindow >= FAILURES_BEFORE_LOCK;
}

export function retryAfterSeconds(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
}
