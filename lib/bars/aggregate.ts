/**
 * Aggregating bars to a coarser interval (1m → 5m → 1h → 1d) on typed arrays, with the OHLCV rules
 * and the session's boundaries: open = the first bar's open, high = the highest high, low = the
 * lowest low, close = the last bar's close, volume = the sum (missing values skipped; a security with
 * no bar in a bucket has NaN there). Buckets start at the session's open every `interval` and end at
 * its close; bars outside the regular session are left out (and counted). A `1d` bar is labelled by
 * the session's date at UTC midnight, as daily bars are everywhere else.
 */
import { type Interval, INTERVAL_MINUTES, localClock, type Session } from "./session.ts";

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** Dense bars: `dates` (bar starts, epoch ms, ascending) × securities, date-major, NaN = no bar. */
export interface Bars {
  readonly dates: Float64Array;
  readonly nSecurities: number;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** Where each source bar goes: its bucket (−1 outside the session) and every bucket's start. */
export interface Buckets {
  readonly bucketOf: Int32Array;
  readonly starts: Float64Array;
  /** Source bars outside the regular session (left out). */
  readonly outside: number;
}

/**
 * Assigns bar starts to buckets of `interval` on `session` (see the module doc).
 *
 * @example
 * ```ts
 * const { bucketOf, starts } = bucketBars(panel.dates, SESSIONS.NYSE, "1h");
 * ```
 */
export function bucketBars(dates: Float64Array, session: Session, interval: Interval): Buckets {
  const clock = localClock(session);
  const bucketOf = new Int32Array(dates.length);
  const starts: number[] = [];
  const size = interval === "1d" ? 0 : INTERVAL_MINUTES[interval];
  let outside = 0;
  for (let t = 0; t < dates.length; t++) {
    const utc = dates[t];
    const local = clock(utc);
    const day = Math.floor(local / DAY_MS);
    const minute = (local - day * DAY_MS) / MINUTE_MS;
    if (minute < session.open || minute >= session.close) {
      bucketOf[t] = -1;
      outside++;
      continue;
    }
    const start = size === 0 ? day * DAY_MS : utc -
      (local -
        (day * DAY_MS + (session.open + Math.floor((minute - session.open) / size) * size) * MINUTE_MS));
    if (starts.length === 0 || start > starts[starts.length - 1]) starts.push(start);
    else if (start < starts[starts.length - 1]) {
      throw new RangeError(
        `bars must be in time order: ${new Date(utc).toISOString()} comes after a later bucket`,
      );
    }
    bucketOf[t] = starts.length - 1;
  }
  return { bucketOf, starts: Float64Array.from(starts), outside };
}

/** Aggregated matrices being filled, with the source row of each cell's open and close so far. */
interface Accumulator {
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly openT: Int32Array;
  readonly closeT: Int32Array;
}

function accumulator(cells: number): Accumulator {
  const nan = () => new Float64Array(cells).fill(NaN);
  return {
    open: nan(),
    high: nan(),
    low: nan(),
    close: nan(),
    volume: nan(),
    openT: new Int32Array(cells).fill(0x7fffffff),
    closeT: new Int32Array(cells).fill(-1),
  };
}

/**
 * Adds source bar (row `t` of the source axis) to aggregated cell `k` by the OHLCV rules: the open of
 * the earliest and the close of the latest row with one, whatever order the bars come in.
 */
function addBar(a: Accumulator, k: number, t: number, o: number, h: number, l: number, c: number, v: number) {
  if (o === o && t < a.openT[k]) (a.open[k] = o, a.openT[k] = t);
  if (h === h && !(h <= a.high[k])) a.high[k] = h;
  if (l === l && !(l >= a.low[k])) a.low[k] = l;
  if (c === c && t > a.closeT[k]) (a.close[k] = c, a.closeT[k] = t);
  if (v === v) a.volume[k] = a.volume[k] === a.volume[k] ? a.volume[k] + v : v;
}

/**
 * Aggregates dense bars to `interval` on `session` (see the module doc).
 *
 * @example
 * ```ts
 * const hourly = aggregateBars(minuteBars, SESSIONS.B3, "1h"); // 7 bars a session
 * ```
 */
export function aggregateBars(bars: Bars, session: Session, interval: Interval): Bars & { outside: number } {
  const { bucketOf, starts, outside } = bucketBars(bars.dates, session, interval);
  const nS = bars.nSecurities;
  const a = accumulator(starts.length * nS);
  for (let t = 0; t < bars.dates.length; t++) {
    const b = bucketOf[t];
    if (b < 0) continue;
    const src = t * nS, dst = b * nS;
    for (let i = 0; i < nS; i++) {
      addBar(
        a,
        dst + i,
        t,
        bars.open[src + i],
        bars.high[src + i],
        bars.low[src + i],
        bars.close[src + i],
        bars.volume[src + i],
      );
    }
  }
  const { open, high, low, close, volume } = a;
  return { dates: starts, nSecurities: nS, open, high, low, close, volume, outside };
}

/** Bars as rows (e.g. chunks of a scan): `row[k]` on the time axis `dates`, security `sec[k]`. */
export interface BarRows {
  readonly row: ArrayLike<number>;
  readonly sec: ArrayLike<number>;
  readonly open: ArrayLike<number>;
  readonly high: ArrayLike<number>;
  readonly low: ArrayLike<number>;
  readonly close: ArrayLike<number>;
  readonly volume: ArrayLike<number>;
}

/**
 * `aggregateBars` of the dense bars these rows would fill (bar starts `dates`, `nS` securities),
 * without building them: each row goes straight to its bucket, in any order. Equal to
 * `aggregateBars` of the dense bars but for the volume sum, added in the rows' order rather than
 * in time order (the same bits for whole-number volumes; at most a float reassociation otherwise).
 *
 * @example
 * ```ts
 * const hourly = aggregateRows(axis.dates, chunks, 100, SESSIONS.NYSE, "1h");
 * ```
 */
export function aggregateRows(
  dates: Float64Array,
  chunks: readonly BarRows[],
  nS: number,
  session: Session,
  interval: Interval,
): Bars & { outside: number } {
  const { bucketOf, starts, outside } = bucketBars(dates, session, interval);
  const a = accumulator(starts.length * nS);
  for (const { row, sec, open, high, low, close, volume } of chunks) {
    for (let k = 0; k < row.length; k++) {
      const t = row[k], b = bucketOf[t];
      if (b >= 0) addBar(a, b * nS + sec[k], t, open[k], high[k], low[k], close[k], volume[k]);
    }
  }
  const { open, high, low, close, volume } = a;
  return { dates: starts, nSecurities: nS, open, high, low, close, volume, outside };
}
