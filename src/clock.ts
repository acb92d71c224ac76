// The one clock every rule reads (architecture: "One clock"). Production uses the
// system clock; test mode swaps in a settable clock driven by /v1/test/clock.
import { DomainError } from './domain/errors.ts';

export interface Clock {
  now(): Date;
}

const EARLIEST_MS = Date.parse('0001-01-01T00:00:00Z');
/** A year short of 9999, so real time passing never carries the clock past four-digit years. */
const LATEST_MS = Date.parse('9999-01-01T00:00:00Z');

export const systemClock: Clock = { now: () => new Date() };

/**
 * A settable clock. By default it runs with real time from wherever it was
 * set (what the server's /v1/test/clock drives, so browser countdowns tick);
 * `frozen` stops it, so time moves only by `advance` and `set` and tests can
 * assert exact instants.
 */
export class TestClock implements Clock {
  #offsetMs = 0;
  #frozenAtMs: number | undefined;

  constructor(options: { frozen?: boolean } = {}) {
    if (options.frozen) this.#frozenAtMs = Date.now();
  }

  now(): Date {
    return new Date(this.#frozenAtMs ?? Date.now() + this.#offsetMs);
  }

  advance(seconds: number): Date {
    return this.set(new Date(this.now().getTime() + seconds * 1000));
  }

  /** Sets the time; from then on it advances with real time from that point, unless frozen. */
  set(at: Date): Date {
    const ms = at.getTime();
    // A leap second or a year past what a Date (or RFC 3339) holds would make every later `now()` an Invalid Date.
    if (!(ms >= EARLIEST_MS && ms <= LATEST_MS)) {
      throw new DomainError('invalid_request', 'The test clock holds times from year 0001 to 9998 (no leap seconds).');
    }
    if (this.#frozenAtMs === undefined) this.#offsetMs = ms - Date.now();
    else this.#frozenAtMs = ms;
    return this.now();
  }
}
