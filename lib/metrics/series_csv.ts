/**
 * A return series as a `date,ret` CSV (ISO dates; other columns ignored), and date alignment of a
 * second series (a benchmark) onto the first's dates.
 */

import { isoDate } from "../panel/types.ts";
import { parseSignalDate } from "../signal/parse_signal.ts";

/** A date as YYYY-MM-DD, or the full timestamp for an intraday bar. */
function stamp(ms: number): string {
  return ms % 86_400_000 === 0 ? isoDate(ms) : new Date(ms).toISOString();
}

/** A dated return series: epoch-ms UTC `dates` (strictly ascending) and simple returns `ret`. */
export interface ReturnSeries {
  readonly dates: Float64Array;
  readonly ret: Float64Array;
}

/**
 * Parses CSV text with a header naming a `date` column (`YYYY-MM-DD`) and a `ret` column (simple
 * return; empty, `NaN` or `nan` = missing). Other columns are ignored; fields may be double-quoted
 * (no embedded commas). Throws a `RangeError` naming `file`, the 1-based line and the column for a
 * missing column, an unparsable date, a non-numeric return, or dates not strictly ascending.
 *
 * @example
 * ```ts
 * parseReturnsCsv("date,ret\n2024-01-02,0.01\n2024-01-03,\n", "a.csv");
 * // => {dates: [Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3)], ret: [0.01, NaN]}
 * ```
 */
export function parseReturnsCsv(text: string, file: string): ReturnSeries {
  const lines = text.split(/\r?\n/);
  const header = splitRow(lines[0] ?? "");
  const dateCol = header.indexOf("date");
  const retCol = header.indexOf("ret");
  if (dateCol < 0 || retCol < 0) {
    throw new RangeError(
      `${file}: line 1: expected a header with columns "date" and "ret", found "${lines[0] ?? ""}"`,
    );
  }
  const dates: number[] = [];
  const ret: number[] = [];
  for (let k = 1; k < lines.length; k++) {
    if (lines[k].trim() === "") continue;
    const row = splitRow(lines[k]);
    const where = `${file}: line ${k + 1}`;
    const dateText = row[dateCol] ?? "";
    const date = parseSignalDate(dateText);
    if (Number.isNaN(date)) {
      throw new RangeError(
        `${where}, column "date": expected a date as YYYY-MM-DD, found "${dateText}" ` +
          `(intraday bars: their start as YYYY-MM-DDTHH:MM[:SS]Z)`,
      );
    }
    if (dates.length && !(date > dates[dates.length - 1])) {
      throw new RangeError(
        `${where}, column "date": dates must be strictly ascending, found ${dateText} after ${
          stamp(dates[dates.length - 1])
        }`,
      );
    }
    const retText = row[retCol] ?? "";
    const value = retText === "" || retText.toLowerCase() === "nan" ? NaN : Number(retText);
    if (Number.isNaN(value) && !(retText === "" || retText.toLowerCase() === "nan")) {
      throw new RangeError(`${where}, column "ret": expected a number, found "${retText}"`);
    }
    dates.push(date);
    ret.push(value);
  }
  return { dates: Float64Array.from(dates), ret: Float64Array.from(ret) };
}

/**
 * Values of `other` on the dates of `dates` (exact date match), NaN where `other` has no such date.
 * Both date arrays must be ascending.
 *
 * @example
 * ```ts
 * alignByDate(Float64Array.of(1, 2, 3), { dates: Float64Array.of(2, 3, 4), ret: Float64Array.of(0.1, 0.2, 0.3) });
 * // => [NaN, 0.1, 0.2]
 * ```
 */
export function alignByDate(dates: ArrayLike<number>, other: ReturnSeries): Float64Array {
  const out = new Float64Array(dates.length).fill(NaN);
  let j = 0;
  for (let k = 0; k < dates.length; k++) {
    while (j < other.dates.length && other.dates[j] < dates[k]) j++;
    if (j < other.dates.length && other.dates[j] === dates[k]) out[k] = other.ret[j];
  }
  return out;
}

function splitRow(line: string): string[] {
  return line.split(",").map((cell) => cell.trim().replace(/^"(.*)"$/, "$1"));
}
