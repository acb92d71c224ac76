// The one clock every rule reads (architecture: "One clock"). Production uses the
// system clock; test mode swaps in a settable clock driven by /v1/test/clock.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export class TestClock implements Clock {
  #offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.#offsetMs);
  }

  advance(seconds: number): Date {
    this.#offsetMs += seconds * 1000;
    return this.now();
  }

  /** Sets the time; from then on it advances with real time from that point. */
  set(at: Date): Date {
    this.#offsetMs = at.getTime() - Date.now();
    return this.now();
  }
}
