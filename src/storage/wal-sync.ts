// Group commit's durability and SQLite's checkpoints, off the event loop
// (issue 16; docs/adr/0006).
//
// SQLite runs `synchronous=NORMAL` in WAL: a COMMIT writes its frames to the
// -wal file and returns without an fsync. This class then has them synced by a
// thread of its own (wal-sync-worker.ts) and resolves a batch's callers only
// once a sync that started after their COMMIT has completed. One sync is in
// flight at a time; the batches that commit meanwhile wait for the next one,
// which covers them all: fsyncs, like commits, are shared. The same thread
// runs the checkpoints the driver asks for (`checkpoint`), at any level.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type {
  CheckpointResult,
  WalFailure,
  WalSyncAnswer,
  WalSyncRequest,
  WalSyncWorkerData,
} from './wal-sync-worker.ts';

export type { CheckpointResult } from './wal-sync-worker.ts';

export interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/** The worker's file beside this one: `.js` once compiled, `.ts` from source (tsx, in development and tests). */
const EXTENSION = path.extname(fileURLToPath(import.meta.url));
const WORKER = new URL(`./wal-sync-worker${EXTENSION}`, import.meta.url);

function startWorker(workerData: WalSyncWorkerData): Worker {
  // No flag of the process's own (`--input-type`, `--import`): the worker needs none, and some would stop it.
  const options = { workerData, name: 'latchkey-wal-sync', execArgv: [] };
  if (EXTENSION === '.js') return new Worker(WORKER, options);
  // Node 20 runs no loader hook (tsx's) on a worker's entry: from source the
  // worker loads its TypeScript through tsx's API instead.
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = `import(${JSON.stringify(tsx)}).then(({ tsImport }) => tsImport(${JSON.stringify(WORKER.href)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(entry, { ...options, eval: true });
}

/** A sync (or a checkpoint) that failed: every later answer would be a guess, so nothing more is answered from this connection. */
export class WalSyncError extends Error {
  constructor(cause: WalFailure | Error, during: 'sync' | 'checkpoint' = 'sync') {
    const what = during === 'sync' ? 'write-ahead log' : 'write-ahead log, copied into the database file,';
    super(`the database's ${what} could not be made durable (${cause.message})`, { cause });
    this.name = 'WalSyncError';
  }
}

/**
 * A checkpoint error after which the database file can no longer be trusted
 * to hold what SQLite would record as copied: an I/O error (on Linux a failed
 * fsync is reported once, and the pages it concerned may be dropped), or
 * corruption. Anything else (a lock held elsewhere, a full disk refusing a
 * write) leaves every frame in the WAL and the file as it was: it is worth a
 * warning, and SQLite's own autocheckpoint stays the bound.
 */
const FATAL_CHECKPOINT_ERROR = /^SQLITE_(IOERR|CORRUPT|NOTADB)/;

/**
 * How long the thread may take to answer a request (a sync or a checkpoint)
 * before the storage fails closed. A sync takes milliseconds and a checkpoint
 * at most a few hundred (plus up to its 5 s busy_timeout reading the schema);
 * a thread silent for this long is stuck (a hung disk, an NFS server gone),
 * and every caller waiting on it would otherwise wait forever, and a close
 * (SIGTERM) with them.
 */
export const WAL_REQUEST_TIMEOUT_MS = 30_000;

export interface WalSyncOptions {
  /** WAL_REQUEST_TIMEOUT_MS unless given (tests). */
  timeoutMs?: number;
  /** After each completed sync (the counters). */
  onSynced(): void;
  /** A checkpoint that failed without harm: logged by the caller (a code and SQLite's message, no data). */
  onCheckpointWarning(failure: WalFailure): void;
}

export class WalSync {
  readonly #worker: Worker;
  readonly #options: WalSyncOptions;
  /** Commits handed over so far; a batch's number is this count after its COMMIT. */
  #committed = 0;
  /** The times the connection left WAL mode: a new count is a new WAL file (wal-sync-worker.ts's rule). */
  #walFile = 0;
  /** The number the sync in flight covers: every commit up to it. */
  #inFlight: number | undefined;
  readonly #waiting: Array<{ readonly seq: number; readonly waiters: readonly Waiter[] }> = [];
  /** The checkpoint in flight, answered with its result (undefined when it failed). */
  #checkpoint: ((result: CheckpointResult | undefined) => void) | undefined;
  #failure: WalSyncError | undefined;
  /** Whether #failure is a durability failure, not the orderly close. */
  #failed = false;
  #drained: (() => void) | undefined;
  readonly #exited: Promise<void>;
  /** Requests posted and not answered yet; the watchdog runs while there are any. */
  #outstanding = 0;
  #watchdog: NodeJS.Timeout | undefined;

  constructor(databasePath: string, options: WalSyncOptions) {
    this.#options = options;
    this.#worker = startWorker({ databasePath });
    // Kept alive by nothing but a request in flight (ref'd then): an idle storage never holds the process open.
    this.#worker.unref();
    this.#worker.on('message', (answer: WalSyncAnswer) => this.#answered(answer));
    this.#worker.on('error', (error) => this.#fail(new WalSyncError(error)));
    this.#exited = new Promise((resolve) => this.#worker.once('exit', () => resolve()));
    this.#worker.once('exit', () => this.#fail(new WalSyncError(new Error('the sync thread stopped'))));
  }

