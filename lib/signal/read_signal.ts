/**
 * Reading a signal file (CSV or Parquet) through an in-memory DuckDB. The path is taken literally
 * (no glob, no directory merge) and checked first, so a missing, empty or binary file gets a clear
 * message instead of DuckDB's SQL.
 */
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { checkDataFile, duckdbReason, type FileFormat, withLiteralPath } from "../util/literal_file.ts";
import { type ParsedSignal, parseSignal, type SignalTable } from "./parse_signal.ts";
import { readTypedSignal } from "./read_typed.ts";

/**
 * Reads a CSV (header row required) or Parquet file (by extension `.parquet`/`.pq`) into a raw
 * `SignalTable` of text cells, in file order. Throws a `TypeError` naming the file when it is missing,
 * a directory, empty, binary, or when DuckDB cannot parse it (the reason without our SQL); content
 * problems are left to `parseSignal`/`validate`.
 *
 * @example
 * ```ts
 * const table = await readSignalTable("signals/momentum.csv");
 * table.nRows; // data rows, header excluded
 * ```
 */
export async function readSignalTable(path: string): Promise<SignalTable> {
  const format = await checkDataFile(path, "signal file");
  return await withSignalConnection(path, format, async (conn, source) => {
    const sql = format === "parquet"
      ? `SELECT CAST(COLUMNS(*) AS VARCHAR) FROM ${source}`
      : `SELECT * FROM ${source}`;
    const reader = await conn.runAndReadAll(sql);
    const names = reader.columnNames();
    const cells = reader.getColumnsJS() as (string | null)[][];
    const columns: Record<string, (string | null)[]> = {};
    names.forEach((name, k) => (columns[name] = cells[k] ?? []));
    return { columns, nRows: reader.currentRowCount };
  }, true);
}

/**
 * Reads and parses a signal file. Well-typed files (Parquet with DATE and numeric columns, clean CSVs)
 * take a typed fast path (`read_typed.ts`); anything else is read as text and parsed by
 * `parseSignal`, so every problem comes with its 1-based data row. Rows without a value (empty, NULL,
 * NaN) are "no opinion": dropped and counted in one `missing_value` warning. Pass the result to
 * `validate`. Throws a `TypeError` naming the file when it cannot be read at all (see
 * `readSignalTable`).
 *
 * @example
 * ```ts
 * const parsed = await readSignal("signals/momentum.parquet");
 * const result = validate(parsed, { panel });
 * ```
 */
export async function readSignal(path: string): Promise<ParsedSignal> {
  const format = await checkDataFile(path, "signal file");
  const typed = await withSignalConnection(path, format, async (conn, source) => {
    try {
      if (format === "parquet") return await readTypedSignal(conn, source);
      await conn.run(`CREATE TEMP TABLE qn_source AS SELECT * FROM ${source}`); // parse the CSV once
      return await readTypedSignal(conn, "qn_source");
    } catch {
      return undefined; // oddly typed: the text path below reports it properly
    }
  }, false);
  return typed ?? parseSignal(await readSignalTable(path));
}

/**
 * The signal's name as its file states it (the first non-empty `signal_name` cell), without reading
 * the rest: what a run is named after by default. `undefined` when the file has no such column.
 *
 * @example
 * ```ts
 * await readSignalName("data/demo_signal.parquet"); // => "vendor_sentiment"
 * ```
 */
export async function readSignalName(path: string): Promise<string | undefined> {
  const format = await checkDataFile(path, "signal file");
  return await withSignalConnection(path, format, async (conn, source) => {
    const columns = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`)).getRowsJS().map((r) =>
      r[0]
    );
    if (!columns.includes("signal_name")) return undefined;
    const [row] = (await conn.runAndReadAll(
      `SELECT trim(signal_name::VARCHAR) FROM ${source} WHERE trim(signal_name::VARCHAR) <> '' LIMIT 1`,
    )).getRowsJS();
    return row ? row[0] as string : undefined;
  }, true);
}

let database: Promise<DuckDBInstance> | undefined;

/**
 * The in-memory DuckDB every signal read of this process connects to (created once: opening and
 * closing an instance per read costs more than a small file's read). Single-threaded, so lists keep
 * file order. Reads share nothing else: temp tables live in their own connection, types get a
 * unique name and are dropped.
 */
function signalDatabase(): Promise<DuckDBInstance> {
  return database ??= DuckDBInstance.create(":memory:", { threads: "1" });
}

/**
 * Runs `fn` on a new connection to the signal database with the DuckDB table expression reading the file literally
 * (`read_parquet` / `read_csv` of a plainly named link; `allText` reads CSV cells as text). DuckDB
 * errors become a `TypeError` naming the file.
 */
async function withSignalConnection<T>(
  path: string,
  format: FileFormat,
  fn: (conn: DuckDBConnection, source: string) => Promise<T>,
  allText: boolean,
): Promise<T> {
  return await withLiteralPath(path, async (literal) => {
    const quoted = `'${literal.replaceAll("'", "''")}'`;
    const source = format === "parquet"
      ? `read_parquet(${quoted})`
      : `read_csv(${quoted}, header = true${
        allText ? ", all_varchar = true" : ", types = {'security_id': 'VARCHAR'}"
      })`;
    const connection = await (await signalDatabase()).connect();
    try {
      return await fn(connection, source);
    } catch (error) {
      throw new TypeError(`cannot read signal file ${path}: ${duckdbReason(error)}`);
    } finally {
      connection.closeSync();
    }
  });
}
