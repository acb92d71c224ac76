// Counts the commits a dialect makes (PostgreSQL): each transaction, and each
// write outside one, is a commit of its own. Tests prove "one commit per
// login" with the counts (docs/adr/0006); SQLite counts in its own driver.

import type {
  CompiledQuery,
  DatabaseConnection,
  DatabaseIntrospector,
  Dialect,
  DialectAdapter,
  Driver,
  Kysely,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';
import { CurrentSchemaIntrospector } from './current-schema-introspector.ts';
import type { WriteCounters } from './sqlite-group-commit.ts';

const READS = new Set(['SelectQueryNode']);

class CountedConnection implements DatabaseConnection {
  inTransaction = false;

  constructor(
    readonly inner: DatabaseConnection,
    private readonly counters: WriteCounters,
  ) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (!this.inTransaction && !READS.has(query.query.kind)) {
      this.counters.units++;
      this.counters.commits++;
    }
    return this.inner.executeQuery(query);
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery(query, chunkSize);
  }
}

class CountingDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly counters: WriteCounters,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new CountedConnection(await this.inner.acquireConnection(), this.counters);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection((connection as CountedConnection).inner);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await this.inner.beginTransaction((connection as CountedConnection).inner, settings);
    (connection as CountedConnection).inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    (connection as CountedConnection).inTransaction = false;
    await this.inner.commitTransaction((connection as CountedConnection).inner);
    this.counters.units++;
    this.counters.commits++;
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    (connection as CountedConnection).inTransaction = false;
    await this.inner.rollbackTransaction((connection as CountedConnection).inner);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

export class CountingDialect implements Dialect {
  constructor(
    private readonly inner: Dialect,
    private readonly counters: WriteCounters,
    /** Introspect the connection's own schema only (PostgreSQL: current-schema-introspector.ts). */
    private readonly currentSchemaOnly = false,
  ) {}

  createAdapter(): DialectAdapter {
    return this.inner.createAdapter();
  }

  createDriver(): Driver {
    return new CountingDriver(this.inner.createDriver(), this.counters);
  }

  createQueryCompiler(): QueryCompiler {
    return this.inner.createQueryCompiler();
  }

  // biome-ignore lint/suspicious/noExplicitAny: Kysely's own signature.
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return this.currentSchemaOnly ? new CurrentSchemaIntrospector(db) : this.inner.createIntrospector(db);
  }
}
