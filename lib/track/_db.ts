/** Private DuckDB helpers of the run registry: a throwaway in-memory database per call. */
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";

/** Runs `fn` with a connection to a fresh in-memory DuckDB, closed afterwards (no file, no lock). */
export async function withMemoryDb<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  try {
    return await fn(conn);
  } finally {
    conn.closeSync();
    instance.closeSync();
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
