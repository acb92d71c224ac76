// The pool Kysely's PostgresDialect draws from. Every statement with
// parameters goes out as a named (prepared) statement, so each connection
// has PostgreSQL parse and plan it once, then only binds and executes it:
// measured, this more than halves the backend's CPU per statement and trims
// the client's (less to send and to describe). Statements without parameters
// (begin, commit, migrations) keep the simple protocol, which allows several
// statements in one text.
//
// A transaction's BEGIN waits for its first statement and goes out with it,
// in one message sequence (issue 16): a login's transaction is a handful of
// statements, and every round trip to PostgreSQL costs both processes a write
// and a read (on loopback TCP the largest single cost of a statement in a
// login's profile). The two share one Sync, so if BEGIN failed the statement
// would not run at all: it never runs outside the transaction it was meant for.
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import pg from 'pg';

/**
 * Distinct statement texts given a name, per process. Queries are built from
 * code, so their texts are few; the bound keeps a text that varies (a list of
 * n placeholders) from growing each connection's statements without end: past
 * it, new texts go unnamed.
 */
export const NAMED_STATEMENTS_MAX = 1000;

/**
 * "cached plan must not change result type": a table a prepared statement
 * reads changed shape under it (another instance migrated). That connection's
 * statements are stale, so it is dropped instead of returned to the pool.
 */
const STALE_PLAN = '0A000';

export class NamedStatementPool implements PostgresPool {
  readonly #names = new Map<string, string>();
  readonly #clients = new WeakMap<pg.PoolClient, NamedStatementClient>();

  constructor(readonly pool: pg.Pool) {}

  async connect(): Promise<PostgresPoolClient> {
    const client = await this.pool.connect();
    let wrapped = this.#clients.get(client);
    if (!wrapped) {
      wrapped = new NamedStatementClient(client, (text) => this.#name(text));
      this.#clients.set(client, wrapped);
    }
    return wrapped;
  }

  end(): Promise<void> {
    return this.pool.end();
  }

  #name(text: string): string | undefined {
    let name = this.#names.get(text);
    if (name === undefined && this.#names.size < NAMED_STATEMENTS_MAX) {
      name = `lk${this.#names.size + 1}`;
      this.#names.set(text, name);
    }
    return name;
  }
}

/** What Kysely's PostgresDriver sends to open a transaction without settings. */
const BEGIN = 'begin';
/** What ends one: with no statement since the deferred BEGIN, there is nothing to commit or roll back. */
const ENDS = new Set(['commit', 'rollback']);

