/**
 * Walk-forward windows: in-sample / out-of-sample pairs of bar ranges over a time axis, rolling (the
 * in-sample window slides) or anchored (it always starts at the first bar), with sizes in bars or in
 * calendar units. Out-of-sample windows follow their in-sample window directly and tile the data
 * without overlap (the step defaults to the out-of-sample size).
 */
import { isoDate } from "../panel/types.ts";
import { lowerBound } from "../util/bisect.ts";

/** A size: bars (`252`, `"252"`, `"252b"`) or calendar units (`"2y"`, `"6m"`, `"1q"`, `"4w"`, `"30d"`). */
export type WindowSize = number | string;

/** Options of `walkForwardWindows`. */
export interface WindowOptions {
  /** `rolling` (default): fixed-length in-sample windows; `anchored`: expanding from the first bar. */
  readonly mode?: "rolling" | "anchored";
  readonly inSample: WindowSize;
  readonly outOfSample: WindowSize;
  /** How far each window moves (default: the out-of-sample size, so out-of-sample windows tile). */
  readonly step?: WindowSize;
  /** Keep a last out-of-sample window shorter than the others (default true). */
  readonly partial?: boolean;
}

/** One walk-forward window: in-sample bars `[isStart, isEnd)`, out-of-sample `[oosStart, oosEnd)`. */
export interface WalkForwardWindow {
  readonly index: number;
  readonly isStart: number;
  readonly isEnd: number;
  readonly oosStart: number;
  readonly oosEnd: number;
}

/** A parsed size. */
interface Size {
  readonly bars?: number;
  readonly months?: number;
  readonly days?: number;
  readonly text: string;
}

const UNIT_MONTHS: Readonly<Record<string, number>> = { y: 12, q: 3, m: 1 };
const UNIT_DAYS: Readonly<Record<string, number>> = { w: 7, d: 1 };

/**
 * Parses a window size: a bar count (`126`, `"126"`, `"126b"`) or a calendar span (`"3y"`, `"1q"`,
 * `"6m"`, `"2w"`, `"90d"`; whole positive numbers).
 *
 * @example
 * ```ts
 * parseWindowSize("6m"); // => { months: 6, text: "6m" }
 * ```
 */
export function parseWindowSize(size: WindowSize, what = "window size"): Size {
  const text = String(size).trim();
  const m = /^(\d+)\s*([bymqwd]?)$/i.exec(text);
  const n = m ? Number(m[1]) : NaN;
  if (!m || !(n > 0)) {
    throw new RangeError(
      `${what}: expected a positive number of bars (e.g. 252) or a calendar span like 2y, 6m, 1q, 4w, 30d; found "${text}"`,
    );
  }
  const unit = m[2].toLowerCase();
  if (unit === "" || unit === "b") return { bars: n, text };
  if (unit in UNIT_MONTHS) return { months: n * UNIT_MONTHS[unit], text };
  return { days: n * UNIT_DAYS[unit], text };
}

/** The first bar at or after `from` moved on by `size` (bars, or calendar time from `dates[from]`). */
function advance(dates: Float64Array, from: number, size: Size): number {
  if (size.bars !== undefined) return from + size.bars;
  const d = new Date(dates[from]);
  const target = size.months !== undefined
    ? addMonths(d, size.months)
    : d.getTime() + size.days! * 86_400_000;
  return lowerBound(dates, target);
}

/** The date `months` calendar months later (UTC), clamped to the month's last day (Jan 31 + 1m = Feb 28/29). */
function addMonths(d: Date, months: number): number {
  const y = d.getUTCFullYear(), m = d.getUTCMonth() + months;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(y, m, Math.min(d.getUTCDate(), last), d.getUTCHours(), d.getUTCMinutes());
}

/**
 * The walk-forward windows over `dates`. The first in-sample window starts at bar 0; each
 * out-of-sample window starts where its in-sample window ends; windows move by `step`. Every window
 * has a non-empty out-of-sample part; the last one may be shorter (unless `partial: false`).
 * Refuses windows longer than the data with one message naming both.
 *
 * @example
 * ```ts
 * walkForwardWindows(dates, { inSample: "2y", outOfSample: "6m" }); // rolling, 2y fit → next 6m
 * walkForwardWindows(dates, { mode: "anchored", inSample: 504, outOfSample: 126 });
 * ```
 */
export function walkForwardWindows(dates: Float64Array, options: WindowOptions): WalkForwardWindow[] {
  const { mode = "rolling", partial = true } = options;
  if (mode !== "rolling" && mode !== "anchored") {
    throw new RangeError(`walk-forward mode must be rolling or anchored, found "${mode}"`);
  }
  const is = parseWindowSize(options.inSample, "in-sample size");
  const oos = parseWindowSize(options.outOfSample, "out-of-sample size");
  const step = options.step === undefined ? oos : parseWindowSize(options.step, "step");
  const n = dates.length;
  const firstIsEnd = n ? advance(dates, 0, is) : 0;
  const firstOosEnd = firstIsEnd < n ? advance(dates, firstIsEnd, oos) : Infinity;
  if (n === 0 || firstIsEnd >= n || (!partial && firstOosEnd > n)) {
    const span = n ? ` (${isoDate(dates[0])} → ${isoDate(dates[n - 1])})` : "";
    throw new RangeError(
      `walk-forward windows (in-sample ${is.text} + out-of-sample ${oos.text}) are longer than the data: ${n} bars${span}`,
    );
  }
  const out: WalkForwardWindow[] = [];
  let isStart = 0, isEnd = firstIsEnd;
  while (isEnd < n) {
    const oosEnd = Math.min(n, advance(dates, isEnd, oos));
    const full = advance(dates, isEnd, oos) <= n;
    if (!full && !partial) break;
    out.push({
      index: out.length,
      isStart: mode === "anchored" ? 0 : isStart,
      isEnd,
      oosStart: isEnd,
      oosEnd,
    });
    if (!full) break;
    const nextStart = advance(dates, isStart, step);
    const nextEnd = advance(dates, isEnd, step);
    if (nextEnd <= isEnd) break;
    isStart = nextStart;
    isEnd = nextEnd;
  }
  return out;
}
