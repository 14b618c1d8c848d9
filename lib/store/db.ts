import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { SCHEMA_SQL, TABLES } from "./schema.ts";
import { envOr } from "../util/env.ts";

/** Default location of the embedded store (`QUANTNB_DB` overrides it). */
export const DEFAULT_DB: string = envOr("QUANTNB_DB", "data/quant.duckdb");

/** An open store: one DuckDB instance and a connection on it. */
export interface Store {
  readonly path: string;
  readonly readOnly: boolean;
  readonly conn: DuckDBConnection;
  close(): void;
}

/**
 * Opens the DuckDB store at `path` (`":memory:"` for tests). Read-write opens create the schema (and
 * add tables a store written by an older version lacks); read-only opens of such a store see those
 * tables empty (as temp tables). Open read-only wherever you only read: a read-write handle held open
 * blocks every other process.
 *
 * @example
 * ```ts
 * const store = await openStore(":memory:");
 * await store.conn.run("SELECT count(*) FROM prices");
 * store.close();
 * ```
 */
export async function openStore(path = DEFAULT_DB, { readOnly = false } = {}): Promise<Store> {
  if (path !== ":memory:") {
    if (readOnly) await assertExists(path);
    else await Deno.mkdir(dirOf(path), { recursive: true });
  }
  const instance = await DuckDBInstance.create(path, readOnly ? { access_mode: "READ_ONLY" } : {});
  const conn = await instance.connect();
  if (!readOnly) await conn.run(SCHEMA_SQL);
  else await addMissingTablesAsTemp(conn);
  return {
    path,
    readOnly,
    conn,
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

/** In a read-only store, the schema's tables it lacks, created empty in the connection's temp schema. */
async function addMissingTablesAsTemp(conn: DuckDBConnection): Promise<void> {
  const present = new Set(
    (await conn.runAndReadAll("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'"))
      .getRows().map((r) => String(r[0])),
  );
  for (const statement of SCHEMA_SQL.split(";")) {
    const table = /CREATE TABLE IF NOT EXISTS (\w+)/.exec(statement)?.[1];
    if (table && TABLES.includes(table) && !present.has(table)) {
      await conn.run(statement.replace("CREATE TABLE IF NOT EXISTS", "CREATE TEMP TABLE"));
    }
  }
}

/** Runs `body` inside one transaction: committed when it resolves, rolled back when it throws. */
export async function inTransaction<T>(conn: DuckDBConnection, body: () => Promise<T>): Promise<T> {
  await conn.run("BEGIN TRANSACTION");
  try {
    const result = await body();
    await conn.run("COMMIT");
    return result;
  } catch (error) {
    await conn.run("ROLLBACK");
    throw error;
  }
}

/** Runs a query and returns its rows as plain JS objects (dates as `Date`, big ints as numbers). */
export async function queryRows(
  conn: DuckDBConnection,
  sql: string,
): Promise<Record<string, unknown>[]> {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRowObjectsJS().map((row) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) out[k] = typeof v === "bigint" ? Number(v) : v;
    return out;
  });
}

/** Quotes a string as a SQL literal. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function dirOf(path: string): string {
  const k = path.lastIndexOf("/");
  return k <= 0 ? "." : path.slice(0, k);
}

async function assertExists(path: string): Promise<void> {
  try {
    await Deno.stat(path);
  } catch {
    throw new Error(`store not found: ${path} (run \`deno task demo\` or \`deno task ingest\` first)`);
  }
}
