/**
 * The fast path of `readSignal`: when a file's columns are already well typed (Parquet with DATE /
 * TIMESTAMP and numeric columns, or a CSV DuckDB types the same way) and no required cell is bad
 * (NULL or empty id, NULL date_sig, ±Infinity signal), the signal comes back from DuckDB as whole
 * typed buffers: one query aggregates each column into a single list (ids as an ENUM, so as small
 * integer codes, handed on to validation) and counts the bad cells, so the client hands over four
 * buffers instead of 2,048-row chunks. Anything else
 * returns `undefined` and the caller takes the text path, which reports every problem with its row.
 *
 * A missing signal value (NULL or NaN) is "no opinion": the row is dropped and counted in one
 * `missing_value` warning, as the text path does.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { problem } from "./problem.ts";
import { missingValueProblem, type ParsedSignal } from "./parse_signal.ts";
import type { Signal } from "./types.ts";

const DATE_TYPES = /^(DATE|TIMESTAMP.*)$/;
const NUMBER_TYPES = /^(DOUBLE|FLOAT|REAL|DECIMAL.*|BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|U.*INT)$/;
const META = ["signal_name", "region", "universe", "version"] as const;

/**
 * A list column's child vector: `itemCount`, `getItem`, its type (an ENUM's `values`) and, where
 * the client keeps one, its typed buffer `items` (read when present, else values are copied one by one).
 */
interface ChildVector {
  readonly itemCount: number;
  readonly items?: ArrayLike<number>;
  readonly type: { readonly values?: readonly string[] };
  getItem(k: number): unknown;
}

/**
 * Reads `source` (a DuckDB table expression such as `read_parquet('x.parquet')`) as a typed signal,
 * or returns `undefined` when the fast path does not apply. The connection must run single-threaded
 * so every list keeps the file's row order (reported rows are file rows).
 */
export async function readTypedSignal(
  conn: DuckDBConnection,
  source: string,
): Promise<ParsedSignal | undefined> {
  const described = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
  const types = new Map<string, string>();
  for (const [name, type] of described.getRowsJS() as [string, string][]) types.set(name, type);
  const has = (c: string, pattern: RegExp) => pattern.test(types.get(c) ?? "");
  if (
    !types.has("security_id") || !has("date_sig", DATE_TYPES) || !has("signal", NUMBER_TYPES) ||
    (types.has("date_avail") && !has("date_avail", DATE_TYPES)) ||
    [...types.keys()].some((k) => k !== k.trim().toLowerCase())
  ) return undefined;
  const id = "trim(security_id::VARCHAR)";
  const type = `qn_security_${crypto.randomUUID().replaceAll("-", "")}`; // types are database-wide
  await conn.run(
    `CREATE TYPE ${type} AS ENUM (SELECT DISTINCT ${id} FROM ${source} WHERE security_id IS NOT NULL ORDER BY 1)`,
  );
  try {
    return await readLists(conn, source, types, type);
  } finally {
    await conn.run(`DROP TYPE IF EXISTS ${type}`).catch(() => {});
  }
}

/** The lists query of `readTypedSignal` and the arrays built from it. */
async function readLists(
  conn: DuckDBConnection,
  source: string,
  types: ReadonlyMap<string, string>,
  type: string,
): Promise<ParsedSignal | undefined> {
  const id = "trim(security_id::VARCHAR)";
  // Zoned timestamps are instants already; DATE and naive TIMESTAMP are read as UTC.
  const epoch = (c: string) =>
    /WITH TIME ZONE/.test(types.get(c)!) ? `epoch_ms(${c})::DOUBLE` : `epoch_ms(${c}::TIMESTAMP)::DOUBLE`;
  const avail = types.has("date_avail")
    ? `coalesce(${epoch("date_avail")}, ${epoch("date_sig")})`
    : epoch("date_sig");
  const result = await conn.run(
    `SELECT list(${id}::${type}), list(${epoch("date_sig")}), list(${avail}),
       list(coalesce(signal::DOUBLE, 'NaN'::DOUBLE)),
       count(*) FILTER (WHERE security_id IS NULL OR ${id} = '' OR date_sig IS NULL
         OR (signal IS NOT NULL AND isinf(signal::DOUBLE)))
     FROM ${source}`,
  );
  const chunk = await result.fetchChunk();
  if (!chunk || chunk.rowCount !== 1 || Number(chunk.getColumnVector(4).getItem(0)) > 0) return undefined;
  const [codes, sigs, avails, values] = [0, 1, 2, 3].map((k) =>
    (chunk.getColumnVector(k) as unknown as { childVector: ChildVector }).childVector
  );
  const n = values.itemCount;
  if (n === 0) return undefined;
  const names = codes.type.values;
  const code = codes.items, sig = numbers(sigs), av = numbers(avails), val = numbers(values);
  const missing: number[] = [];
  for (let r = 0; r < n; r++) if (val[r] !== val[r]) missing.push(r + 1); // NaN: no opinion
  const kept = n - missing.length;
  const ids = new Array<string>(kept), outCodes = new Int32Array(kept);
  let outSig: Float64Array, outAvail: Float64Array, outVal: Float64Array, rows: Int32Array;
  if (kept === n) { // the usual case: whole-buffer copies
    [outSig, outAvail, outVal] = [sig, av, val].map((x) => new Float64Array(x));
    rows = new Int32Array(n);
    for (let r = 0; r < n; r++) rows[r] = r + 1;
    if (names && code) {
      outCodes.set(code);
      for (let r = 0; r < n; r++) ids[r] = names[outCodes[r]];
    } else for (let r = 0; r < n; r++) ids[r] = codes.getItem(r) as string;
  } else {
    outSig = new Float64Array(kept), outAvail = new Float64Array(kept), outVal = new Float64Array(kept);
    rows = new Int32Array(kept);
    for (let r = 0, k = 0; r < n; r++) {
      const v = val[r];
      if (v !== v) continue;
      ids[k] = names && code ? names[outCodes[k] = code[r]] : codes.getItem(r) as string;
      outSig[k] = sig[r];
      outAvail[k] = av[r];
      outVal[k] = v;
      rows[k++] = r + 1;
    }
  }
  const meta: Record<string, string> = {};
  for (const c of META) {
    if (!types.has(c)) continue;
    const found = (await conn.runAndReadAll(
      `SELECT trim(${c}::VARCHAR) FROM ${source} WHERE ${c} IS NOT NULL AND trim(${c}::VARCHAR) <> '' LIMIT 1`,
    )).getRowsJS();
    if (found.length) meta[c] = found[0][0] as string;
  }
  const signal: Signal = {
    security_id: ids,
    date_sig: outSig,
    date_avail: outAvail,
    signal: outVal,
    ...meta,
  };
  const problems = missing.length ? [missingValueProblem(missing)] : [];
  if (kept === 0) problems.push(problem("empty", "the signal has no rows with a value"));
  const securityCodes = names && code ? { codes: outCodes, names } : undefined;
  return { signal, rows, problems, ...(securityCodes ? { securityCodes } : {}) };
}

/** A DOUBLE child vector as a typed array: its own buffer when exposed, else copied item by item. */
function numbers(vector: ChildVector): ArrayLike<number> {
  if (vector.items instanceof Float64Array && vector.items.length === vector.itemCount) return vector.items;
  return Float64Array.from({ length: vector.itemCount }, (_, k) => vector.getItem(k) as number);
}
