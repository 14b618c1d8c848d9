import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { SCHEMA_SQL, TABLES } from "./schema.ts";
import { envOr } from "../util/env.ts";
import { acquireWriteLock, type LockOptions, processCommand, type WriteLock } from "./lock.ts";

/** Default location of the embedded store (`QUANTNB_DB` overrides it). */
export const DEFAULT_DB: string = envOr("QUANTNB_DB", "data/quant.duckdb");

/** An open store: one DuckDB instance and a connection on it. */
export interface Store {
  readonly path: string;
  readonly readOnly: boolean;
  readonly conn: DuckDBConnection;
  close(): void;
}

/** Options of `openStore`. */
export interface OpenStoreOptions extends LockOptions {
  readOnly?: boolean;
}

/**
 * The store file is held open read-write by another process (DuckDB allows one read-write process,
 * or any number of readers). Names the process and says what to do.
 */
export class StoreBusyError extends Error {
  constructor(readonly store: string, readonly pid: number | undefined, detail: string) {
    const command = pid === undefined ? undefined : processCommand(pid);
    super(
      `store ${store} is open in another process${
        pid === undefined ? "" : ` (PID ${pid}${command ? `: ${command}` : ""})`
      } that blocks this ${detail}. Close it there (a notebook kernel holding a read-write handle: ` +
        `restart it or call store.close()), or wait for it to exit, then retry.`,
    );
    this.name = "StoreBusyError";
  }
}

/**
 * Opens the DuckDB store at `path` (`":memory:"` for tests). Open read-only wherever you only
 * read: readers never block each other nor an atomic load (`writeStore`). A read-write open of a
 * file is a *direct* handle: it takes the store's writer lock for its lifetime and creates the
 * schema (adding tables a store written by an older version lacks), but its commits go through
 * DuckDB's write-ahead log, which is not crash-safe for large loads in DuckDB 1.5.5 — load data
 * with `writeStore`, which is. Read-only opens of an older store see the tables it lacks empty (as
 * temp tables).
 *
 * When another process holds the file in a conflicting mode, retries for `waitMs` (default 5 s
 * for readers, 10 s for writers), then throws a `StoreBusyError` naming that process.
 *
 * @example
 * ```ts
 * const store = await openStore("data/quant.duckdb", { readOnly: true });
 * await store.conn.run("SELECT count(*) FROM prices");
 * store.close();
 * ```
 */
export async function openStore(path = DEFAULT_DB, options: OpenStoreOptions = {}): Promise<Store> {
  const { readOnly = false } = options;
  if (path === ":memory:") return await openDuckDB(path, { readOnly, createSchema: !readOnly });
  if (readOnly) {
    await assertExists(path);
    return await openDuckDB(path, { readOnly: true, waitMs: options.waitMs ?? 5_000 });
  }
  await Deno.mkdir(dirOf(path), { recursive: true });
  const lock = await acquireWriteLock(path, options);
  try {
    return await openDuckDB(path, { readOnly: false, createSchema: true, waitMs: options.waitMs, lock });
  } catch (error) {
    lock.release();
    throw error;
  }
}

/**
 * Opens a DuckDB file or `:memory:` without the writer lock (callers hold it), retrying lock
 * conflicts for `waitMs`; creates the schema when asked. `lock` is released by `close()`.
 */
export async function openDuckDB(
  path: string,
  { readOnly, createSchema = false, waitMs = 10_000, lock }: {
    readOnly: boolean;
    createSchema?: boolean;
    waitMs?: number;
    lock?: WriteLock;
  },
): Promise<Store> {
  const instance = await createInstance(path, readOnly, waitMs);
  const conn = await instance.connect();
  try {
    if (createSchema) await conn.run(SCHEMA_SQL);
    else if (readOnly) await addMissingTablesAsTemp(conn);
  } catch (error) {
    conn.closeSync();
    instance.closeSync();
    throw error;
  }
  let closed = false;
  return {
    path,
    readOnly,
    conn,
    close() {
      if (closed) return;
      closed = true;
      conn.closeSync();
      instance.closeSync();
      lock?.release();
    },
  };
}

const LOCK_CONFLICT = /Could not set lock on file .*Conflicting lock is held in .*?\(PID (\d+)\)/s;
const RETRY_MS = 100;

async function createInstance(path: string, readOnly: boolean, waitMs: number): Promise<DuckDBInstance> {
  const started = performance.now();
  while (true) {
    try {
      return await DuckDBInstance.create(path, readOnly ? { access_mode: "READ_ONLY" } : {});
    } catch (error) {
      const match = LOCK_CONFLICT.exec((error as Error).message);
      if (!match) throw error;
      if (performance.now() - started >= waitMs) {
        throw new StoreBusyError(path, Number(match[1]), readOnly ? "read-only open" : "read-write open");
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
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

/** Quotes a name as a SQL identifier. */
export function sqlIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The folder part of a path (`.` for a bare name). */
export function dirOf(path: string): string {
  const k = path.lastIndexOf("/");
  return k < 0 ? "." : k === 0 ? "/" : path.slice(0, k);
}

async function assertExists(path: string): Promise<void> {
  try {
    await Deno.stat(path);
  } catch {
    throw new Error(`store not found: ${path} (run \`deno task demo\` or \`deno task ingest\` first)`);
  }
}
