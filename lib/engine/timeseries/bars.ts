/**
 * Bars: the price input of the time-series engines. One instrument is a plain `Float64Array` of closes
 * (or `{ close, open?, high?, low?, dates? }`); many instruments are date-major `T × K` matrices
 * (`t * K + k`, as panels) with `nInstruments: K`. NaN = no price on that bar.
 */
import type { Panel } from "../../panel/types.ts";

/** OHLC bars of one or more instruments. */
export interface Bars {
  /** Closes, `T × K` date-major (length T for one instrument). */
  readonly close: ArrayLike<number>;
  readonly open?: ArrayLike<number>;
  readonly high?: ArrayLike<number>;
  readonly low?: ArrayLike<number>;
  /** Epoch ms of each bar, strictly ascending (length T). */
  readonly dates?: ArrayLike<number>;
  /** K, the number of instruments (default 1). */
  readonly nInstruments?: number;
  /** Names of the instruments (security ids), length K. */
  readonly names?: readonly string[];
}

/** Bars checked and converted to Float64Arrays, with their shape. */
export interface ResolvedBars {
  readonly nDates: number;
  readonly nInstruments: number;
  readonly close: Float64Array;
  readonly open?: Float64Array;
  readonly high?: Float64Array;
  readonly low?: Float64Array;
  readonly dates?: Float64Array;
  readonly names: readonly string[];
}

/**
 * Checks bars (every field `T × K`, dates ascending, names K) and returns them as Float64Arrays (no copy
 * when they already are). A bare array is one instrument's closes.
 *
 * @example
 * ```ts
 * resolveBars(new Float64Array([10, 11, 12])).nDates; // => 3
 * ```
 */
export function resolveBars(bars: Bars | ArrayLike<number>): ResolvedBars {
  const b: Bars = isBars(bars) ? bars : { close: bars };
  const K = b.nInstruments ?? 1;
  if (!Number.isInteger(K) || K < 1) {
    throw new RangeError(`bars.nInstruments must be an integer ≥ 1, found ${K}`);
  }
  if (b.close.length % K !== 0) {
    throw new RangeError(`bars.close has ${b.close.length} values, not a multiple of nInstruments ${K}`);
  }
  const T = b.close.length / K;
  const asF64 = (name: string, x: ArrayLike<number> | undefined) => {
    if (x === undefined) return undefined;
    if (x.length !== T * K) {
      throw new RangeError(
        `bars.${name} has ${x.length} values, expected ${T} bars × ${K} instruments = ${T * K}`,
      );
    }
    return x instanceof Float64Array ? x : Float64Array.from(x);
  };
  let dates: Float64Array | undefined;
  if (b.dates) {
    if (b.dates.length !== T) {
      throw new RangeError(`bars.dates has ${b.dates.length} values, expected ${T} bars`);
    }
    dates = b.dates instanceof Float64Array ? b.dates : Float64Array.from(b.dates);
    for (let t = 1; t < T; t++) {
      if (!(dates[t] > dates[t - 1])) {
        throw new RangeError(
          `bars.dates must be strictly ascending: bar ${t} (${dates[t]}) follows ${dates[t - 1]}`,
        );
      }
    }
  }
  const names = b.names ?? Array.from({ length: K }, (_, k) => (K === 1 ? "close" : `i${k}`));
  if (names.length !== K) throw new RangeError(`bars.names has ${names.length} names, expected ${K}`);
  return {
    nDates: T,
    nInstruments: K,
    close: asF64("close", b.close)!,
    open: asF64("open", b.open),
    high: asF64("high", b.high),
    low: asF64("low", b.low),
    dates,
    names,
  };
}

function isBars(x: Bars | ArrayLike<number>): x is Bars {
  return typeof (x as Bars).close === "object";
}

/**
 * Bars of every (or the named) security of a panel. `adjusted` (default true) uses `adj_close` /
 * `adj_open` when the panel has them and scales `high`/`low` by the same factor `adj_close / close`, so
 * stops see split- and dividend-consistent ranges.
 *
 * @example
 * ```ts
 * const bars = barsFromPanel(panel, { securityIds: ["PETR4", "VALE3"] });
 * ```
 */
export function barsFromPanel(
  panel: Panel,
  options: { securityIds?: readonly string[]; adjusted?: boolean } = {},
): Bars {
  const { adjusted = true } = options;
  const ids = options.securityIds ?? panel.securityIds;
  const N = panel.securityIds.length;
  const T = panel.dates.length;
  const index = ids.map((id) => {
    const i = panel.securityIds.indexOf(id);
    if (i < 0) throw new RangeError(`barsFromPanel: security "${id}" is not in the panel`);
    return i;
  });
  const f = panel.fields;
  const rawClose = f.close ?? f.adj_close;
  if (!rawClose) throw new RangeError(`barsFromPanel: the panel has no close or adj_close field`);
  const useAdj = adjusted && f.adj_close !== undefined;
  const K = ids.length;
  const pick = (m: Float64Array | undefined, scaled: boolean) => {
    if (!m) return undefined;
    const out = new Float64Array(T * K);
    for (let t = 0; t < T; t++) {
      for (let k = 0; k < K; k++) {
        const src = t * N + index[k];
        const factor = scaled && useAdj && f.close ? f.adj_close[src] / f.close[src] : 1;
        out[t * K + k] = m[src] * factor;
      }
    }
    return out;
  };
  return {
    close: pick(useAdj ? f.adj_close : rawClose, false)!,
    open: useAdj ? pick(f.adj_open, false) ?? pick(f.open, true) : pick(f.open, false),
    high: pick(f.high, true),
    low: pick(f.low, true),
    dates: panel.dates,
    nInstruments: K,
    names: ids,
  };
}

/**
 * Bars per year from the spacing of the dates: the median gap ≥ 20 h ⇒ trading days (252), weeks (52),
 * months (12), quarters (4) or years (1) by the nearest; intraday ⇒ 252 × the median number of bars per
 * UTC day. Fewer than two dates ⇒ 252.
 *
 * @example
 * ```ts
 * periodsPerYearOf([Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3), Date.UTC(2024, 0, 4)]); // => 252
 * ```
 */
export function periodsPerYearOf(dates: ArrayLike<number>): number {
  if (dates.length < 2) return 252;
  const gaps = Float64Array.from({ length: dates.length - 1 }, (_, k) => dates[k + 1] - dates[k]).sort();
  const gapDays = gaps[gaps.length >> 1] / 86_400_000;
  if (gapDays < 20 / 24) {
    const perDay = new Map<number, number>();
    for (let k = 0; k < dates.length; k++) {
      const day = Math.floor(dates[k] / 86_400_000);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    const counts = Float64Array.from(perDay.values()).sort();
    return 252 * counts[counts.length >> 1];
  }
  const scales: [number, number][] = [[1.4, 252], [7, 52], [30.4, 12], [91.3, 4], [365.25, 1]];
  let best = scales[0];
  for (const s of scales) {
    if (Math.abs(Math.log(gapDays / s[0])) < Math.abs(Math.log(gapDays / best[0]))) best = s;
  }
  return best[1];
}
