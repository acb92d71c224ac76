// The data folder holds the database, the development key file and evidence:
// all of it owner-only (no other local user can read hashes or ciphertexts).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { keyFilePath } from '../../src/infra/keyring.ts';
import { sqliteFile } from '../../src/storage/database.ts';
import { enrolledUser } from '../support/flows.ts';
import { describeOnEachDatabase } from '../support/harness.ts';

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describeOnEachDatabase('the data folder is owner-only', { only: ['sqlite'] }, (h) => {
  test('folder 0700; database, WAL and key file 0600', async () => {
    await enrolledUser(h);
    const dir = h.ctx.config.dataDir;
    assert.equal(mode(dir), 0o700);
    assert.equal(mode(sqliteFile(dir)), 0o600);
    const wal = `${sqliteFile(dir)}-wal`;
    if (fs.existsSync(wal)) assert.equal(mode(wal), 0o600);
    assert.equal(mode(keyFilePath(dir)), 0o600);
    assert.ok(fs.readdirSync(dir).every((name) => (mode(path.join(dir, name)) & 0o077) === 0));
  });
});
