// The one clock every rule reads (architecture: "One clock"). Production uses the
// system clock; test mode swaps in a settable clock driven by /v1/test/clock.
export interface Clock {
  now(): Date;
}

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
    if (this.#frozenAtMs === undefined) this.#offsetMs += seconds * 1000;
    else this.#frozenAtMs += seconds * 1000;
    return this.now();
  }

  /** Sets the time; from then on it advances with real time from that point, unless frozen. */
  set(at: Date): Date {
    if (this.#frozenAtMs === undefined) this.#offsetMs = at.getTime() - Date.now();
    else this.#frozenAtMs = at.getTime();
    return this.now();
  }
}
