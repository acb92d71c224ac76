// The thread that makes SQLite's write-ahead log durable (src/storage/wal-sync.ts,
// docs/adr/0006-one-commit-per-login.md). An fsync here blocks this thread
// only: neither the event loop nor libuv's thread pool, where argon2id runs.
//
// A request is a commit sequence number; the answer names it once every byte
// written to the WAL before the request arrived is on disk (or says why not).
// Requests come one at a time: the next one is sent after this answer.
import fs from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';

export interface WalSyncRequest {
  /** The commit sequence number the sync covers, or `close` to stop. */
  readonly seq: number | 'close';
}

export interface WalSyncAnswer {
  readonly seq: number;
  readonly error?: { readonly message: string; readonly code: string | undefined };
}

export interface WalSyncWorkerData {
  readonly walPath: string;
}

const port = parentPort;
if (!port) throw new Error('wal-sync-worker runs as a worker thread');
const { walPath } = workerData as WalSyncWorkerData;

/** The WAL file this thread holds open: SQLite writes to the same inode. */
let open: { fd: number; ino: number; dev: number } | undefined;

/**
 * fdatasync of the WAL: on Linux it flushes the inode's data and the size it
 * grew to, whichever descriptor wrote them. The path is looked up again each
 * time: should the connection leave WAL mode and come back (`latchkey seed`
 * does), SQLite made a new file; the old one was checkpointed and synced by
 * SQLite as it left, and is synced once more here before it is let go.
 */
function syncWal(): void {
  const current = fs.statSync(walPath, { throwIfNoEntry: false });
  if (open && (!current || current.ino !== open.ino || current.dev !== open.dev)) {
    const old = open;
    open = undefined;
    try {
      fs.fdatasyncSync(old.fd);
    } finally {
      fs.closeSync(old.fd);
    }
  }
  if (!current) return; // no WAL now: the connection is not in WAL mode, or closed (both synced the file)
  if (!open) {
    const fd = fs.openSync(walPath, 'r');
    open = { fd, ino: current.ino, dev: current.dev };
    syncDirectory();
  }
  fs.fdatasyncSync(open.fd);
}

/**
 * The directory entry of a WAL file met for the first time: SQLite syncs it
 * too on its first sync of a new WAL (the header's, in NORMAL), so this only
 * keeps the guarantee from resting on that. Some file systems cannot sync a
 * directory; like SQLite, that is not an error.
 */
function syncDirectory(): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(path.dirname(walPath), 'r');
    fs.fsyncSync(fd);
  } catch {
    // as SQLite's unixSync does
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

port.on('message', ({ seq }: WalSyncRequest) => {
  if (seq === 'close') {
    if (open) fs.closeSync(open.fd);
    open = undefined;
    port.close();
    return;
  }
  let answer: WalSyncAnswer = { seq };
  try {
    syncWal();
  } catch (error) {
    const { message, code } = error as NodeJS.ErrnoException;
    answer = { seq, error: { message, code } };
  }
  port.postMessage(answer);
});
