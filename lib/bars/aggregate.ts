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
  const nS = bars.nSecurities, nB = starts.length, cells = nB * nS;
  const open = new Float64Array(cells).fill(NaN), close = new Float64Array(cells).fill(NaN);
  const high = new Float64Array(cells).fill(NaN), low = new Float64Array(cells).fill(NaN);
  const volume = new Float64Array(cells).fill(NaN);
  for (let t = 0; t < bars.dates.length; t++) {
    const b = bucketOf[t];
    if (b < 0) continue;
    const src = t * nS, dst = b * nS;
    for (let i = 0; i < nS; i++) {
      const o = bars.open[src + i], h = bars.high[src + i], l = bars.low[src + i];
      const c = bars.close[src + i], v = bars.volume[src + i];
      const k = dst + i;
      if (o === o && open[k] !== open[k]) open[k] = o;
      if (h === h && !(h <= high[k])) high[k] = h;
      if (l === l && !(l >= low[k])) low[k] = l;
      if (c === c) close[k] = c;
      if (v === v) volume[k] = volume[k] === volume[k] ? volume[k] + v : v;
    }
  }
  return { dates: starts, nSecurities: nS, open, high, low, close, volume, outside };
}
