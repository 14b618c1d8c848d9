/** The daily series of a run, stored as `daily.parquet` (a `date` column plus DOUBLE columns). */
import { appendColumns } from "../store/write.ts";
import { sqlIdent, sqlString, withMemoryDb } from "./_db.ts";
import type { Daily } from "./types.ts";

const DAY_MS = 86_400_000;

/** Checks the columnar shape: `date` finite and strictly ascending, every column a Float64Array of its length. */
function validateDaily(daily: Daily): string[] {
  const { date } = daily;
  if (!(date instanceof Float64Array)) {
    throw new TypeError(`daily.date: expected a Float64Array of epoch ms, found ${typeof date}`);
  }
  for (let t = 0; t < date.length; t++) {
    if (!Number.isFinite(date[t]) || (t > 0 && !(date[t] > date[t - 1]))) {
      throw new RangeError(
        `daily.date[${t}]: expected finite epoch ms strictly after the previous date, found ${date[t]}`,
      );
    }
  }
  const columns = Object.keys(daily).filter((name) => name !== "date");
  for (const name of columns) {
    const column = daily[name];
    if (!(column instanceof Float64Array) || column.length !== date.length) {
      throw new TypeError(
        `daily.${name}: expected a Float64Array of length ${date.length} (as daily.date), found ${
          column instanceof Float64Array ? `length ${column.length}` : typeof column
        }`,
      );
    }
  }
  return columns;
}

/**
 * Writes a daily series to a Parquet file through an in-memory DuckDB (appended as data chunks, then
 * `COPY … TO … (FORMAT parquet)`). `date` becomes a DATE column when every timestamp is a UTC midnight,
 * else a TIMESTAMP (intraday bars); the other columns are DOUBLE in input order, NaN stored as NULL.
 *
 * @example
 * ```ts
 * await writeDailyParquet({ date: new Float64Array([Date.UTC(2024, 0, 2)]), net: new Float64Array([0.01]) },
 *   "runs/x/daily.parquet");
 * ```
 */
export async function writeDailyParquet(daily: Daily, path: string): Promise<void> {
  const columns = validateDaily(daily);
  const { date } = daily;
  let midnights = true;
  for (let t = 0; t < date.length && midnights; t++) midnights = date[t] % DAY_MS === 0;
  await withMemoryDb(async (conn, scratch) => {
    const defs = ["date_ms DOUBLE", ...columns.map((c) => `${sqlIdent(c)} DOUBLE`)].join(", ");
    await conn.run(`CREATE TEMP TABLE ${scratch} (${defs})`);
    await appendColumns(conn, scratch, [
      { name: "date_ms", type: "DOUBLE", values: date },
      ...columns.map((c) => ({ name: c, type: "DOUBLE" as const, values: daily[c] })),
    ]);
    const dateSql = `epoch_ms(date_ms::BIGINT)${midnights ? "::DATE" : ""} AS date`;
    const rest = columns.map(sqlIdent).join(", ");
    await conn.run(
      `COPY (SELECT ${dateSql}${rest ? `, ${rest}` : ""} FROM ${scratch} ORDER BY date_ms) ` +
        `TO ${sqlString(path)} (FORMAT parquet)`,
    );
  });
}

/**
 * Reads a `daily.parquet` back into columns: `date` as epoch ms (UTC), every other column as a
 * Float64Array with NULL as NaN.
 *
 * @example
 * ```ts
 * const daily = await readDailyParquet("runs/x/daily.parquet"); // { date, net, … }
 * ```
 */
export async function readDailyParquet(path: string): Promise<Daily> {
  return await withMemoryDb(async (conn) => {
    const reader = await conn.runAndReadAll(
      `SELECT epoch_ms(date::TIMESTAMP)::DOUBLE AS date, * EXCLUDE (date) FROM read_parquet(${
        sqlString(path)
      })`,
    );
    const names = reader.columnNames();
    const columns = reader.getColumns();
    const out: Record<string, Float64Array> = {};
    names.forEach((name, k) => {
      out[name] = Float64Array.from(columns[k], (v) => v === null ? NaN : Number(v));
    });
    return out as unknown as Daily;
  });
}
