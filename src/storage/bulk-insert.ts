// Many rows into one table (the bulk seed, issue 16): multi-row INSERTs whose
// SQL text Kysely builds and compiles once per call and row count; each chunk
// then runs that compiled query with its own parameters. Building a Kysely
// query of 500 rows per chunk cost more than SQLite's own work, and the same
// SQL text is what lets the SQLite driver reuse its prepared statement.
import type { CompiledQuery, Insertable } from 'kysely';
import type { Executor } from './executor.ts';
import type { Database } from './schema.ts';

/** Rows per statement: 500 × ≤ 12 columns stays far under SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
const ROWS_PER_STATEMENT = 500;

/** Inserts `rows` (all with the same columns) in statements of ROWS_PER_STATEMENT rows. */
export async function insertMany<T extends keyof Database & string>(
  db: Executor,
  table: T,
  rows: ReadonlyArray<Insertable<Database[T]>>,
): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const columns = Object.keys(first) as Array<keyof typeof first>;
  const compiled = new Map<number, CompiledQuery>();
  for (let at = 0; at < rows.length; at += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(at, at + ROWS_PER_STATEMENT);
    const parameters: unknown[] = [];
    for (const row of chunk) for (const column of columns) parameters.push(row[column]);
    let query = compiled.get(chunk.length);
    if (!query) {
      // biome-ignore lint/suspicious/noExplicitAny: Kysely cannot type values() for a table chosen by a type parameter.
      query = (db.insertInto(table) as any).values(chunk).compile() as CompiledQuery;
      // Kysely lists the parameters row by row, column by column: if not, stop rather than misplace values.
      if (query.parameters.length !== parameters.length || query.parameters.some((p, i) => p !== parameters[i])) {
        throw new Error(`insertMany(${table}): the rows do not all have the same columns`);
      }
      compiled.set(chunk.length, query);
    }
    await db.executeQuery({ ...query, parameters });
  }
}
