import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BackupCodeSheet } from '../../src/documents/backup-code-sheet.ts';
import { backupCodeSheetText } from '../../src/documents/backup-code-sheet-text.ts';

const baseSheet: BackupCodeSheet = {
  productName: 'Latchkey',
  accountEmail: 'alice@example.com',
  setId: 'bcs_01HZX3K9Q7',
  issuedAt: new Date('2026-03-05T14:07:09.123Z'),
  codes: ['004217', '123456', '999999', '000000', '500001', '271828', '314159', '161803'],
};

function sheetWith(overrides: Partial<BackupCodeSheet>): BackupCodeSheet {
  return { ...baseSheet, ...overrides };
}

describe('backupCodeSheetText', () => {
  test('renders the whole sheet in a fixed layout', () => {
    assert.equal(
      backupCodeSheetText(baseSheet),
      [
        'Latchkey backup codes',
        '',
        'Account: alice@example.com',
        'Set ID:  bcs_01HZX3K9Q7',
        'Issued:  2026-03-05 14:07 UTC',
        '',
        'A newer set replaces this one: if you hold several printouts, keep only the one with the latest issue date and discard the older ones.',
        '',
        'Tick the box of each code when you use it:',
        '',
        '1. [ ] 004217',
        '2. [ ] 123456',
        '3. [ ] 999999',
        '4. [ ] 000000',
        '5. [ ] 500001',
        '6. [ ] 271828',
        '7. [ ] 314159',
        '8. [ ] 161803',
        '',
        'Keep these codes safe:',
        '- Print this sheet and keep it in a safe place.',
        '- Never keep it on the same device as your authenticator.',
        '- Keep two copies in different places.',
        '- Each code works once. Tick its box when you use it.',
        "- Don't screenshot it into a photo gallery that syncs to the cloud.",
        "- Don't email it to yourself.",
        '',
      ].join('\n'),
    );
  });

  const containsCases: ReadonlyArray<{ name: string; sheet: BackupCodeSheet; lines: readonly string[] }> = [
    {
      name: 'product name from the sheet (self-hosters rename it)',
      sheet: sheetWith({ productName: 'Acme Login' }),
      lines: ['Acme Login backup codes'],
    },
    {
      name: 'account email and set id',
      sheet: sheetWith({ accountEmail: 'bob+2fa@example.org', setId: '7f1c2a90-1b2c-4d5e-8f90-0a1b2c3d4e5f' }),
      lines: ['Account: bob+2fa@example.org', 'Set ID:  7f1c2a90-1b2c-4d5e-8f90-0a1b2c3d4e5f'],
    },
    {
      name: 'issue date is converted to UTC',
      sheet: sheetWith({ issuedAt: new Date('2026-03-05T23:30:00-05:00') }),
      lines: ['Issued:  2026-03-06 04:30 UTC'],
    },
    {
      name: 'issue date at midnight on New Year',
      sheet: sheetWith({ issuedAt: new Date('2027-01-01T00:00:59Z') }),
      lines: ['Issued:  2027-01-01 00:00 UTC'],
    },
    {
      name: 'codes keep their leading zeros and are never split',
      sheet: sheetWith({ codes: ['000000', '000001', '000010', '000100', '001000', '010000', '100000', '099999'] }),
      lines: [
        '1. [ ] 000000',
        '2. [ ] 000001',
        '3. [ ] 000010',
        '4. [ ] 000100',
        '5. [ ] 001000',
        '6. [ ] 010000',
        '7. [ ] 100000',
        '8. [ ] 099999',
      ],
    },
    {
      name: 'storage advice from the guide',
      sheet: baseSheet,
      lines: [
        '- Print this sheet and keep it in a safe place.',
        '- Never keep it on the same device as your authenticator.',
        '- Keep two copies in different places.',
        "- Don't email it to yourself.",
      ],
    },
  ];

  for (const { name, sheet, lines } of containsCases) {
    test(name, () => {
      const rendered = backupCodeSheetText(sheet).split('\n');
      for (const line of lines) {
        assert.ok(rendered.includes(line), `missing line ${JSON.stringify(line)}`);
      }
    });
  }

  test('numbers exactly 8 codes, 1 to 8, in the order given', () => {
    const codeLines = backupCodeSheetText(baseSheet)
      .split('\n')
      .filter((line) => /^\d+\. \[ \] /.test(line));
    assert.deepEqual(
      codeLines,
      baseSheet.codes.map((code, index) => `${index + 1}. [ ] ${code}`),
    );
  });

  test('uses LF line endings and ends with a newline', () => {
    const text = backupCodeSheetText(baseSheet);
    assert.ok(!text.includes('\r'));
    assert.ok(text.endsWith('\n'));
  });

  const invalidCases: ReadonlyArray<{ name: string; sheet: BackupCodeSheet }> = [
    { name: '7 codes', sheet: sheetWith({ codes: baseSheet.codes.slice(0, 7) }) },
    { name: '9 codes', sheet: sheetWith({ codes: [...baseSheet.codes, '111111'] }) },
    { name: 'no codes', sheet: sheetWith({ codes: [] }) },
    { name: 'a code that lost a leading zero', sheet: sheetWith({ codes: ['4217', ...baseSheet.codes.slice(1)] }) },
    { name: 'a 7-digit code', sheet: sheetWith({ codes: ['1234567', ...baseSheet.codes.slice(1)] }) },
    { name: 'a grouped code', sheet: sheetWith({ codes: ['123 456', ...baseSheet.codes.slice(1)] }) },
    { name: 'a non-digit code', sheet: sheetWith({ codes: ['12345a', ...baseSheet.codes.slice(1)] }) },
    { name: 'a non-ASCII digit', sheet: sheetWith({ codes: ['12345٦', ...baseSheet.codes.slice(1)] }) },
    { name: 'an invalid issue date', sheet: sheetWith({ issuedAt: new Date('not a date') }) },
  ];

  for (const { name, sheet } of invalidCases) {
    test(`rejects a sheet with ${name}`, () => {
      assert.throws(() => backupCodeSheetText(sheet), RangeError);
    });
  }
});
