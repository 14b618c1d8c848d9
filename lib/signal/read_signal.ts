/**
 * Reading a signal file (CSV or Parquet) through an in-memory DuckDB, every cell as text, so that
 * parsing (and its row-numbered problems) stays ours.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { type ParsedSignal, parseSignal, type SignalTable } from "./parse_signal.ts";
import { readTypedSignal } from "./read_typed.ts";

/**
 * Reads a CSV (header row required) or Parquet file (by extension `.parquet`/`.pq`) into a raw
 * `SignalTable` of text cells, in file order. Throws a `TypeError` naming the file when DuckDB cannot
 * read it (missing file, malformed CSV); content problems are left to `parseSignal`/`validate`.
 *
 * @example
 * ```ts
 * const table = await readSignalTable("signals/momentum.csv");
 * table.nRows; // data rows, header excluded
 * ```
 */
export async function readSignalTable(path: string): Promise<SignalTable> {
  const quoted = `'${path.replaceAll("'", "''")}'`;
  const sql = /\.(parquet|pq)$/i.test(path)
    ? `SELECT CAST(COLUMNS(*) AS VARCHAR) FROM read_parquet(${quoted})`
    : `SELECT * FROM read_csv(${quoted}, all_varchar = true, header = true)`;
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(sql);
    const names = reader.columnNames();
    const cells = reader.getColumnsJS() as (string | null)[][];
    const columns: Record<string, (string | null)[]> = {};
    names.forEach((name, k) => (columns[name] = cells[k] ?? []));
    return { columns, nRows: reader.currentRowCount };
  } catch (error) {
    throw new TypeError(`cannot read signal file ${path}: ${(error as Error).message}`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * Reads and parses a signal file. Well-typed files (Parquet with DATE and numeric columns, clean CSVs)
 * take a typed fast path (`read_typed.ts`); anything else is read as text and parsed by
 * `parseSignal`, so every problem comes with its 1-based data row. Pass the result to `validate`.
 *
 * @example
 * ```ts
 * const parsed = await readSignal("signals/momentum.parquet");
 * const result = validate(parsed, { panel });
 * ```
 */
export async function readSignal(path: string): Promise<ParsedSignal> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const typed = await readTypedSignal(connection, sourceOf(path));
    if (typed) return typed;
  } catch {
    // unreadable or oddly typed: the text path below reports it properly
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return parseSignal(await readSignalTable(path));
}

/** The DuckDB table expression reading `path` with typed columns. */
function sourceOf(path: string): string {
  const quoted = `'${path.replaceAll("'", "''")}'`;
  return /\.(parquet|pq)$/i.test(path) ? `read_parquet(${quoted})` : `read_csv(${quoted}, header = true)`;
}
