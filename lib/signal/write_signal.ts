import { dirname, join } from "node:path";
import { DATE, DOUBLE, DuckDBDataChunk, DuckDBDateValue, DuckDBInstance, VARCHAR } from "@duckdb/node-api";
import type { Signal } from "./types.ts";

const DAY_MS = 86_400_000;
const CHUNK_ROWS = 2048;

/**
 * Writes a signal in the contract's shape to CSV or Parquet (by extension): columns
 * `security_id, date_sig, signal` (+ `date_avail` when present, + `signal_name`). Dates are written
 * as `YYYY-MM-DD` (signals on daily bars). Written to a temp file beside `path` and renamed, so a
 * reader never sees half a file.
 *
 * @example
 * ```ts
 * await writeSignal("data/demo_signal.parquet", sentimentSignal(universe));
 * ```
 */
export async function writeSignal(path: string, signal: Signal): Promise<void> {
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  const tmp = join(dirname(path), `.${path.replace(/^.*\//, "")}.tmp-${crypto.randomUUID().slice(0, 8)}`);
  try {
    const hasAvail = signal.date_avail !== undefined;
    await conn.run(
      `CREATE TABLE s (security_id VARCHAR, date_sig DATE, ${
        hasAvail ? "date_avail DATE, " : ""
      }signal DOUBLE)`,
    );
    const appender = await conn.createAppender("s");
    const types = hasAvail ? [VARCHAR, DATE, DATE, DOUBLE] : [VARCHAR, DATE, DOUBLE];
    const date = (ms: number) => new DuckDBDateValue(Math.floor(ms / DAY_MS));
    const n = signal.signal.length;
    for (let offset = 0; offset < n; offset += CHUNK_ROWS) {
      const rows = Math.min(CHUNK_ROWS, n - offset);
      const range = Array.from({ length: rows }, (_, k) => offset + k);
      const chunk = DuckDBDataChunk.create(types, rows);
      chunk.setColumns([
        range.map((k) => signal.security_id[k]),
        range.map((k) => date(signal.date_sig[k])),
        ...(hasAvail ? [range.map((k) => date(signal.date_avail![k]))] : []),
        range.map((k) => (Number.isFinite(signal.signal[k]) ? signal.signal[k] : null)),
      ]);
      appender.appendDataChunk(chunk);
    }
    appender.closeSync();
    const name = signal.signal_name ? `, '${signal.signal_name.replaceAll("'", "''")}' AS signal_name` : "";
    const format = /\.parquet$/i.test(path) ? "FORMAT parquet, COMPRESSION zstd" : "FORMAT csv, HEADER true";
    await Deno.mkdir(dirname(path), { recursive: true });
    await conn.run(`COPY (SELECT *${name} FROM s) TO '${tmp.replaceAll("'", "''")}' (${format})`);
    await Deno.rename(tmp, path);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
