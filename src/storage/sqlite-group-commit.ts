// Kysely's SQLite driver, with group commit and a statement cache (issue 16;
// docs/adr/0006-one-commit-per-login.md).
//
// better-sqlite3 is one connection and synchronous: a commit at
// `synchronous=FULL` is an fsync on the event loop. So the writes of every
// request ready at the same moment share one: a write transaction runs inside
// a SAVEPOINT of an open batch (`BEGIN IMMEDIATE`), and the batch commits once
// the requests queued for the connection have had their turn (a bounded
// number of grants per event-loop turn, GRANTS_PER_TURN). Each caller's commit
// resolves only after its batch committed, so no answer leaves before its
// writes are durable. A caller that fails rolls back to its own savepoint and
// no further: the others in the batch keep their writes. A write outside a
// transaction joins the batch the same way. Reads run at once on the one
// connection, and may see writes of a batch still committing (docs/adr/0006
// says why that is safe here).
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

/** Counts of what reached the database: tests prove "one commit per login" with them. */
export interface WriteCounters {
  /** What would each be a commit without group commit: committed transactions, and writes outside one. */
  units: number;
  /** Commits the database file actually made (batches on SQLite). */
  commits: number;
}

const STATEMENT_CACHE_SIZE = 500;
const TRANSACTION = 'latchkey_tx';
const PRAGMA = /^\s*pragma\b/i;

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

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
  readonly #queue: Array<() => void> = [];
  #grants = 0;
  #turnScheduled = false;

  async lock(): Promise<void> {
    if (!this.#held && this.#queue.length === 0 && this.#grants < GRANTS_PER_TURN) {
      this.#grant();
      return;
    }
    await new Promise<void>((resolve) => this.#queue.push(resolve));
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
    next();
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

class GroupCommitDriver implements Driver {
  readonly #file: SqliteFile;
  readonly #counters: WriteCounters;
  readonly #statements = new Map<string, Statement>();
  readonly #turnstile = new Turnstile();
  #batch: Batch | undefined;

  constructor(file: SqliteFile, counters: WriteCounters) {
    this.#file = file;
    this.#counters = counters;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#turnstile.lock();
    return new BatchConnection(this);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    if (!(connection as BatchConnection).handedBack) this.#turnstile.unlock();
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
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

  async destroy(): Promise<void> {
    await this.#turnstile.lock();
    try {
      this.#commit();
    } finally {
      this.#file.close();
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
  beginLoneWrite(): void {
    this.#openBatch();
    this.#counters.units++;
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
    connection.handedBack = true;
    this.#turnstile.unlock();
    await committed;
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
    await this.#turnstile.lock();
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
      this.run('commit');
    } catch (error) {
      if (this.#file.inTransaction) this.run('rollback');
      this.#fail(error);
      return;
    }
    this.#batch = undefined;
    this.#counters.commits++;
    for (const waiter of batch.waiters) waiter.resolve();
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
    const statement = this.driver.statement(query.sql);
    // A PRAGMA sets the connection and writes no row: at once, outside a batch (journal_mode cannot change in one).
    if (this.inTransaction || statement.readonly || PRAGMA.test(query.sql)) return this.execute(query, statement);
    this.driver.beginLoneWrite();
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
  ) {}

  createAdapter(): DialectAdapter {
    return new SerialSqliteAdapter();
  }

  createDriver(): Driver {
    return new GroupCommitDriver(this.file, this.counters);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  // biome-ignore lint/suspicious/noExplicitAny: Kysely's own signature.
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
