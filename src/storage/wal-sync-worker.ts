// The thread that makes SQLite's write-ahead log durable and checkpoints it
// (src/storage/wal-sync.ts, docs/adr/0006-one-commit-per-login.md). An fsync
// or a checkpoint here blocks this thread only: neither the event loop nor
// libuv's thread pool, where argon2id runs.
//
// A sync request is a commit sequence number; the answer names it once every
// byte written to the WAL before the request arrived is on disk (or says why
// not). A checkpoint request copies the WAL into the database file on a
// connection of this thread's own. Requests come one at a time: the next one
// is sent after this answer.
import fs from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export type WalSyncRequest =
  /** Sync the WAL: the commit sequence number the sync covers, and which WAL file (the times the connection left WAL mode). */
  | { readonly kind: 'sync'; readonly seq: number; readonly file: number }
  /** A PASSIVE checkpoint. */
  | { readonly kind: 'checkpoint' }
  | { readonly kind: 'close' };

/** What went wrong, as SQLite or the kernel said it: a code and a message, never a value from the data. */
export interface WalFailure {
  readonly message: string;
  readonly code: string | undefined;
}

/** `PRAGMA wal_checkpoint`'s answer: pages (frames) in the WAL, and how many of them are in the database file. */
export interface CheckpointResult {
  readonly busy: number;
  readonly log: number;
  readonly checkpointed: number;
}

export type WalSyncAnswer =
  | { readonly kind: 'sync'; readonly seq: number; readonly error?: WalFailure }
  | { readonly kind: 'checkpoint'; readonly result?: CheckpointResult; readonly error?: WalFailure };

export interface WalSyncWorkerData {
  readonly databasePath: string;
}

const port = parentPort;
if (!port) throw new Error('wal-sync-worker runs as a worker thread');
const { databasePath } = workerData as WalSyncWorkerData;
const walPath = `${databasePath}-wal`;

/** The WAL file this thread holds open: SQLite writes to the same inode. */
let open: { fd: number; ino: number; dev: number; file: number } | undefined;

/**
 * fdatasync of the WAL: on Linux it flushes the inode's data and the size it
 * grew to, whichever descriptor wrote them. Fails closed: a sync answers
 * success only for the file SQLite recovers from after a crash, the one at
 * the `-wal` path.
 *
 * The rule, by `file` (the driver's count of the times the connection left
 * WAL mode, sent with each request):
 * - Same `file` as the one held open: SQLite still writes to that inode (a
 *   connection in WAL mode never deletes or replaces its WAL while open; a
 *   restart or TRUNCATE keeps the inode). If the path is gone or names
 *   another inode, someone else unlinked or replaced it: the frames synced
 *   here would not be found by recovery, so the sync fails (ENOENT, or
 *   ESTALE for another inode) instead of syncing a file nobody will read.
 * - A new `file`: the connection left WAL mode since (`latchkey seed`:
 *   WAL, MEMORY, WAL), and SQLite checkpointed and deleted the old file as it
 *   left; that one is synced once more and let go, and the file at the path
 *   now is SQLite's new WAL. A sync is asked only after a COMMIT in WAL mode,
 *   which wrote to the WAL: no file at the path then fails too (ENOENT).
 * So a journal mode switch while a sync of the previous file is still in
 * flight fails that sync: a false failure, never a false success.
 */
function syncWal(file: number): void {
  if (open && open.file !== file) {
    const old = open;
    open = undefined;
    try {
      fs.fdatasyncSync(old.fd);
    } finally {
      fs.closeSync(old.fd);
    }
  }
  if (!open) {
    const fd = fs.openSync(walPath, 'r'); // throws ENOENT when SQLite's WAL is not at its path
    const { ino, dev } = fs.fstatSync(fd);
    open = { fd, ino, dev, file };
    syncDirectory();
  } else {
    const current = fs.statSync(walPath, { throwIfNoEntry: false });
    if (!current)
      throw Object.assign(new Error(`the WAL file was removed while in use (${walPath})`), { code: 'ENOENT' });
    if (current.ino !== open.ino || current.dev !== open.dev) {
      throw Object.assign(new Error(`the WAL file was replaced while in use (${walPath})`), { code: 'ESTALE' });
    }
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

/**
 * A PASSIVE checkpoint on a connection of this thread's own, opened for it
 * and closed after: an idle connection left open would stop the main one from
 * leaving WAL mode (`latchkey seed` on a fresh file), and opening costs
 * ~0.1 ms here, off the event loop. PASSIVE takes no writer lock and never
 * waits; the driver holds its next write batch back meanwhile, so the copy
 * reaches the end of the WAL and that batch restarts it. At NORMAL SQLite
 * syncs the WAL before copying frames and the database file before it
 * records them as copied (`walCheckpoint`), as on the main connection; OFF
 * would skip both, so the level is set here and not left to a default.
 */
function checkpoint(): CheckpointResult {
  const db = new Database(databasePath, { fileMustExist: true });
  try {
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000'); // reading the schema, should another connection be recovering the WAL
    const [result] = db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[];
    if (!result) throw new Error('wal_checkpoint answered nothing');
    return result;
  } finally {
    db.close(); // the main connection is open: not the last one, so SQLite neither checkpoints nor deletes the WAL here
  }
}

const failure = (error: unknown): WalFailure => {
  const { message, code } = error as NodeJS.ErrnoException;
  return { message, code };
};

port.on('message', (request: WalSyncRequest) => {
  switch (request.kind) {
    case 'close':
      if (open) fs.closeSync(open.fd);
      open = undefined;
      port.close();
      return;
    case 'sync': {
      let answer: WalSyncAnswer = { kind: 'sync', seq: request.seq };
      try {
        syncWal(request.file);
      } catch (error) {
        answer = { ...answer, error: failure(error) };
      }
      port.postMessage(answer);
      return;
    }
    case 'checkpoint': {
      let answer: WalSyncAnswer;
      try {
        answer = { kind: 'checkpoint', result: checkpoint() };
      } catch (error) {
        answer = { kind: 'checkpoint', error: failure(error) };
      }
      port.postMessage(answer);
      return;
    }
  }
});
