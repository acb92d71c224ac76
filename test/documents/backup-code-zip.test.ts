import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BackupCodeSheet } from '../../src/documents/backup-code-sheet.ts';
import { backupCodeSheetText } from '../../src/documents/backup-code-sheet-text.ts';
import { BACKUP_CODE_ZIP_ENTRY, renderBackupCodeZip } from '../../src/documents/backup-code-zip.ts';
import { randomBackupCodes, runTool } from './helpers.ts';

const PASSWORD = 'correct horse battery staple';

const sheet: BackupCodeSheet = {
  productName: 'Latchkey',
  accountEmail: 'alice@example.com',
  setId: '0b6f3c1e-9a7d-4c2b-8e51-3f0d2a6b7c94',
  issuedAt: new Date('2026-03-05T14:07:09Z'),
  codes: randomBackupCodes(),
};

let dir = '';
let zipPath = '';
let zipBytes: Uint8Array = new Uint8Array();
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'latchkey-zip-'));
  zipPath = join(dir, 'backup-codes.zip');
  zipBytes = await renderBackupCodeZip(sheet, PASSWORD);
  await writeFile(zipPath, zipBytes);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('renderBackupCodeZip', () => {
  test('7z lists one entry, encrypted with AES-256', () => {
    const result = runTool('7z', ['l', '-slt', zipPath]);
    assert.equal(result.status, 0, result.stderr);
    const paths = [...result.stdout.matchAll(/^Path = (.*)$/gm)].map((match) => match[1]);
    // The first Path is the archive itself, the rest are its entries.
    assert.deepEqual(paths.slice(1), [BACKUP_CODE_ZIP_ENTRY]);
    assert.match(result.stdout, /^Encrypted = \+$/m);
    assert.match(result.stdout, /^Method = AES-256\b/m);
    assert.doesNotMatch(result.stdout, /ZipCrypto/i);
  });

  test('7z extracts it with the right password: all 8 codes and the set id', async () => {
    const out = join(dir, 'extracted');
    const result = runTool('7z', ['x', `-p${PASSWORD}`, `-o${out}`, '-y', zipPath]);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.deepEqual(await readdir(out), [BACKUP_CODE_ZIP_ENTRY]);
    const text = await readFile(join(out, BACKUP_CODE_ZIP_ENTRY), 'utf8');
    assert.equal(text, backupCodeSheetText(sheet));
    for (const [index, code] of sheet.codes.entries()) {
      assert.ok(text.includes(`${index + 1}. [ ] ${code}`), `code ${code} missing`);
    }
    assert.ok(text.includes(sheet.setId));
  });

  const wrongPasswords = [
    { name: 'a different password', password: 'incorrect horse battery staple' },
    { name: 'the right password with different case', password: PASSWORD.toUpperCase() },
    { name: 'a prefix of the right password', password: PASSWORD.slice(0, -1) },
  ];
  for (const { name, password } of wrongPasswords) {
    test(`7z refuses ${name}`, () => {
      const result = runTool('7z', ['t', `-p${password}`, zipPath]);
      assert.notEqual(result.status, 0);
      assert.match(result.stdout + result.stderr, /Wrong password/i);
    });
  }

  test('7z opens a non-ASCII password (zip.js and 7z both use UTF-8)', async () => {
    const password = 'pässwörd-ünïcode-🔑';
    const path = join(dir, 'unicode.zip');
    await writeFile(path, await renderBackupCodeZip(sheet, password));
    const result = runTool('7z', ['t', `-p${password}`, path]);
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });

  test('no code appears in the clear in the archive bytes', () => {
    const raw = Buffer.from(zipBytes).toString('latin1');
    for (const code of sheet.codes) {
      assert.ok(!raw.includes(code), `code ${code} readable in the ZIP bytes`);
    }
    assert.ok(!raw.includes(sheet.setId));
  });

  const passwordCases = [
    { name: 'empty', password: '', accepted: false },
    { name: '11 characters', password: 'a'.repeat(11), accepted: false },
    { name: '11 emoji (22 UTF-16 units)', password: '🔑'.repeat(11), accepted: false },
    { name: '12 characters', password: 'a'.repeat(12), accepted: true },
    { name: '12 emoji', password: '🔑'.repeat(12), accepted: true },
  ];
  for (const { name, password, accepted } of passwordCases) {
    test(`password ${name}: ${accepted ? 'accepted' : 'rejected with RangeError'}`, async () => {
      if (accepted) {
        const bytes = await renderBackupCodeZip(sheet, password);
        assert.ok(bytes.byteLength > 0);
      } else {
        await assert.rejects(renderBackupCodeZip(sheet, password), RangeError);
      }
    });
  }
});
