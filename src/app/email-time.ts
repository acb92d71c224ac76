// An absolute time as an email states it: a person reads "Monday, 30 November
// 2026 at 03:40 UTC", not "2026-11-30T03:40:00.000Z". UTC, named, because the
// server doesn't know the reader's zone, and an unnamed time is a wrong one.
const FORMAT = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
});

export function emailTime(at: Date): string {
  return `${FORMAT.format(at)} UTC`;
}
