/**
 * The fast path of `readSignal`: when a file's columns are already well typed (Parquet with DATE /
 * TIMESTAMP and numeric columns, or a CSV DuckDB types the same way) and no required cell is NULL or
 * non-finite, the signal is streamed straight into typed arrays. Anything else returns `undefined`
 * and the caller takes the text path, which reports every problem with its row.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { ParsedSignal } from "./parse_signal.ts";
import type { Signal } from "./types.ts";

const DATE_TYPES = /^(DATE|TIMESTAMP.*)$/;
const NUMBER_TYPES = /^(DOUBLE|FLOAT|REAL|DECIMAL.*|BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|U.*INT)$/;
const META = ["signal_name", "region", "universe", "version"] as const;

/**
 * Reads `source` (a DuckDB table expression such as `read_parquet('x.parquet')`) as a typed signal,
 * or returns `undefined` when the fast path does not apply.
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
    !has("security_id", /^VARCHAR$/) || !has("date_sig", DATE_TYPES) || !has("signal", NUMBER_TYPES) ||
    (types.has("date_avail") && !has("date_avail", DATE_TYPES)) ||
    [...types.keys()].some((k) => k !== k.trim().toLowerCase())
  ) return undefined;
  const avail = types.has("date_avail");
  const [bad, total] = (await conn.runAndReadAll(
    `SELECT count(*) FILTER (WHERE security_id IS NULL OR trim(security_id) = '' OR date_sig IS NULL
       OR signal IS NULL OR NOT isfinite(signal::DOUBLE)), count(*) FROM ${source}`,
  )).getRowsJS()[0] as [bigint, bigint];
  const n = Number(total);
  if (Number(bad) > 0 || n === 0) return undefined;
  const epoch = (c: string) => `epoch_ms(${c}::TIMESTAMP)::DOUBLE`;
  const result = await conn.stream(
    `SELECT trim(security_id), ${epoch("date_sig")}, ${
      avail ? `coalesce(${epoch("date_avail")}, ${epoch("date_sig")})` : epoch("date_sig")
    }, signal::DOUBLE FROM ${source}`,
  );
  const ids: string[] = new Array(n);
  const sig = new Float64Array(n), av = new Float64Array(n), val = new Float64Array(n);
  let row = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const [c0, c1, c2, c3] = [0, 1, 2, 3].map((k) => chunk.getColumnVector(k));
    for (let k = 0; k < chunk.rowCount; k++, row++) {
      ids[row] = c0.getItem(k) as string;
      sig[row] = c1.getItem(k) as number;
      av[row] = c2.getItem(k) as number;
      val[row] = c3.getItem(k) as number;
    }
  }
  const meta: Record<string, string> = {};
  for (const c of META) {
    if (!types.has(c)) continue;
    const rows = (await conn.runAndReadAll(
      `SELECT trim(${c}::VARCHAR) FROM ${source} WHERE ${c} IS NOT NULL AND trim(${c}::VARCHAR) <> '' LIMIT 1`,
    )).getRowsJS();
    if (rows.length) meta[c] = rows[0][0] as string;
  }
  const signal: Signal = { security_id: ids, date_sig: sig, date_avail: av, signal: val, ...meta };
  return { signal, rows: Int32Array.from({ length: n }, (_, k) => k + 1), problems: [] };
}