  /** Why this connection stopped answering, if it did. */
  get failure(): WalSyncError | undefined {
    return this.#failure;
  }

  /** Whether a sync or a checkpoint failed (not merely closed): nothing on disk may be acted on any more. */
  get failed(): boolean {
    return this.#failed;
  }

  /** A batch's COMMIT returned: its callers resolve once a sync started after now has completed. */
  committed(waiters: readonly Waiter[]): void {
    if (this.#failure) {
      for (const waiter of waiters) waiter.reject(this.#failure);
      return;
    }
    this.#committed++;
    this.#waiting.push({ seq: this.#committed, waiters });
    if (this.#inFlight === undefined) this.#request();
  }

  /** The connection left WAL mode: SQLite deleted its WAL, and a new one is made if it comes back. */
  leftWal(): void {
    this.#walFile++;
  }

  /**
   * A PASSIVE checkpoint on the thread, after the syncs already asked for.
   * Resolves with SQLite's answer, or undefined when it failed: harmlessly
   * (a warning), or for good (`failure` is set; nothing more is answered).
   */
  checkpoint(): Promise<CheckpointResult | undefined> {
    if (this.#failure || this.#checkpoint) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.#checkpoint = resolve;
      this.#worker.ref();
      this.#post({ kind: 'checkpoint' });
    });
  }

  /** Every commit handed over is synced (or failed), the checkpoint in flight done; then the thread stops. */
  async close(): Promise<void> {
    if ((this.#waiting.length > 0 || this.#checkpoint) && !this.#failure) {
      await new Promise<void>((resolve) => {
        this.#drained = resolve;
      });
    }
    if (!this.#failure) {
      // An orderly stop: the exit that follows is no failure.
      this.#failure = new WalSyncError(new Error('the storage was closed'));
      this.#worker.ref();
      this.#worker.postMessage({ kind: 'close' } satisfies WalSyncRequest);
      await this.#exited;
    } else {
      // Not waited for: a thread stuck in a system call stops only once the call returns.
      void this.#worker.terminate();
    }
  }

  #post(request: WalSyncRequest): void {
    this.#outstanding++;
    this.#watch();
    this.#worker.postMessage(request);
  }

  /** (Re)starts the watchdog for the oldest request unanswered: the thread answers in order, one at a time. */
  #watch(): void {
    if (this.#watchdog || this.#failed) return;
    const timeoutMs = this.#options.timeoutMs ?? WAL_REQUEST_TIMEOUT_MS;
    this.#watchdog = setTimeout(() => {
      this.#watchdog = undefined;
      this.#fail(new WalSyncError(new Error(`the sync thread timed out (no answer in ${timeoutMs} ms)`)));
      void this.#worker.terminate();
    }, timeoutMs);
    this.#watchdog.unref(); // the thread, ref'd while a request is in flight, holds the process open
  }

  #request(): void {
    this.#inFlight = this.#committed;
    this.#worker.ref();
    this.#post({ kind: 'sync', seq: this.#inFlight, file: this.#walFile });
  }

  #answered(answer: WalSyncAnswer): void {
    this.#outstanding--;
    clearTimeout(this.#watchdog);
    this.#watchdog = undefined;
    if (this.#outstanding > 0) this.#watch();
    if (answer.kind === 'checkpoint') this.#checkpointed(answer);
    else this.#synced(answer);
    this.#idle();
  }

  #synced({ seq, error }: Extract<WalSyncAnswer, { kind: 'sync' }>): void {
    if (this.#failure) return;
    if (error) {
      this.#fail(new WalSyncError(error));
      return;
    }
    this.#inFlight = undefined;
    this.#options.onSynced();
    while (this.#waiting.length > 0 && (this.#waiting[0]?.seq ?? Number.POSITIVE_INFINITY) <= seq) {
      for (const waiter of this.#waiting.shift()?.waiters ?? []) waiter.resolve();
    }
    if (this.#waiting.length > 0) this.#request(); // commits made while that sync ran: one more covers them all
  }

  #checkpointed({ result, error }: Extract<WalSyncAnswer, { kind: 'checkpoint' }>): void {
    const answer = this.#checkpoint;
    this.#checkpoint = undefined;
    if (error && !this.#failure) {
      if (FATAL_CHECKPOINT_ERROR.test(error.code ?? '')) this.#fail(new WalSyncError(error, 'checkpoint'));
      else this.#options.onCheckpointWarning(error);
    }
    answer?.(this.#failure ? undefined : result);
  }

  /** Nothing in flight: the thread no longer holds the process open, and a close may go on. */
  #idle(): void {
    if (this.#inFlight !== undefined || this.#checkpoint || this.#waiting.length > 0) return;
    this.#worker.unref();
    this.#drained?.();
  }

  /** Fails closed: every caller waiting for a sync fails, and so will every later one. */
  #fail(failure: WalSyncError): void {
    if (this.#failure) return;
    this.#failure = failure;
    this.#failed = true;
    this.#inFlight = undefined;
    clearTimeout(this.#watchdog);
    this.#watchdog = undefined;
    for (const { waiters } of this.#waiting.splice(0)) {
      for (const waiter of waiters) waiter.reject(failure);
    }
    const checkpoint = this.#checkpoint;
    this.#checkpoint = undefined;
    checkpoint?.(undefined);
    this.#worker.unref();
    this.#drained?.();
  }
}
