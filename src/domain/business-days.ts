// Business-day arithmetic for review deadlines (the guide's "5-15 business
// days"). Pure: the start time and the holiday list come in as arguments.
//
// Definition. Days are UTC calendar days (the server has no notion of the
// user's time zone, and every stored time is UTC). A business day is a UTC
// day that is neither a Saturday, a Sunday nor in the holiday list
// (`YYYY-MM-DD`, from LATCHKEY_HOLIDAYS). "N business days after T" is the
// same UTC time of day as T, on the N-th business day strictly after T's own
// calendar day. T's own day never counts, whatever it is, so a ticket
// submitted on Friday 10:00 is 1 business day old on Monday 10:00, and one
// submitted on Saturday 10:00 is too.
const DAY_MS = 24 * 60 * 60 * 1000;

function isBusinessDay(day: Date, holidays: ReadonlySet<string>): boolean {
  const weekday = day.getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  return !holidays.has(day.toISOString().slice(0, 10));
}

export function addBusinessDays(start: Date, days: number, holidays: readonly string[]): Date {
  if (!Number.isInteger(days) || days < 0) throw new RangeError('days must be a non-negative integer');
  const closed = new Set(holidays);
  let cursor = start.getTime();
  let left = days;
  while (left > 0) {
    cursor += DAY_MS;
    if (isBusinessDay(new Date(cursor), closed)) left -= 1;
  }
  return new Date(cursor);
}
