// Group commit's durability, off the event loop (issue 16; docs/adr/0006).
//
// SQLite runs `synchronous=NORMAL` in WAL: a COMMIT writes its frames to the
// -wal file and returns without an fsync. This class then has them synced by a
// thread of its own (wal-sync-worker.ts) and resolves a batch's callers only
// once a sync that started after their COMMIT has completed. One sync is in
// flight at a time; the batches that commit meanwhile wait for the next one,
// which covers them all: fsyncs, like commits, are shared.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WalSyncAnswer, WalSyncRequest, WalSyncWorkerData } from './wal-sync-worker.ts';

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

/** A sync that failed: every later answer would be a guess, so nothing more is answered from this connection. */
export class WalSyncError extends Error {
  constructor(cause: { message: string; code: string | undefined } | Error) {
    super(`the database's write-ahead log could not be made durable (${cause.message})`, { cause });
    this.name = 'WalSyncError';
  }
}

export class WalSync {
  readonly #worker: Worker;
  readonly #onSynced: () => void;
  /** Commits handed over so far; a batch's number is this count after its COMMIT. */
  #committed = 0;
  /** The number the sync in flight covers: every commit up to it. */
  #inFlight: number | undefined;
  readonly #waiting: Array<{ readonly seq: number; readonly waiters: readonly Waiter[] }> = [];
  #failure: WalSyncError | undefined;
  #drained: (() => void) | undefined;
  readonly #exited: Promise<void>;

  /** `onSynced` runs after each completed sync (the counters). */
  constructor(walPath: string, onSynced: () => void) {
    this.#onSynced = onSynced;
    this.#worker = startWorker({ walPath });
    // Kept alive by nothing but a sync in flight (ref'd then): an idle storage never holds the process open.
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

  /** Every commit handed over is synced (or failed); then the thread stops. */
  async close(): Promise<void> {
    if (this.#waiting.length > 0 && !this.#failure) {
      await new Promise<void>((resolve) => {
        this.#drained = resolve;
      });
    }
    if (!this.#failure) {
      // An orderly stop: the exit that follows is no failure.
      this.#failure = new WalSyncError(new Error('the storage was closed'));
      this.#worker.ref();
      this.#worker.postMessage({ seq: 'close' } satisfies WalSyncRequest);
    } else {
      void this.#worker.terminate();
    }
    await this.#exited;
  }

  #request(): void {
    this.#inFlight = this.#committed;
    this.#worker.ref();
    this.#worker.postMessage({ seq: this.#inFlight } satisfies WalSyncRequest);
  }

  #answered({ seq, error }: WalSyncAnswer): void {
    if (this.#failure) return;
    if (error) {
      this.#fail(new WalSyncError(error));
      return;
    }
    this.#inFlight = undefined;
    this.#onSynced();
    while (this.#waiting.length > 0 && (this.#waiting[0]?.seq ?? Number.POSITIVE_INFINITY) <= seq) {
      for (const waiter of this.#waiting.shift()?.waiters ?? []) waiter.resolve();
    }
    if (this.#waiting.length > 0) {
      this.#request(); // commits made while that sync ran: one more covers them all
    } else {
      this.#worker.unref();
      this.#drained?.();
    }
  }

  /** Fails closed: every caller waiting for a sync fails, and so will every later one. */
  #fail(failure: WalSyncError): void {
    if (this.#failure) return;
    this.#failure = failure;
    this.#inFlight = undefined;
    for (const { waiters } of this.#waiting.splice(0)) {
      for (const waiter of waiters) waiter.reject(failure);
    }
    this.#worker.unref();
    this.#drained?.();
  }
}
