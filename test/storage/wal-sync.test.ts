// The WAL thread and the group-commit driver fail closed (src/storage/wal-sync.ts,
// src/storage/wal-sync-worker.ts, src/storage/sqlite-group-commit.ts,
// docs/adr/0006): no caller is answered "durable" for a WAL file recovery
// would not read, and no caller waits forever.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { describe, test } from 'node:test';
import { insertAccount } from '../../src/storage/accounts-repository.ts';
import { openStorage, sqliteFile } from '../../src/storage/database.ts';
import { freshDatabase } from '../support/databases.ts';

const newAccount = () => ({
  id: crypto.randomUUID(),
  email: `${crypto.randomUUID()}@example.com`,
  passwordHash: 'x',
  role: 'user' as const,
  createdAt: new Date(),
});

describe('WAL sync fails closed (sqlite)', () => {
  test('a WAL file removed under the connection: no write is answered as durable', async () => {
    const own = await freshDatabase('sqlite');
    try {
      const storage = await openStorage({ dataDir: own.dataDir });
      const syncsBefore = storage.counters.syncs;
      // The migrations' commits were synced: the thread holds the WAL open. SQLite
      // keeps writing to the unlinked inode, which recovery after a crash never reads.
      fs.unlinkSync(`${sqliteFile(own.dataDir)}-wal`);
      const outcomes = [];
      for (let i = 0; i < 3; i++) {
        outcomes.push(
          await insertAccount(storage.db, newAccount()).then(
            () => 'resolved',
            (error: Error) => error.name,
          ),
        );
      }
      assert.deepEqual(outcomes, ['WalSyncError', 'WalSyncError', 'WalSyncError']);
      assert.equal(storage.counters.syncs, syncsBefore);
      await storage.close();
    } finally {
      await own.drop();
    }
  });
});
