/**
 * Return streams to construct from: recorded runs (their daily return column) or a wide returns file
 * (CSV or Parquet: a `date` column and one numeric column per stream), put on one date axis.
 */
import { readDaily } from "../../track/read_daily.ts";
import { sqlString, withMemoryDb } from "../../track/_db.ts";
import type { RunsDirOptions } from "../../track/get_run.ts";
import { isoDate } from "../../panel/types.ts";
import type { ReturnStreams } from "./construct.ts";

/** The daily columns tried, in order, as a run's return stream. */
export const RUN_RETURN_COLUMNS = ["net", "ret", "returns", "return"] as const;

/**
 * Streams from recorded runs, one per run id (or unique prefix), named by `names` or the run ids: each
 * run's first daily column among `net`, `ret`, `returns`, `return` (or `column`). Dates are the union
 * of the runs' dates; inside a run's own span a date it lacks is a flat day (0: not traded), outside
 * it the stream has no return (NaN).
 *
 * @example
 * ```ts
 * const streams = await streamsFromRuns(["20240102-101500-mom-…", "20240102-101600-rev-…"], { runsDir: "runs" });
 * ```
 */
export async function streamsFromRuns(
  ids: readonly string[],
  options: RunsDirOptions & { names?: readonly string[]; column?: string; periodsPerYear?: number } = {},
): Promise<ReturnStreams> {
  if (ids.length === 0) throw new RangeError("give at least one run id");
  const series: { date: Float64Array; ret: Float64Array }[] = [];
  for (const id of ids) {
    const daily = await readDaily(id, options);
    const column = options.column ?? RUN_RETURN_COLUMNS.find((c) => c in daily);
    if (!column || !(column in daily)) {
      throw new RangeError(
        `run ${id}: no return column (${
          options.column ?? RUN_RETURN_COLUMNS.join(", ")
        }) in its daily series; columns: ${Object.keys(daily).join(", ")}`,
      );
    }
    if (daily.date.length === 0) throw new RangeError(`run ${id}: its daily series is empty`);
    series.push({ date: daily.date, ret: daily[column] });
  }
  return streamsFromSeries(
    Object.fromEntries(series.map((x, i) => [options.names?.[i] ?? ids[i], x])),
    options.periodsPerYear,
  );
}

/**
 * Streams from named dated series (e.g. backtests' `daily` with `{ date, ret: net }`), on the union of
 * their dates: inside a series' own span a date it lacks is a flat day (0: not traded), outside it
 * the stream has no return (NaN); a NaN return inside the span also counts as flat.
 *
 * @example
 * ```ts
 * streamsFromSeries({ sentiment: { date: bt.daily.date, ret: bt.daily.net }, reversal: { … } });
 * ```
 */
export function streamsFromSeries(
  named: Readonly<Record<string, { readonly date: ArrayLike<number>; readonly ret: ArrayLike<number> }>>,
  periodsPerYear = 252,
): ReturnStreams {
  const names = Object.keys(named), series = Object.values(named);
  if (names.length === 0) throw new RangeError("give at least one return stream");
  for (const [i, s] of series.entries()) {
    if (s.date.length !== s.ret.length) {
      throw new RangeError(`stream ${names[i]}: ${s.date.length} dates but ${s.ret.length} returns`);
    }
    if (s.date.length === 0) throw new RangeError(`stream ${names[i]}: no dates`);
  }
  const dates = Float64Array.from(new Set(series.flatMap((s) => Array.from(s.date)))).sort();
  const k = names.length;
  const returns = new Float64Array(dates.length * k).fill(NaN);
  series.forEach((s, i) => {
    let j = 0;
    const first = s.date[0], last = s.date[s.date.length - 1];
    for (let t = 0; t < dates.length; t++) {
      if (dates[t] < first || dates[t] > last) continue;
      if (s.date[j] === dates[t]) {
        returns[t * k + i] = Number.isNaN(s.ret[j]) ? 0 : s.ret[j];
        j++;
      } else returns[t * k + i] = 0;
    }
  });
  return { dates, names, returns, periodsPerYear };
}

/**
 * Streams from a wide returns file (`.csv` or `.parquet`): a `date` column (dates) and one numeric
 * column per stream (empty = no return). Refuses a missing file, a missing `date` column, a
 * non-numeric stream column, repeated or unordered dates, naming the file and the column.
 *
 * @example
 * ```ts
 * const streams = await readReturnsFile("data/strategies.csv"); // date,momentum,reversal,value
 * ```
 */
export async function readReturnsFile(path: string, periodsPerYear = 252): Promise<ReturnStreams> {
  try {
    const info = await Deno.stat(path);
    if (info.isDirectory) throw new RangeError(`${path}: is a directory, expected a returns file`);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new RangeError(`${path}: returns file not found`);
    throw error;
  }
  const reader = path.toLowerCase().endsWith(".parquet")
    ? `read_parquet(${sqlString(path)})`
    : `read_csv(${sqlString(path)}, header = true)`;
  return await withMemoryDb(async (conn) => {
    const result = await conn.runAndReadAll(`SELECT * FROM ${reader}`);
    const names = result.columnNames();
    const types = result.columnTypes().map((t) => t.toString());
    const columns = result.getColumns();
    const d = names.indexOf("date");
    if (d < 0) throw new RangeError(`${path}: expected a "date" column, found ${names.join(", ")}`);
    if (!["DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE"].includes(types[d])) {
      throw new RangeError(`${path}: column "date": expected dates (YYYY-MM-DD), found ${types[d]}`);
    }
    const streams = names.map((name, c) => ({ name, c })).filter((s) => s.c !== d);
    if (streams.length === 0) {
      throw new RangeError(`${path}: expected at least one return column besides "date"`);
    }
    for (const s of streams) {
      if (
        !["DOUBLE", "FLOAT", "BIGINT", "INTEGER", "DECIMAL", "SMALLINT"].some((t) => types[s.c].startsWith(t))
      ) {
        throw new RangeError(`${path}: column "${s.name}": expected numbers (returns), found ${types[s.c]}`);
      }
    }
    const dates = Float64Array.from(columns[d], (v) => new Date(String(v)).getTime());
    for (let t = 1; t < dates.length; t++) {
      if (!(dates[t] > dates[t - 1])) {
        throw new RangeError(
          `${path}: row ${t + 1}, column "date": dates must be strictly ascending, found ${
            isoDate(dates[t])
          } after ${isoDate(dates[t - 1])}`,
        );
      }
    }
    const k = streams.length;
    const returns = new Float64Array(dates.length * k);
    streams.forEach((s, i) => {
      columns[s.c].forEach((v, t) => (returns[t * k + i] = v === null ? NaN : Number(v)));
    });
    return { dates, names: streams.map((s) => s.name), returns, periodsPerYear };
  });
}
