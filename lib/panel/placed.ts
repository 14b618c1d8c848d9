/**
 * Reading keyed rows (one security per row) into typed arrays, and placing the rows of a Parquet file
 * grouped by security_id without a join: each security's run of rows, counted once per file content,
 * gives the security of every row read in file order. Shared by daily panels (`lib/panel/load.ts`)
 * and bar panels (`lib/bars/panel.ts`).
 */
import { type DuckDBConnection, type DuckDBDataChunk, DuckDBTypeId } from "@duckdb/node-api";
import bindings from "@duckdb/node-bindings";
import { queryRows, sqlString } from "../store/db.ts";

/** A Parquet file behind a view; `sha256`, its content hash, lets repeated reads reuse its row runs. */
export interface ParquetFile {
  path: string;
  sha256?: string;
}

/** The columns of one chunk read, as typed arrays viewing the chunk's memory; `chunk` keeps it alive. */
export interface ReadChunk {
  n: number;
  columns: ArrayLike<number>[];
  chunk: unknown;
}

/** Typed arrays of the column types `readChunks` views without a copy; others are read value by value. */
const TYPED: Partial<Record<DuckDBTypeId, Float64ArrayConstructor | Int32ArrayConstructor>> = {
  [DuckDBTypeId.DOUBLE]: Float64Array,
  [DuckDBTypeId.INTEGER]: Int32Array,
};

/**
 * Column `j` of a chunk of `n` rows without NULLs (coalesce them in SQL) as a typed array: for DOUBLE
 * and INTEGER columns a view of the vector's data taken through DuckDB's C API (`@duckdb/node-bindings`,
 * without the client's vector objects), else copied value by value.
 */
function columnItems(
  chunk: DuckDBDataChunk,
  j: number,
  n: number,
  typed: Float64ArrayConstructor | Int32ArrayConstructor | undefined,
): ArrayLike<number> {
  if (!typed) {
    const vector = chunk.getColumnVector(j);
    return Float64Array.from({ length: n }, (_, k) => vector.getItem(k) as number);
  }
  const data = bindings.vector_get_data(
    bindings.data_chunk_get_vector(chunk.chunk, j),
    n * typed.BYTES_PER_ELEMENT,
  );
  return new typed(data.buffer as ArrayBuffer, data.byteOffset, n);
}

/**
 * How far DuckDB's threads may scan ahead of a streamed result's reader. DuckDB's default (976 KiB)
 * keeps a scan of millions of rows on about one thread; at this size a 9.8 M-row scan of 1m bars
 * streams in about half the time (BENCHMARKS.md, "The 1-minute panel").
 */
const STREAMING_BUFFER = "128MB";

/** Connections whose streaming buffer `readChunks` has raised. */
const raised = new WeakSet<DuckDBConnection>();

/**
 * Every chunk of a query's result with its columns read. The result is streamed: DuckDB's threads
 * scan ahead (the connection's `streaming_buffer_size` is raised to `STREAMING_BUFFER` on its first
 * read) while this one reads the chunks.
 */
export async function readChunks(conn: DuckDBConnection, sql: string): Promise<ReadChunk[]> {
  if (!raised.has(conn)) {
    await conn.run(`SET streaming_buffer_size = '${STREAMING_BUFFER}'`);
    raised.add(conn);
  }
  const result = await conn.stream(sql);
  const typed = Array.from({ length: result.columnCount }, (_, j) => TYPED[result.columnTypeId(j)]);
  const chunks: ReadChunk[] = [];
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) return chunks;
    const n = chunk.rowCount;
    chunks.push({ n, columns: typed.map((t, j) => columnItems(chunk, j, n, t)), chunk });
  }
}

/**
 * The rows `where` keeps of a Parquet file grouped by security_id, as `readChunks` of
 * `(i, c0, c1, …)`: `columns` are SQL expressions over the file's columns, `i` the security's index
 * in `index` (rows of securities outside it are dropped), placed by each security's run of rows
 * (`fileRuns`) in file order (DuckDB preserves it) instead of a join on security_id. `columns[0]` must ascend
 * strictly within a security's kept rows (a date or a bar start): that checks the order was kept.
 * Null, so the caller joins instead, when the runs are not contiguous, the securities of `index` hold
 * under half of the kept rows (reading the rest would cost more than the join), the connection does
 * not preserve insertion order, or `columns[0]` does not ascend within a run (the file is not in
 * (security_id, that column) order, or its order was not kept).
 *
 * @example
 * ```ts
 * const chunks = await placedRows(conn, file, ["epoch_ms(ts)::DOUBLE", "close"], "interval = '1m'", index);
 * chunks?.[0].columns[0]; // the securities' indices of the first chunk's rows
 * ```
 */
