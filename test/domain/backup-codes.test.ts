import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, test } from 'node:test';
import { backupCodeWarnings, generateBackupCodes, normalizeCode } from '../../src/domain/backup-codes.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { BACKUP_CODES_PER_SET } from '../../src/domain/policy.ts';

/** A fake CSPRNG that plays back the given integers. */
function playback(values: number[]): (max: number) => number {
  let i = 0;
  return (max) => {
    const value = values[i++ % values.length] ?? 0;
    assert.ok(value < max);
    return value;
  };
}

describe('generateBackupCodes', () => {
  test('eight distinct six-digit codes from the CSPRNG', () => {
    for (let round = 0; round < 50; round += 1) {
      const codes = generateBackupCodes((max) => crypto.randomInt(max));
      assert.equal(codes.length, BACKUP_CODES_PER_SET);
      assert.equal(BACKUP_CODES_PER_SET, 8);
      assert.equal(new Set(codes).size, 8);
      for (const code of codes) assert.match(code, /^\d{6}$/);
    }
  });

  test('the whole range is drawn from: 0..999999', () => {
    let max = 0;
    generateBackupCodes((m) => {
      max = m;
      return crypto.randomInt(m);
    });
    assert.equal(max, 1_000_000);
  });

  test('leading zeros are kept', () => {
    const codes = generateBackupCodes(playback([0, 7, 42, 999, 12345, 99999, 100000, 999999]));
    assert.deepEqual(codes, ['000000', '000007', '000042', '000999', '012345', '099999', '100000', '999999']);
  });

  test('a repeated draw is replaced, never duplicated', () => {
    const codes = generateBackupCodes(playback([5, 5, 5, 6, 6, 7, 8, 9, 10, 11, 12, 13]));
    assert.deepEqual(codes, ['000005', '000006', '000007', '000008', '000009', '000010', '000011', '000012']);
  });
});

describe('normalizeCode', () => {
  for (const [input, expected] of [
    ['123456', '123456'],
    ['123 456', '123456'],
    ['123-456', '123456'],
    [' 12-34 56 ', '123456'],
    ['012\t345', '012345'],
    ['000000', '000000'],
  ] as const) {
    test(`"${input}" → ${expected}`, () => assert.equal(normalizeCode(input), expected));
  }
  for (const input of ['12345', '1234567', 'abcdef', '12345a', '', '١٢٣٤٥٦', '123_456', '12.3456', '１２３４５６']) {
    test(`"${input}" is refused with invalid_code`, () => {
      assert.throws(
        () => normalizeCode(input),
        (error: unknown) => error instanceof DomainError && error.code === 'invalid_code',
      );
    });
  }
  test('eight-digit codes when asked', () => assert.equal(normalizeCode('1234 5678', 8), '12345678'));
});

describe('backupCodeWarnings', () => {
  const table: Array<[number, ReturnType<typeof backupCodeWarnings>]> = [
    [8, []],
    [4, []],
    [3, [{ code: 'backup_codes_low', remaining: 3 }]],
    [2, [{ code: 'backup_codes_low', remaining: 2 }]],
    [1, [{ code: 'backup_codes_low', remaining: 1 }]],
    [0, [{ code: 'backup_codes_exhausted' }]],
  ];
  for (const [remaining, expected] of table) {
    test(`${remaining} remaining`, () => assert.deepEqual(backupCodeWarnings(remaining), expected));
  }
});
