/** Private DuckDB helpers of the run registry: the process's in-memory database, a connection per call. */
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";

/** The in-memory database, created on first use (creating one costs tens of ms; a connection, far less). */
let memory: Promise<DuckDBInstance> | undefined;
let calls = 0;

/**
 * Runs `fn` with a new connection to the process's in-memory DuckDB (no file, no lock), closed
 * afterwards, and a table name unique to this call (`scratch`): calls may run concurrently, so a
 * call creates its table under that name only, as a TEMP table (dropped with the connection).
 */
export async function withMemoryDb<T>(
  fn: (conn: DuckDBConnection, scratch: string) => Promise<T>,
): Promise<T> {
  memory ??= DuckDBInstance.create(":memory:");
  const conn = await (await memory).connect();
  try {
    return await fn(conn, `scratch_${++calls}`);
  } finally {
    conn.closeSync();
  }
}

/** A SQL string literal: `'…'` with embedded quotes doubled. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** A SQL identifier: `"…"` with embedded quotes doubled. */
export function sqlIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
