import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BackupCodeSheet } from '../../src/documents/backup-code-sheet.ts';
import { renderBackupCodeSheetPdf } from '../../src/documents/backup-code-sheet-pdf.ts';
import { randomBackupCodes, runTool } from './helpers.ts';

// The area A4 and US Letter share, minus the 50 pt margin the sheet keeps.
const SAFE_X_MAX = 595.28 - 50;
const SAFE_Y_MAX = 792 - 50;

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'latchkey-pdf-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writePdf(name: string, sheet: BackupCodeSheet): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, await renderBackupCodeSheetPdf(sheet));
  return path;
}

function pdfText(path: string): string {
  const result = runTool('pdftotext', [path, '-']);
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

function pdfInfo(path: string): string {
  const result = runTool('pdfinfo', [path]);
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

interface WordBox {
  word: string;
  xMax: number;
  yMax: number;
}

function wordBoxes(path: string): WordBox[] {
  const result = runTool('pdftotext', ['-bbox', path, '-']);
  assert.equal(result.status, 0, result.stderr);
  const words: WordBox[] = [];
  for (const match of result.stdout.matchAll(/<word [^>]*xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)) {
    words.push({ word: match[3] ?? '', xMax: Number(match[1]), yMax: Number(match[2]) });
  }
  return words;
}

const collapse = (text: string): string => text.replace(/\s+/g, ' ');

describe('renderBackupCodeSheetPdf', () => {
  const sheet: BackupCodeSheet = {
    productName: 'Latchkey',
    accountEmail: 'alice@example.com',
    setId: '0b6f3c1e-9a7d-4c2b-8e51-3f0d2a6b7c94',
    issuedAt: new Date('2026-03-05T14:07:09Z'),
    codes: randomBackupCodes(),
  };

  test('pdftotext finds all 8 codes, leading zeros included, numbered 1 to 8', async () => {
    const text = pdfText(await writePdf('random.pdf', sheet));
    const found = [...text.matchAll(/\b\d{6}\b/g)].map((match) => match[0]);
    assert.deepEqual(found, sheet.codes, `codes under test: ${sheet.codes.join(' ')}`);
    assert.ok(sheet.codes.some((code) => code.startsWith('00')));
    const numbers = [...text.matchAll(/^([1-8])\.$/gm)].map((match) => match[1]);
    assert.deepEqual(numbers, ['1', '2', '3', '4', '5', '6', '7', '8']);
  });

  test('pdftotext finds a fixed code with leading zeros', async () => {
    const codes = ['004217', '000000', '123456', '987654', '010101', '555555', '700007', '999999'];
    const text = pdfText(await writePdf('fixed.pdf', { ...sheet, codes }));
    for (const code of codes) {
      assert.match(text, new RegExp(`\\b${code}\\b`));
    }
  });

  test('pdftotext finds the set id, email, issue date, supersede notice and storage advice', async () => {
    const text = collapse(pdfText(await writePdf('details.pdf', sheet)));
    for (const expected of [
      'Latchkey backup codes',
      'alice@example.com',
      '0b6f3c1e-9a7d-4c2b-8e51-3f0d2a6b7c94',
      '2026-03-05 14:07 UTC',
      'A newer set replaces this one',
      'discard the older ones',
      'Print this sheet and keep it in a safe place.',
      'Never keep it on the same device as your authenticator.',
      'Keep two copies in different places.',
      'Each code works once.',
      "Don't screenshot it into a photo gallery that syncs to the cloud.",
      "Don't email it to yourself.",
    ]) {
      assert.ok(text.includes(expected), `missing ${JSON.stringify(expected)}`);
    }
  });

  test('is one A4 page with a title and no author', async () => {
    const info = pdfInfo(await writePdf('info.pdf', sheet));
    assert.match(info, /^Pages:\s+1$/m);
    assert.match(info, /^Page size:\s+595\.28 x 841\.89 pts \(A4\)$/m);
    assert.match(info, /^Title:\s+Latchkey backup codes$/m);
    assert.doesNotMatch(info, /^Author:/m);
    assert.ok(!info.includes('alice@example.com'), 'the email must not be in the document info');
  });

  test('long details still fit on one page inside the area shared with Letter', async () => {
    const long: BackupCodeSheet = {
      productName: 'Latchkey for Example Corporation Internal Accounts',
      accountEmail: `${'very.long.local.part.'.repeat(4)}name@subdomain.department.example-corporation.com`,
      setId: `set_${'0123456789abcdef'.repeat(5)}`,
      issuedAt: sheet.issuedAt,
      codes: sheet.codes,
    };
    const path = await writePdf('long.pdf', long);
    assert.match(pdfInfo(path), /^Pages:\s+1$/m);
    const words = wordBoxes(path);
    assert.ok(words.length > 50);
    for (const { word, xMax, yMax } of words) {
      assert.ok(xMax <= SAFE_X_MAX, `${word} ends at x=${xMax}`);
      assert.ok(yMax <= SAFE_Y_MAX, `${word} ends at y=${yMax}`);
    }
  });

  test('account names outside Latin-1 come out as written: Cyrillic, Greek, CJK, accents', async () => {
    for (const accountEmail of [
      'ярослава.ковальчук@пример.рф',
      'ελένη.παπαδοπούλου@παράδειγμα.ελ',
      '李小龍@例子.中国',
      'さくら.たなか@例え.jp',
      '김민준@예시.한국',
      'françois.dœuf-łęcki@exämple.com',
      'zoë.ñúñez+Ωμέγα-Жук-中@example.com',
    ]) {
      const path = await writePdf('unicode.pdf', { ...sheet, productName: 'Latchkey Ключ', accountEmail });
      const text = pdfText(path);
      assert.ok(
        text.includes(`Account: ${accountEmail}`),
        `${accountEmail} came out as ${JSON.stringify(text.split('\n').find((line) => line.startsWith('Account')))}`,
      );
      assert.ok(text.includes('Latchkey Ключ backup codes'));
      assert.match(pdfInfo(path), /^Pages:\s+1$/m);
    }
  });

  test('same sheet, same bytes', async () => {
    const first = await renderBackupCodeSheetPdf(sheet);
    const second = await renderBackupCodeSheetPdf(sheet);
    assert.ok(first.equals(second));
  });

  test('rejects a sheet whose codes are not 8 six-digit strings', async () => {
    await assert.rejects(renderBackupCodeSheetPdf({ ...sheet, codes: sheet.codes.slice(1) }), RangeError);
    await assert.rejects(renderBackupCodeSheetPdf({ ...sheet, codes: ['4217', ...sheet.codes.slice(1)] }), RangeError);
  });
});
