/**
 * Bars in the store: `writeBars` upserts rows of the `bars` table (keyed by security, interval and
 * bar start) and each security's session into `bar_sessions`, in one transaction, logged in
 * `ingest_log`. Rows travel as columns through a Parquet file DuckDB reads in bulk (ten million
 * minute bars are not ten million appender calls). Call it inside `writeStore`, after the securities
 * are in the store.
 */
import { join } from "node:path";
import { inTransaction, queryRows, sqlString, type Store } from "../store/db.ts";
import { type IngestSource, logLoad, replaceRows } from "../store/write.ts";
import { writeParquet } from "../plugin/parquet.ts";
import type { Interval, Session } from "./session.ts";

/** Bar rows as columns: security codes into `securityIds`, bar starts in epoch ms (UTC), OHLCV (NaN = NULL). */
export interface BarRows {
  readonly interval: Exclude<Interval, "1d">;
  readonly securityIds: readonly string[];
  readonly security: Int32Array;
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/**
 * Upserts bars and the session of every security they name (see the module doc). Returns the number
 * of bar rows loaded.
 *
 * @example
 * ```ts
 * await writeStore("data/quant.duckdb", async (store) => {
 *   await writeTables(store, { securities }, source);
 *   await writeBars(store, rows, SESSIONS.NYSE, source);
 * });
 * ```
 */
export async function writeBars(
  store: Store,
  rows: BarRows,
  session: Session,
  source: IngestSource,
): Promise<number> {
  const n = rows.ts.length;
  const dir = await Deno.makeTempDir({ prefix: "quantnb-bars-" });
  const file = join(dir, "bars.parquet");
  try {
    await writeParquet(file, {
      security_id: { type: "dictionary", values: rows.security, dictionary: rows.securityIds },
      ts_ms: { type: "int64", values: rows.ts },
      open: { type: "double", values: rows.open },
      high: { type: "double", values: rows.high },
      low: { type: "double", values: rows.low },
      close: { type: "double", values: rows.close },
      volume: { type: "double", values: rows.volume },
    });
    const value = (c: string) => `CASE WHEN isnan(${c}) THEN NULL ELSE ${c} END AS ${c}`;
    const conn = store.conn;
    await inTransaction(conn, async () => {
      await conn.run(
        `CREATE OR REPLACE TEMP TABLE staging_bars AS SELECT security_id, ${
          sqlString(rows.interval)
        } AS interval,
           epoch_ms(ts_ms) AS ts, ${["open", "high", "low", "close", "volume"].map(value).join(", ")}
         FROM read_parquet(${sqlString(file)})`,
      );
      const [{ missing }] = await queryRows(
        conn,
        "SELECT count(*) AS missing FROM staging_bars WHERE close IS NULL",
      );
      if ((missing as number) > 0) {
        throw new RangeError(`bars: ${missing} bars have no close (close is required)`);
      }
      await replaceRows(conn, "bars", "staging_bars", [
        "security_id",
        "interval",
        "ts",
        "open",
        "high",
        "low",
        "close",
        "volume",
      ]);
      await conn.run(
        `CREATE OR REPLACE TEMP TABLE staging_sessions AS
         SELECT DISTINCT security_id, ${sqlString(session.name)} AS session FROM staging_bars`,
      );
      await replaceRows(conn, "bar_sessions", "staging_sessions", ["security_id", "session"]);
      await conn.run("DROP TABLE staging_bars");
      await conn.run("DROP TABLE staging_sessions");
      await logLoad(conn, source, n);
    });
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  return n;
}
