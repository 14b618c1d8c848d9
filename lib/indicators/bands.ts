/** Price bands and channels: Bollinger bands and Donchian channels. */
import { checkSameLength, checkWindow } from "./_utils.ts";
import { rollingMax, rollingMin, rollingStd } from "./rolling.ts";
import { sma } from "./moving_average.ts";

/** Bollinger bands around a moving average. */
export interface Bollinger {
  /** `sma(close, n)`. */
  middle: Float64Array;
  /** `middle + k · std`. */
  upper: Float64Array;
  /** `middle − k · std`. */
  lower: Float64Array;
}

/**
 * Bollinger bands: `middle = sma(close, n)`, `upper/lower = middle ± k · σ` with σ the POPULATION std
 * of the same `n` closes (ddof 0, as Bollinger and TA-Lib `BBANDS`; pandas needs `rolling(n).std(ddof=0)`).
 *
 * @example
 * ```ts
 * bollinger(new Float64Array([1, 2, 3]), 3, 2); // middle 2, σ = sqrt(2/3) ⇒ upper 3.633, lower 0.367 at bar 2
 * ```
 */
export function bollinger(close: ArrayLike<number>, n = 20, k = 2): Bollinger {
  checkWindow("bollinger", n);
  if (!Number.isFinite(k) || k < 0) {
    throw new RangeError(`bollinger: k must be a finite number ≥ 0, found ${k}`);
  }
  const middle = sma(close, n);
  const sd = rollingStd(close, n, 0);
  const upper = new Float64Array(close.length);
  const lower = new Float64Array(close.length);
  for (let t = 0; t < close.length; t++) {
    upper[t] = middle[t] + k * sd[t];
    lower[t] = middle[t] - k * sd[t];
  }
  return { middle, upper, lower };
}

/** A Donchian channel. */
export interface Donchian {
  /** Highest high of the last `n` bars including `t`. */
  upper: Float64Array;
  /** Lowest low of the last `n` bars including `t`. */
  lower: Float64Array;
  /** `(upper + lower) / 2`. */
  middle: Float64Array;
}

/**
 * Donchian channel: `upper = max(high[t-n+1..t])`, `lower = min(low[t-n+1..t])`, `middle` their mean.
 * The window includes bar `t`, so a breakout rule compares `close[t]` with `upper[t − 1]`.
 *
 * @example
 * ```ts
 * donchian(new Float64Array([2, 4, 3]), new Float64Array([1, 2, 2]), 2); // upper [NaN, 4, 4], lower [NaN, 1, 2]
 * ```
 */
export function donchian(high: ArrayLike<number>, low: ArrayLike<number>, n = 20): Donchian {
  checkWindow("donchian", n);
  checkSameLength("donchian(high, low)", high, low);
  const upper = rollingMax(high, n);
  const lower = rollingMin(low, n);
  const middle = new Float64Array(high.length);
  for (let t = 0; t < high.length; t++) middle[t] = (upper[t] + lower[t]) / 2;
  return { upper, lower, middle };
}