export async function placedRows(
  conn: DuckDBConnection,
  file: ParquetFile,
  columns: readonly string[],
  where: string,
  index: ReadonlyMap<string, number>,
): Promise<ReadChunk[] | null> {
  const [{ ordered }] = await queryRows(
    conn,
    "SELECT current_setting('preserve_insertion_order') AS ordered",
  );
  if (ordered !== true) return null; // results may come in any order
  const runs = await fileRuns(conn, file, where);
  if (!runs) return null;
  const code = Int32Array.from(runs.ids, (id) => index.get(id) ?? -1), kept = runs.kept;
  let total = 0, inPanel = 0;
  for (let r = 0; r < code.length; r++) {
    total += kept[r];
    if (code[r] >= 0) inPanel += kept[r];
  }
  if (inPanel * 2 < total) return null;
  const chunks = await readChunks(
    conn,
    `SELECT ${columns.join(", ")} FROM read_parquet(${sqlString(file.path)}) WHERE ${where}`,
  );
  let r = -1, left = 0, prev = 0;
  for (const chunk of chunks) {
    const key = chunk.columns[0], n = chunk.n;
    const sec = new Int32Array(n);
    for (let k = 0; k < n;) {
      if (left === 0) {
        do r++; while (r < code.length && kept[r] === 0);
        if (r === code.length) return null; // more rows than counted
        left = kept[r];
        prev = -Infinity;
      }
      const end = Math.min(n, k + left);
      sec.fill(code[r], k, end);
      left -= end - k;
      for (; k < end; k++) {
        if (!(key[k] > prev)) return null;
        prev = key[k];
      }
    }
    chunk.columns.unshift(sec);
  }
  if (left !== 0 || !kept.subarray(r + 1).every((n) => n === 0)) return null;
  return inPanel === total ? chunks : chunks.map(inIndex).filter((chunk) => chunk.n > 0);
}

/** A chunk of `placedRows` without the rows of securities outside the index (`i` = −1). */
function inIndex(chunk: ReadChunk): ReadChunk {
  const sec = chunk.columns[0];
  const keep: number[] = [];
  for (let k = 0; k < chunk.n; k++) if (sec[k] >= 0) keep.push(k);
  if (keep.length === chunk.n) return chunk;
  const columns = chunk.columns.map((column) => Float64Array.from(keep, (k) => column[k]));
  return { n: keep.length, columns, chunk: chunk.chunk };
}

/** Each security's run of rows in file order: its id and how many of its rows the filter keeps. */
interface FileRuns {
  ids: string[];
  kept: Float64Array;
}

/** `fileRuns` by file content (sha256) and filter, most recently used last. */
const runsMemo = new Map<string, Promise<FileRuns | null>>();

/** How many `fileRuns` results are remembered (each a few bytes per security). */
const RUNS_MEMO = 16;

/**
 * The runs of `file`'s rows, one per security (counted by one grouped scan of security_id and the
 * filter), or null when a security's rows are not one contiguous run. Remembered by the file's
 * sha256 when it is given (a snapshot file, verified before each load), so repeated loads of a
 * snapshot skip the scan.
 */
function fileRuns(conn: DuckDBConnection, file: ParquetFile, where: string): Promise<FileRuns | null> {
  const key = file.sha256 === undefined ? undefined : `${file.sha256}\0${where}`;
  const known = key === undefined ? undefined : runsMemo.get(key);
  if (known) {
    runsMemo.delete(key!); // re-inserted as the most recently used
    runsMemo.set(key!, known);
    return known;
  }
  const counted = (async (): Promise<FileRuns | null> => {
    const runs = await queryRows(
      conn,
      `SELECT security_id, min(file_row_number)::DOUBLE AS lo, count(*)::DOUBLE AS n, ${
        where === "TRUE" ? "count(*)" : `count(*) FILTER (WHERE ${where})`
      }::DOUBLE AS kept
      FROM read_parquet(${sqlString(file.path)}, file_row_number = true) GROUP BY security_id ORDER BY lo`,
    );
    let next = 0;
    for (const { lo, n } of runs) {
      if (lo !== next) return null; // a security's rows are not one run
      next += n as number;
    }
    return {
      ids: runs.map((r) => r.security_id as string),
      kept: Float64Array.from(runs, (r) => r.kept as number),
    };
  })();
  if (key !== undefined) {
    runsMemo.set(key, counted);
    counted.catch(() => runsMemo.delete(key)); // a failed count is not remembered
    for (const old of runsMemo.keys()) {
      if (runsMemo.size <= RUNS_MEMO) break;
      runsMemo.delete(old);
    }
  }
  return counted;
}
