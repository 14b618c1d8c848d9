import { dirname, join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { appendColumns } from "../store/write.ts";
import type { Signal } from "./types.ts";

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
    await appendColumns(conn, "s", [
      { name: "security_id", type: "VARCHAR", values: signal.security_id },
      { name: "date_sig", type: "DATE", values: signal.date_sig },
      ...(hasAvail ? [{ name: "date_avail", type: "DATE" as const, values: signal.date_avail! }] : []),
      { name: "signal", type: "DOUBLE", values: signal.signal },
    ]);
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
