/**
 * Series that belong to no security — cash rates (the CDI, a policy rate) and benchmark levels
 * (Ibovespa) — read from a snapshot or the store, and put on a panel's dates.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { queryRows, sqlString } from "../store/db.ts";
import type { SeriesInfoRow } from "../store/tables.ts";
import { openSnapshot } from "../snapshot/catalog.ts";
import { parseIsoDate } from "./types.ts";

const DAY_MS = 86_400_000;

/** One series: what it is (`series_info`) and its dated values, ascending. */
export interface Series extends SeriesInfoRow {
  /** Epoch ms (UTC midnight), ascending. */
  readonly dates: Float64Array;
  readonly values: Float64Array;
}

/** What to read. Dates are inclusive `YYYY-MM-DD`. */
export interface SeriesQuery {
  readonly start?: string;
  readonly end?: string;
}

/**
 * Reads series `id` from any connection with the store's `series` and `series_info` tables (an open
 * snapshot or the store). Throws a `RangeError` naming the series available when `id` is unknown.
 *
 * @example
 * ```ts
 * const cdi = await readSeries(snapshot.conn, "CDI", { start: "2020-01-01" });
 * cdi.unit; // => "percent_per_day"
 * ```
 */
export async function readSeries(
  conn: DuckDBConnection,
  id: string,
  query: SeriesQuery = {},
): Promise<Series> {
  const [info] = await queryRows(conn, `SELECT * FROM series_info WHERE series_id = ${sqlString(id)}`);
  if (!info) {
    const known = (await queryRows(conn, "SELECT series_id FROM series_info ORDER BY series_id"))
      .map((r) => r.series_id as string);
    throw new RangeError(
      `unknown series "${id}"; series available: ${
        known.length ? known.join(", ") : "none (ingest one first)"
      }`,
    );
  }
  const where = [
    `series_id = ${sqlString(id)}`,
    query.start ? `date >= DATE ${sqlString(checked(query.start))}` : "",
    query.end ? `date <= DATE ${sqlString(checked(query.end))}` : "",
  ].filter(Boolean).join(" AND ");
  const rows = await queryRows(
    conn,
    `SELECT (date - DATE '1970-01-01')::INTEGER AS d, value FROM series WHERE ${where} ORDER BY date`,
  );
  return {
    series_id: id,
    name: info.name as string,
    kind: info.kind as Series["kind"],
    unit: info.unit as Series["unit"],
    source: info.source as string,
    dates: Float64Array.from(rows, (r) => (r.d as number) * DAY_MS),
    values: Float64Array.from(rows, (r) => r.value as number),
  };
}

/**
 * Reads series `id` from snapshot `snapshot` (see `readSeries`).
 *
 * @example
 * ```ts
 * const cdi = await loadSeries({ snapshot: "demo", id: "CDI" });
 * ```
 */
export async function loadSeries(
  options: SeriesQuery & { snapshot: string; id: string; snapshotsDir?: string },
): Promise<Series> {
  const snapshot = await openSnapshot(options.snapshot, options.snapshotsDir);
  try {
    return await readSeries(snapshot.conn, options.id, options);
  } finally {
    snapshot.close();
  }
}

/**
 * The series' value as of each of `dates` (ascending epoch ms): the last value dated on or before it
 * (an as-of join, one merge pass), NaN before the series' first date. Use it to put a rate or a
 * benchmark level on a panel's calendar without looking ahead.
 *
 * @example
 * ```ts
 * asOf({ dates: Float64Array.of(1, 3), values: Float64Array.of(10, 30) }, Float64Array.of(0, 1, 2, 3));
 * // => Float64Array [NaN, 10, 10, 30]
 * ```
 */
export function asOf(
  series: Pick<Series, "dates" | "values">,
  dates: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(dates.length);
  let k = -1;
  for (let t = 0; t < dates.length; t++) {
    while (k + 1 < series.dates.length && series.dates[k + 1] <= dates[t]) k++;
    out[t] = k < 0 ? NaN : series.values[k];
  }
  return out;
}

function checked(iso: string): string {
  parseIsoDate(iso);
  return iso;
}
