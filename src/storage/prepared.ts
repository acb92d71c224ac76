// Queries built and compiled once, then run with only their parameters
// substituted (issue 16): building a Kysely query and compiling it cost about a
// quarter of a login's CPU, for SQL that is the same every time.
//
//   const byHash = prepared((db, p: { hash: string }) =>
//     db.selectFrom('sessions').selectAll().where('token_hash', '=', p.hash));
//   const row = await byHash.first(db, { hash });
//
// `p.hash` is a placeholder while the query is built; after compiling, the
// parameter list is a map from positions to names (or to values fixed in the
// builder), so a run only fills an array. The SQL is compiled per Kysely
// instance and plugin list: a Kysely and its transactions share one dialect
// adapter, which keys the cache, so SQL compiled for SQLite never reaches
// PostgreSQL. Plugins transform the query when it is compiled and the result
// of every run, as with a query built anew.
//
// Only values may be parameters. Anything that changes the SQL's shape (an
// optional column left undefined, an IN list, `is null`) must be decided in
// the builder, or be a separate prepared query: a placeholder for a list or
// beside `is` throws when the query is compiled, an undefined value when run.
import type {
  Compilable,
  CompiledQuery,
  DialectAdapter,
  InferResult,
  KyselyPlugin,
  OperationNode,
  QueryResult,
} from 'kysely';
import type { Executor } from './executor.ts';

/** Stands in for a parameter while the query is built. */
class Placeholder {
  constructor(readonly name: string) {}
}

interface Compiled {
  readonly plugins: readonly KyselyPlugin[];
  readonly query: CompiledQuery;
  /** Per parameter position: the name of the value a run gives, or undefined for a value fixed in the builder. */
  readonly names: ReadonlyArray<string | undefined>;
}

/** Operators beside which a parameter cannot stand for what a caller might pass (a list, null). */
const SHAPE_OPERATORS = new Set(['in', 'not in', 'is', 'is not']);

/** A row of the result, as Kysely's InferResult types it (which requires `Compilable<any>`). */
type Row<C extends Compilable> = C extends Compilable<infer O> ? InferResult<Compilable<O>>[number] : never;

export class PreparedQuery<P, C extends Compilable> {
  readonly #build: (db: Executor, p: P) => C;
  readonly #compiled = new WeakMap<DialectAdapter, Compiled[]>();

  constructor(build: (db: Executor, p: P) => C) {
    this.#build = build;
  }

  /** Every row. */
  async all(db: Executor, params: P): Promise<Array<Row<C>>> {
    return (await this.#run(db, params)).rows;
  }

  /** The first row, or undefined. */
  async first(db: Executor, params: P): Promise<Row<C> | undefined> {
    return (await this.#run(db, params)).rows[0];
  }

  /** Rows inserted, updated or deleted (with `returning` on SQLite: the rows returned). */
  async changed(db: Executor, params: P): Promise<number> {
    const result = await this.#run(db, params);
    return result.numAffectedRows === undefined ? result.rows.length : Number(result.numAffectedRows);
  }

  /** The compiled query this executor runs (its parameters are the builder's placeholders). */
  compiledFor(db: Executor): CompiledQuery {
    return this.#for(db).query;
  }

  #run(db: Executor, params: P): Promise<QueryResult<Row<C>>> {
    const { query, names } = this.#for(db);
    const parameters = query.parameters.slice();
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      if (name === undefined) continue;
      const value = (params as Record<string, unknown>)[name];
      if (value === undefined) throw new Error(`prepared query: no value for parameter "${name}"`);
      parameters[i] = value;
    }
    return db.executeQuery<Row<C>>({ ...query, parameters });
  }

  #for(db: Executor): Compiled {
    const executor = db.getExecutor();
    const plugins = executor.plugins;
    let variants = this.#compiled.get(executor.adapter);
    if (!variants) {
      variants = [];
      this.#compiled.set(executor.adapter, variants);
    }
    for (const variant of variants) if (samePlugins(variant.plugins, plugins)) return variant;
    const compiled = this.#compile(db, plugins);
    variants.push(compiled);
    return compiled;
  }

  #compile(db: Executor, plugins: readonly KyselyPlugin[]): Compiled {
    const placeholders = new Map<string, Placeholder>();
    const p = new Proxy(
      {},
      {
        get(_, name) {
          if (typeof name !== 'string') return undefined;
          let placeholder = placeholders.get(name);
          if (!placeholder) {
            placeholder = new Placeholder(name);
            placeholders.set(name, placeholder);
          }
          return placeholder;
        },
      },
    ) as P;
    const query = this.#build(db, p).compile();
    refuseShapeParameters(query.query);
    const used = new Set<string>();
    const names = query.parameters.map((value) => {
      if (value instanceof Placeholder) {
        used.add(value.name);
        return value.name;
      }
      if (containsPlaceholder(value)) throw new Error('prepared query: a parameter is nested in a value');
      return undefined;
    });
    for (const name of placeholders.keys()) {
      if (!used.has(name)) throw new Error(`prepared query: "${name}" is not a parameter of the compiled SQL`);
    }
    return { plugins: [...plugins], query, names };
  }
}

/**
 * The values of a whole-row INSERT, checked to name every field of the row
 * type (`{ … } satisfies EveryColumn<Row>`): Kysely drops a nullable column
 * left out, so a column added to the table and forgotten in the list would go
 * unwritten; with this it does not compile.
 */
export type EveryColumn<R> = { [K in keyof R]-?: unknown };

/** A query built once per database, run with `all`, `first` or `changed`. */
export function prepared<P extends object, C extends Compilable>(
  build: (db: Executor, p: P) => C,
): PreparedQuery<P, C> {
  return new PreparedQuery(build);
}

function samePlugins(a: readonly KyselyPlugin[], b: readonly KyselyPlugin[]): boolean {
  return a.length === b.length && a.every((plugin, i) => plugin === b[i]);
}

function refuseShapeParameters(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) refuseShapeParameters(item);
    return;
  }
  if (typeof node !== 'object' || node === null || typeof (node as OperationNode).kind !== 'string') return;
  const record = node as Record<string, unknown> & OperationNode;
  if (record.kind === 'ValueNode') return;
  if (record.kind === 'BinaryOperationNode') {
    const operator = (record.operator as { operator?: string }).operator;
    const right = record.rightOperand as { kind: string; value?: unknown };
    if (operator && SHAPE_OPERATORS.has(operator) && right.kind === 'ValueNode' && right.value instanceof Placeholder) {
      throw new Error(`prepared query: "${right.value.name}" cannot be a parameter of "${operator}"`);
    }
  }
  for (const value of Object.values(record)) refuseShapeParameters(value);
}

function containsPlaceholder(value: unknown): boolean {
  if (value instanceof Placeholder) return true;
  if (Array.isArray(value)) return value.some(containsPlaceholder);
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value).some(containsPlaceholder);
  }
  return false;
}
