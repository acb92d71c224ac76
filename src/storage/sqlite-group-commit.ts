// Kysely's SQLite driver, with group commit and a statement cache (issue 16;
// docs/adr/0006-one-commit-per-login.md).
//
// better-sqlite3 is one connection and synchronous. So the writes of every
// request ready at the same moment share one commit: a write transaction runs
// inside a SAVEPOINT of an open batch (`BEGIN IMMEDIATE`), and the batch
// commits once the requests queued for the connection have had their turn (a
// bounded number of grants per event-loop turn, GRANTS_PER_TURN). At FULL or
// EXTRA the connection runs NORMAL and the WAL is synced off the event loop
// (wal-sync.ts): each caller's commit resolves only after its batch committed
// and a sync that started after that COMMIT completed, so no answer leaves
// before its writes are durable. A caller that fails rolls back to its own
// savepoint and no further: the others in the batch keep their writes. A
// write outside a transaction joins the batch the same way. Reads run at once
// on the one connection, and may see writes of a batch still committing or
// syncing (docs/adr/0006 says why that is safe here). Checkpoints run on the
// same thread as the syncs: once the WAL has grown by CHECKPOINT_PAGES, the
// next write batch waits (reads go on) until a checkpoint has copied the WAL
// into the database file, so that batch starts the WAL over.
import type { Database as SqliteFile, Statement } from 'better-sqlite3';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import type { SqliteSynchronous } from '../config.ts';
import { type CheckpointResult, type Waiter, WalSync } from './wal-sync.ts';

/** Counts of what reached the database: tests prove "one commit per login" with them. */
export interface WriteCounters {
  /** What would each be a commit without group commit: committed transactions, and writes outside one. */
  units: number;
  /** Commits the database file actually made (batches on SQLite). */
  commits: number;
  /** SQLite at FULL or EXTRA: syncs of the WAL made off the event loop, each covering every commit before it. */
  syncs: number;
  /** SQLite in WAL mode: checkpoints made off the event loop, by the WAL thread. */
  checkpoints: number;
  /**
   * Checkpoints the WAL thread did not make, seen as frames copied during a
   * COMMIT: SQLite's own autocheckpoint on the event loop (the bound, should
   * the WAL not start over), or another process's checkpoint.
   */
  otherCheckpoints: number;
}

/** Reports a checkpoint that failed without harm: SQLite's code and message, nothing from the data. */
export type StorageWarning = (
  message: string,
  detail: { readonly code: string | undefined; readonly reason: string },
) => void;

const STATEMENT_CACHE_SIZE = 500;
const TRANSACTION = 'latchkey_tx';
const PRAGMA = /^\s*pragma\b/i;

interface Batch {
  readonly waiters: Waiter[];
}

/**
 * Grants of the connection per turn of the event loop. libuv accepts one new
 * TCP connection per turn (libuv#3696), so a turn that ran every ready
 * request to its commit kept a burst of new connections waiting for seconds
 * while the connections already open were served again and again (issue 16:
 * p99 17× the p50). A login takes about six grants (its reads, then its
 * transaction), so a turn runs about two logins' database work before the
 * loop comes round to accept, read and write sockets again.
 */
export const GRANTS_PER_TURN = 12;

/**
 * A FIFO lock on the one connection: the batch's commit queues behind the
 * requests already waiting, so they join it. At most GRANTS_PER_TURN grants
 * per turn of the event loop; the next waiters resume in the next turn.
 */
class Turnstile {
  #held = false;
  readonly #queue: Waiter[] = [];
  #grants = 0;
  #turnScheduled = false;
  /** Set by the close that took the connection for good: every later lock fails with it. */
  #closed: Error | undefined;

