import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addBusinessDays } from '../../src/domain/business-days.ts';

// 2031-01-03 is a Friday; 2031-01-14 a Tuesday.
const cases: Array<{ name: string; start: string; days: number; holidays: string[]; due: string }> = [
  {
    name: 'zero days is the start itself',
    start: '2031-01-06T09:30:00.000Z',
    days: 0,
    holidays: [],
    due: '2031-01-06T09:30:00.000Z',
  },
  {
    name: 'Monday + 1 is Tuesday',
    start: '2031-01-06T09:30:00.000Z',
    days: 1,
    holidays: [],
    due: '2031-01-07T09:30:00.000Z',
  },
  {
    name: 'Friday + 1 skips the weekend',
    start: '2031-01-03T10:00:00.000Z',
    days: 1,
    holidays: [],
    due: '2031-01-06T10:00:00.000Z',
  },
  {
    name: 'Saturday + 1 is Monday',
    start: '2031-01-04T10:00:00.000Z',
    days: 1,
    holidays: [],
    due: '2031-01-06T10:00:00.000Z',
  },
  {
    name: 'Sunday late + 1 is Monday, same time',
    start: '2031-01-05T23:59:00.000Z',
    days: 1,
    holidays: [],
    due: '2031-01-06T23:59:00.000Z',
  },
  {
    name: 'Friday + 5 is next Friday',
    start: '2031-01-03T10:00:00.000Z',
    days: 5,
    holidays: [],
    due: '2031-01-10T10:00:00.000Z',
  },
  {
    name: 'Friday + 15 across three weekends',
    start: '2031-01-03T10:00:00.000Z',
    days: 15,
    holidays: [],
    due: '2031-01-24T10:00:00.000Z',
  },
  {
    name: 'a holiday inside the span adds a day',
    start: '2031-01-03T10:00:00.000Z',
    days: 15,
    holidays: ['2031-01-14'],
    due: '2031-01-27T10:00:00.000Z',
  },
  {
    name: 'a holiday on a weekend changes nothing',
    start: '2031-01-03T10:00:00.000Z',
    days: 15,
    holidays: ['2031-01-11'],
    due: '2031-01-24T10:00:00.000Z',
  },
  {
    name: 'a holiday after the due day changes nothing',
    start: '2031-01-03T10:00:00.000Z',
    days: 15,
    holidays: ['2031-01-27'],
    due: '2031-01-24T10:00:00.000Z',
  },
  {
    name: 'the due day itself a holiday moves past the weekend',
    start: '2031-01-03T10:00:00.000Z',
    days: 15,
    holidays: ['2031-01-24'],
    due: '2031-01-27T10:00:00.000Z',
  },
  {
    name: 'holiday + weekend back to back',
    start: '2031-01-09T08:00:00.000Z',
    days: 1,
    holidays: ['2031-01-10'],
    due: '2031-01-13T08:00:00.000Z',
  },
  {
    name: 'the start day never counts, even a holiday',
    start: '2031-01-14T12:00:00.000Z',
    days: 1,
    holidays: ['2031-01-14'],
    due: '2031-01-15T12:00:00.000Z',
  },
  {
    name: 'across a year end',
    start: '2031-12-31T17:00:00.000Z',
    days: 2,
    holidays: ['2032-01-01'],
    due: '2032-01-05T17:00:00.000Z',
  },
];

for (const c of cases) {
  test(`addBusinessDays: ${c.name}`, () => {
    assert.equal(addBusinessDays(new Date(c.start), c.days, c.holidays).toISOString(), c.due);
  });
}

test('addBusinessDays refuses negative and fractional counts', () => {
  assert.throws(() => addBusinessDays(new Date(), -1, []), RangeError);
  assert.throws(() => addBusinessDays(new Date(), 1.5, []), RangeError);
});
