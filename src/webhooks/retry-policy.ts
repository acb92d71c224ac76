// When a failed webhook delivery is tried again, and when it is given up.
// Pure: the time is passed in.

/** The first retry waits this long; each further one twice as long as the one before. */
export const FIRST_RETRY_SECONDS = 10;
/** No wait is longer than this. */
export const MAX_RETRY_SECONDS = 60 * 60;
/** A delivery still failing this long after it was queued goes to the dead letters. */
export const DEAD_LETTER_AFTER_HOURS = 24;
/** A receiver gets this long to answer before the attempt counts as failed. */
export const DELIVERY_TIMEOUT_MS = 5_000;

/** After `attempts` failed attempts: the next try, or null when the delivery is dead. */
export function nextAttempt(queuedAt: Date, attempts: number, now: Date): Date | null {
  if (now.getTime() - queuedAt.getTime() >= DEAD_LETTER_AFTER_HOURS * 3_600_000) return null;
  const wait = Math.min(FIRST_RETRY_SECONDS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_SECONDS);
  return new Date(now.getTime() + wait * 1000);
}