  async lock(): Promise<void> {
    if (this.#closed) throw this.#closed;
    if (!this.#held && this.#queue.length === 0 && this.#grants < GRANTS_PER_TURN) {
      this.#grant();
      return;
    }
    await new Promise<void>((resolve, reject) => this.#queue.push({ resolve, reject }));
  }

  /** Held by the closer, never handed on: whoever waits, or comes, fails instead of waiting forever. */
  close(error: Error): void {
    this.#closed = error;
    for (const waiter of this.#queue.splice(0)) waiter.reject(error);
  }

  unlock(): void {
    this.#held = false;
    this.#handOn();
  }

  #handOn(): void {
    if (this.#held || this.#grants >= GRANTS_PER_TURN) return; // the next turn hands on
    const next = this.#queue.shift();
    if (!next) return;
    this.#grant();
    next.resolve();
  }

  #grant(): void {
    this.#held = true;
    this.#grants++;
    if (this.#turnScheduled) return;
    this.#turnScheduled = true;
    // Runs once the loop has polled its sockets (check phase): a new turn, a new allowance.
    setImmediate(() => {
      this.#turnScheduled = false;
      this.#grants = 0;
      this.#handOn();
    });
  }
}

/** `PRAGMA synchronous` answers a number: 1 is NORMAL. */
const NORMAL = 1;

/**
 * WAL pages (frames) written since the last checkpoint after which the next
 * write batch waits for one on the WAL thread: four times SQLite's default
 * autocheckpoint (a WAL of 16 MiB at 4 KiB pages). A checkpoint copies each
 * page once however many commits changed it, and syncs the database file
 * once: at 1,000 pages the checkpoints of logins spread over a million
 * accounts copied and synced nearly a page per frame, four times as often.
 * Measured in alternating pairs at 1 M accounts: 17-22% more logins/s and
 * 15-23% less CPU per login than at 1,000 (at 5 k accounts 2-14% more).
 */
export const CHECKPOINT_PAGES = 4000;
/**
 * SQLite's autocheckpoint on the main connection, kept as the bound: it runs
 * (in a COMMIT, on the event loop) only when the WAL did not start over after
 * the thread's checkpoints: another process reading an old snapshot, or a
 * checkpoint that failed without harm. A batch adds far fewer pages than
 * CHECKPOINT_PAGES, so it is not reached otherwise.
 */
const WAL_BOUND_PAGES = 2 * CHECKPOINT_PAGES;
/** Reads the WAL's size from shared memory: no lock, no copy (the NOOP mode of SQLite's checkpoint). */
const WAL_SIZE = 'pragma wal_checkpoint(noop)';
/**
 * The first SQLite with that NOOP mode (SQLITE_CHECKPOINT_NOOP). An older one
 * reads the unknown mode as PASSIVE: a real checkpoint on the event loop
 * after every commit. better-sqlite3 bundles a newer one (3.53 in 12.11), but
 * it can be built against the system's SQLite: init refuses an older one.
 */
const NOOP_CHECKPOINT_SINCE = [3, 51, 0] as const;

/** Whether this SQLite version (`select sqlite_version()`, "3.53.2") knows `wal_checkpoint(noop)`. */
export function knowsNoopCheckpoint(version: string): boolean {
  const parts = version.split('.').map(Number);
  for (const [i, least] of NOOP_CHECKPOINT_SINCE.entries()) {
    const part = parts[i] ?? 0;
    if (Number.isNaN(part)) return false;
    if (part !== least) return part > least;
  }
  return true;
}

class GroupCommitDriver implements Driver {
  readonly #file: SqliteFile;
  readonly #counters: WriteCounters;
  readonly #synchronous: SqliteSynchronous;
  readonly #warn: StorageWarning | undefined;
  readonly #statements = new Map<string, Statement>();
  readonly #turnstile = new Turnstile();
  #batch: Batch | undefined;
  /** Syncs the WAL after each commit; started at init when the configured level asks for it. */
  #walSync: WalSync | undefined;
  /** Whether the connection is in the state #walSync makes durable (WAL, NORMAL): else SQLite syncs as set. */
  #syncing = false;
  /** Whether the connection is in WAL mode: checkpoints are the thread's. */
  #wal = false;
  /** The checkpoint the next write batch waits for, while one runs. */
  #checkpointing: Promise<void> | undefined;
  /** A failed commit's ROLLBACK failed too: the connection is left in that transaction, unusable. */
  #broken: Error | undefined;
  /** WAL frames the last checkpoint of the thread went up to (0 once the WAL started over). */
  #checkpointedTo = 0;
  /** Frames copied into the database file, as last seen: more after a COMMIT is another checkpoint. */
  #backfilled = 0;

  constructor(file: SqliteFile, counters: WriteCounters, synchronous: SqliteSynchronous, warn?: StorageWarning) {
    this.#file = file;
    this.#counters = counters;
    this.#synchronous = synchronous;
    this.#warn = warn;
  }

  /**
   * FULL or EXTRA in WAL mode: the connection runs NORMAL (no fsync in the
   * COMMIT on the event loop) and the WAL is synced by a thread of its own
   * before any caller of a batch resolves (docs/adr/0006 says why that is the
   * same promise). Outside WAL mode SQLite syncs the database file in every
   * COMMIT: the level is set as configured. In WAL mode, at any level, the
   * same thread checkpoints; SQLite's autocheckpoint is only the bound.
   */
  async init(): Promise<void> {
    const wal = this.#file.pragma('journal_mode', { simple: true }) === 'wal';
    const version = this.#file.prepare('select sqlite_version()').pluck().get() as string;
    if (wal && !knowsNoopCheckpoint(version)) {
      throw new Error(
        `SQLite ${version} has no wal_checkpoint(noop) (${NOOP_CHECKPOINT_SINCE.join('.')} and later): it would checkpoint on the event loop after every commit; use better-sqlite3's bundled SQLite`,
      );
    }
    this.#file.pragma(`synchronous = ${wal && this.#synchronous !== 'NORMAL' ? 'NORMAL' : this.#synchronous}`);
    if (wal) {
      this.#file.pragma(`wal_autocheckpoint = ${WAL_BOUND_PAGES}`);
      this.#walSync = new WalSync(this.#file.name, {
        onSynced: () => this.#counters.syncs++,
        onCheckpointWarning: ({ code, message }) =>
          this.#warn?.('a checkpoint of the SQLite WAL failed; the WAL keeps every frame', { code, reason: message }),
      });
    }
    this.afterPragma();
  }

  /**
   * A PRAGMA may have changed the journal mode or the level (`latchkey seed`
   * runs a fresh file without either, then sets them back): syncs follow.
   */
  afterPragma(): void {
    const wal = this.#walSync !== undefined && this.#file.pragma('journal_mode', { simple: true }) === 'wal';
    if (this.#wal && !wal) this.#walSync?.leftWal();
    this.#wal = wal;
    this.#syncing =
      this.#wal && this.#synchronous !== 'NORMAL' && this.#file.pragma('synchronous', { simple: true }) === NORMAL;
  }

  /** A sync failed, or a failed commit could not be rolled back: fail closed, nothing more is read or written on this connection. */
  assertUsable(): void {
    if (this.#broken) throw this.#broken;
    const failure = this.#walSync?.failure;
    if (failure) throw failure;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    this.assertUsable();
    await this.#turnstile.lock();
    return new BatchConnection(this);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    if (!(connection as BatchConnection).handedBack) this.#turnstile.unlock();
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await this.#writable(connection as BatchConnection);
    this.#openBatch();
    this.run(`savepoint ${TRANSACTION}`);
    (connection as BatchConnection).inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const own = connection as BatchConnection;
    this.run(`release ${TRANSACTION}`);
    own.inTransaction = false;
    this.#counters.units++;
    await this.awaitCommit(own);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const own = connection as BatchConnection;
    if (!own.inTransaction) return; // the batch failed under it: nothing of it is left
    own.inTransaction = false;
    if (this.#file.inTransaction) {
      this.run(`rollback to ${TRANSACTION}`);
      this.run(`release ${TRANSACTION}`);
    }
  }

  /**
   * Commits the last batch, waits for its sync, stops the sync thread, closes
   * the file. After a failed sync or checkpoint the file is left open, never
   * closed: the last connection to close checkpoints the WAL into the database
   * file and deletes it, acting on what a failed fsync made untrue (pages the
   * kernel dropped). The process is to be restarted: SQLite then recovers
   * from the WAL on disk and copies every frame again.
   */
  async destroy(): Promise<void> {
    await this.#turnstile.lock();
    // Queries queued behind the close (a connection handed back, a write waiting for a checkpoint) fail now.
    this.#turnstile.close(new Error('the storage was closed'));
    try {
      this.#commit();
      await this.#walSync?.close();
    } finally {
      if (!this.#walSync?.failed) this.#file.close();
    }
  }

  /** A prepared statement, compiled once per SQL text. */
  statement(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (statement) return statement;
    statement = this.#file.prepare(sql);
    if (this.#statements.size >= STATEMENT_CACHE_SIZE) {
      const oldest = this.#statements.keys().next().value as string;
      this.#statements.delete(oldest);
    }
    this.#statements.set(sql, statement);
    return statement;
  }

  run(sql: string): void {
    this.statement(sql).run();
  }

  /** A write outside any transaction: it opens (or joins) the batch. */
  async beginLoneWrite(connection: BatchConnection): Promise<void> {
    await this.#writable(connection);
    this.#openBatch();
    this.#counters.units++;
  }

  /**
   * A PRAGMA. One SQLite calls read-only (reading or setting the connection:
   * synchronous, cache_size) runs at once. Any other (user_version = n writes
   * the file, journal_mode and wal_checkpoint act on the log) runs outside a
   * batch: never answered before an open batch's COMMIT and sync, never
   * inside its transaction (where journal_mode cannot change), and a write of
   * its own (no rows answered) is synced before it is answered, as any commit.
   */
  async pragma<R>(connection: BatchConnection, query: CompiledQuery, statement: Statement): Promise<QueryResult<R>> {
    if (statement.readonly) {
      const result = connection.execute<R>(query, statement);
      this.afterPragma();
      return result;
    }
    if (connection.inTransaction) throw new Error('a PRAGMA that writes or acts on the log runs outside a transaction');
    while (this.#batch) {
      const batch = this.#batch;
      // Settled either way: a batch that failed left nothing open.
      const settled = new Promise<void>((resolve) => batch.waiters.push({ resolve, reject: () => resolve() }));
      await this.#handBackUntil(connection, settled);
      await this.retake(connection);
      this.assertUsable();
    }
    const result = connection.execute<R>(query, statement);
    this.afterPragma();
    const walSync = this.#walSync;
    // One that answers no rows and is not read-only wrote the file (user_version = n): its commit is in the WAL.
    // (journal_mode may have just made a WAL that holds nothing yet: no sync is asked for it, wal-sync-worker.ts.)
    if (!statement.reader && this.#syncing && walSync) {
      await this.#handBackUntil(
        connection,
        new Promise<void>((resolve, reject) => walSync.committed([{ resolve, reject }])),
      );
    }
    return result;
  }

  /** A connection handed back while its holder waited for a commit is taken again for its next query. */
  async retake(connection: BatchConnection): Promise<void> {
    await this.#turnstile.lock();
    connection.handedBack = false;
  }

  /**
   * After a failed statement: when SQLite rolled the whole batch back (a full
   * disk, an I/O error), every caller in it fails, not only this one.
   */
  afterFailure(error: unknown): void {
    if (this.#batch && !this.#file.inTransaction) this.#fail(error);
  }

  /** Hands the connection back, then waits for the batch holding the caller's writes to commit. */
  async awaitCommit(connection: BatchConnection): Promise<void> {
    const batch = this.#batch;
    const committed = batch
      ? new Promise<void>((resolve, reject) => batch.waiters.push({ resolve, reject }))
      : Promise.reject(new Error('the batch holding this write failed'));
    await this.#handBackUntil(connection, committed);
  }

  /**
   * Hands the connection back while `until` settles, so reads and other
   * callers go on meanwhile; the caller's next query takes it again (`retake`).
   */
  #handBackUntil(connection: BatchConnection, until: Promise<void>): Promise<void> {
    connection.handedBack = true;
    this.#turnstile.unlock();
    return until;
  }

  /**
   * Before a write opens a batch: while the thread checkpoints, the caller
   * hands the connection back (reads go on) and waits, then takes it again.
   * The batch that opens after the checkpoint starts the WAL over: SQLite
   * restarts the log in the first write transaction that begins once every
   * frame was copied (`walRestartLog`), and PASSIVE copies them all when no
   * write commits meanwhile.
   */
  async #writable(connection: BatchConnection): Promise<void> {
    while (!this.#batch && this.#checkpointing) {
      await this.#handBackUntil(connection, this.#checkpointing);
      await this.retake(connection);
    }
    this.assertUsable(); // the checkpoint may have failed for good
  }

  /**
   * After a COMMIT: once the WAL has grown by CHECKPOINT_PAGES since the
   * thread's last checkpoint, the thread checkpoints it, and no write batch
   * opens meanwhile (#writable). The WAL's size is SQLite's own answer
   * (`wal_checkpoint(noop)`, ~2 µs); frames copied since the last look that
   * the thread did not copy were a checkpoint in that COMMIT (counted).
   */
  #checkpointIfDue(): void {
    if (!this.#wal || this.#checkpointing) return;
    let size: CheckpointResult;
    try {
      size = this.statement(WAL_SIZE).get() as CheckpointResult;
    } catch {
      return; // the batch is committed, and its callers answered or syncing: SQLite's autocheckpoint stays the bound
    }
    const { log, checkpointed } = size;
    if (log < 0) return; // not in WAL mode after all
    if (checkpointed > this.#backfilled) this.#counters.otherCheckpoints++;
    this.#backfilled = checkpointed;
    if (log < this.#checkpointedTo) this.#checkpointedTo = 0; // the WAL started over
    if (log - this.#checkpointedTo < CHECKPOINT_PAGES) return;
    const walSync = this.#walSync;
    if (!walSync) return;
    this.#checkpointing = walSync.checkpoint().then((result) => {
      this.#checkpointing = undefined;
      // Even when it stopped short (a reader elsewhere) or failed without harm, the next try is CHECKPOINT_PAGES on.
      this.#checkpointedTo = log;
      if (!result) return;
      this.#counters.checkpoints++;
      this.#backfilled = result.checkpointed;
    });
  }

  #openBatch(): void {
    if (this.#batch) return;
    this.run('begin immediate');
    const batch: Batch = { waiters: [] };
    this.#batch = batch;
    // Commits once the callers already queued for the connection had their turn.
    setImmediate(() => void this.#flush(batch));
  }

  async #flush(batch: Batch): Promise<void> {
    // Behind everyone already waiting for the connection: they join this batch first.
    try {
      await this.#turnstile.lock();
    } catch {
      return; // closed: the close committed the batch
    }
    try {
      if (this.#batch === batch) this.#commit();
    } finally {
      this.#turnstile.unlock();
    }
  }

  #commit(): void {
    const batch = this.#batch;
    if (!batch) return;
    try {
      this.assertUsable(); // an earlier sync failed: this batch is not committed after it
      this.run('commit');
    } catch (error) {
      try {
        if (this.#file.inTransaction) this.run('rollback');
      } catch (rollbackError) {
        // The batch's writes are still in an open transaction that reads would see: nothing more is done here.
        this.#broken = new Error('the SQLite connection could not roll a failed commit back', { cause: rollbackError });
      }
      this.#fail(error);
      return;
    }
    this.#batch = undefined;
    this.#counters.commits++;
    if (this.#syncing && this.#walSync) this.#walSync.committed(batch.waiters);
    else for (const waiter of batch.waiters) waiter.resolve();
    this.#checkpointIfDue();
  }

  #fail(error: unknown): void {
    const batch = this.#batch;
    this.#batch = undefined;
    for (const waiter of batch?.waiters ?? []) waiter.reject(error);
  }
}

class BatchConnection implements DatabaseConnection {
  inTransaction = false;
  /** The turnstile was unlocked early, to wait for the commit without holding the connection. */
  handedBack = false;

  constructor(private readonly driver: GroupCommitDriver) {}

  execute<R>(query: CompiledQuery, statement = this.driver.statement(query.sql)): QueryResult<R> {
    try {
      if (statement.reader) return { rows: statement.all(query.parameters as unknown[]) as R[] };
      const { changes, lastInsertRowid } = statement.run(query.parameters as unknown[]);
      return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
    } catch (error) {
      this.driver.afterFailure(error);
      throw error;
    }
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.handedBack) await this.driver.retake(this);
    this.driver.assertUsable();
    const statement = this.driver.statement(query.sql);
    if (PRAGMA.test(query.sql)) return this.driver.pragma(this, query, statement);
    if (this.inTransaction || statement.readonly) return this.execute(query, statement);
    await this.driver.beginLoneWrite(this);
    const result = this.execute<R>(query, statement);
    await this.driver.awaitCommit(this);
    return result;
  }

  // biome-ignore lint/correctness/useYield: nothing here streams (Kysely's interface asks for it).
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported on SQLite here');
  }
}

/**
 * SQLite's adapter here, telling that transactions never overlap: each holds
 * the one connection from its first statement to its commit (the turnstile
 * above), so a row lock would serialise nothing more (`transactionsAreSerial`).
 */
export class SerialSqliteAdapter extends SqliteAdapter {}

export class GroupCommitSqliteDialect implements Dialect {
  constructor(
    private readonly file: SqliteFile,
    private readonly counters: WriteCounters,
    private readonly synchronous: SqliteSynchronous,
    private readonly warn?: StorageWarning,
  ) {}

  createAdapter(): DialectAdapter {
    return new SerialSqliteAdapter();
  }

  createDriver(): Driver {
    return new GroupCommitDriver(this.file, this.counters, this.synchronous, this.warn);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  // biome-ignore lint/suspicious/noExplicitAny: Kysely's own signature.
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