class NamedStatementClient implements PostgresPoolClient {
  #stale = false;
  /** A BEGIN not yet sent: it goes out with the next statement. */
  #beginDeferred = false;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly nameOf: (text: string) => string | undefined,
  ) {}

  // biome-ignore lint/suspicious/noExplicitAny: Kysely's overloads (a query, or a cursor).
  query(sqlOrCursor: any, parameters?: ReadonlyArray<unknown>): any {
    if (typeof sqlOrCursor !== 'string') {
      // A cursor (Kysely's streamQuery; no dialect here is given one) has a protocol of its own.
      if (this.#beginDeferred) throw new Error('a cursor cannot open a transaction');
      return this.client.query(sqlOrCursor);
    }
    const values = parameters ? [...parameters] : [];
    if (values.length === 0 && sqlOrCursor === BEGIN && !this.#beginDeferred) {
      this.#beginDeferred = true;
      return Promise.resolve(completed('BEGIN'));
    }
    if (!this.#beginDeferred) return this.#run(sqlOrCursor, values);
    this.#beginDeferred = false;
    if (values.length === 0 && ENDS.has(sqlOrCursor)) return Promise.resolve(completed(sqlOrCursor.toUpperCase()));
    // A statement without parameters keeps the simple protocol (it may be several): BEGIN goes first.
    if (values.length === 0) return this.#run(BEGIN, []).then(() => this.#run(sqlOrCursor, values));
    return this.#run(sqlOrCursor, values, true);
  }

  release(destroy?: boolean): void {
    this.#beginDeferred = false;
    this.client.release(Boolean(destroy) || this.#stale);
  }

  #run(text: string, values: unknown[], afterBegin = false): Promise<PostgresQueryResult<unknown>> {
    const sent: Promise<PostgresQueryResult<unknown>> =
      values.length === 0
        ? (this.client.query(text) as Promise<PostgresQueryResult<unknown>>)
        : // pg hands a query object back instead of a promise: its callback settles this one.
          new Promise((resolve, reject) => {
            const statement = new Statement(this.nameOf(text), text, values, afterBegin, (error, result) => {
              // The statement failed before BEGIN ran (its Parse, which goes first):
              // no transaction is open, so BEGIN waits for the next statement again.
              // Else a caller that catches the error and carries on would run the
              // rest in autocommit. (A value pg cannot bind fails after BEGIN was
              // sent: the next statement's BEGIN then only draws a warning.)
              if (error && afterBegin && !statement.beginAnswered) this.#beginDeferred = true;
              if (error) reject(error);
              else resolve(result);
            });
            this.client.query(statement);
          });
    return sent.catch((error: unknown) => {
      // A stale plan, or a connection whose replies no longer match what was sent: not reused.
      if ((error as { code?: string }).code === STALE_PLAN || error instanceof UnexpectedReply) this.#stale = true;
      throw error;
    });
  }
}

function completed(command: string): PostgresQueryResult<unknown> {
  return { command, rowCount: 0, rows: [] } as unknown as PostgresQueryResult<unknown>;
}

/** pg's connection as a query writes to it (pg does not type these). */
interface WireConnection {
  parse(config: { text: string; name?: string }): void;
  bind(config: object): void;
  execute(config: object): void;
  submittedNamedStatements: Record<string, string>;
}

/** The pg.Query internals this subclass extends (not in pg's types). */
interface QueryInternals {
  name?: string | undefined;
  readonly text: string;
  prepare(connection: WireConnection): void;
  hasBeenParsed(connection: WireConnection): boolean;
  handleCommandComplete(message: { text?: unknown }, connection: WireConnection): void;
}

type Settled = (error: Error | null, result: PostgresQueryResult<unknown>) => void;

/**
 * The pg.Query members `Statement` overrides or calls, checked when this
 * module loads: they are pg's internals, not its API, and a pg whose Query
 * lacked one would otherwise send each statement without its BEGIN (in
 * autocommit) without a word. pg is pinned to an exact version in package.json
 * for the same reason: an upgrade is a deliberate step that re-reads this file.
 */
const QUERY_INTERNALS = ['prepare', 'hasBeenParsed', 'handleCommandComplete', 'handleError'] as const;

/** Throws, naming them, when `prototype` (pg.Query's) lacks any of the internals `Statement` relies on. */
export function assertQueryInternals(prototype: object): void {
  const members = prototype as Record<string, unknown>;
  const missing = QUERY_INTERNALS.filter((name) => typeof members[name] !== 'function');
  if (missing.length > 0) {
    throw new Error(
      `pg.Query lacks ${missing.join(', ')}, which src/storage/postgres-pool.ts extends: this pg version does not fit it`,
    );
  }
}
assertQueryInternals(pg.Query.prototype);

/** A reply in BEGIN's place that is not BEGIN's: the statement's result cannot be trusted. */
class UnexpectedReply extends Error {}

const QueryBase = pg.Query as unknown as new (
  text: string,
  values: unknown[],
  callback: Settled,
) => QueryInternals & pg.Submittable;

/**
 * A statement with parameters, named (prepared once per connection) unless
 * past NAMED_STATEMENTS_MAX. Built from its text, not from a config object:
 * pg copies a config object property by property (3 µs a query, measured,
 * against 0.4 µs), and a login runs ten of them.
 *
 * With `beginFirst`, BEGIN goes out in the same message sequence, ending in
 * one Sync: the statement's Parse if this connection has not parsed it yet,
 * then Parse/Bind/Execute of BEGIN (its CommandComplete is the transaction's,
 * not the statement's result), then the statement's Bind/Describe/Execute as
 * pg sends them. An error skips the rest up to the Sync, so the statement runs
 * in the transaction or not at all. (The Parse goes first because pg counts
 * a named statement parsed at the first ParseComplete it sees: BEGIN's must
 * not be taken for it.)
 */
export class Statement extends QueryBase {
  readonly #beginFirst: boolean;
  #beginAnswered = false;
  readonly #reply: { unexpected?: UnexpectedReply };

  constructor(name: string | undefined, text: string, values: unknown[], beginFirst: boolean, settled: Settled) {
    // pg calls back once the Sync is answered; an unexpected reply turns a success into its error.
    const reply: { unexpected?: UnexpectedReply } = {};
    super(text, values, (error, result) => settled(error ?? reply.unexpected ?? null, result));
    this.#reply = reply;
    this.name = name;
    this.#beginFirst = beginFirst;
  }

  /** Whether the BEGIN sent with this statement ran (its CommandComplete came). */
  get beginAnswered(): boolean {
    return this.#beginAnswered;
  }

  override prepare(connection: WireConnection): void {
    if (this.#beginFirst) {
      if (this.name && !this.hasBeenParsed(connection)) {
        connection.parse({ text: this.text, name: this.name });
        // As pg's own prepare records it: the statement's Parse below is skipped.
        connection.submittedNamedStatements[this.name] = this.text;
      }
      connection.parse({ text: BEGIN });
      connection.bind({});
      connection.execute({});
    }
    super.prepare(connection);
  }

  override handleCommandComplete(message: { text?: unknown }, connection: WireConnection): void {
    if (this.#beginFirst && !this.#beginAnswered) {
      this.#beginAnswered = true;
      // Only BEGIN's own reply is swallowed. Anything else in its place means the
      // replies no longer match what was sent (a pg that orders them otherwise):
      // the query fails, and its connection is dropped, rather than pass off
      // another command's result as the statement's.
      if (message.text !== 'BEGIN') {
        this.#reply.unexpected = new UnexpectedReply(`expected BEGIN's CommandComplete, got ${String(message.text)}`);
      }
      return;
    }
    super.handleCommandComplete(message, connection);
  }
}
