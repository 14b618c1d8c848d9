/** Range-based volatility: the true range and Wilder's average true range. */
import { checkSameLength, checkWindow, nans } from "./_utils.ts";
import { wilderRma } from "./moving_average.ts";

/**
 * True range: `max(high − low, |high − close[t−1]|, |low − close[t−1]|)`, NaN at bar 0 (no previous
 * close, as TA-Lib `TRANGE`) and wherever one of the inputs is NaN.
 *
 * @example
 * ```ts
 * trueRange(new Float64Array([2, 5]), new Float64Array([1, 4]), new Float64Array([1.5, 4.5])); // => [NaN, 3.5]
 * ```
 */
export function trueRange(
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
): Float64Array {
  checkSameLength("trueRange(high, low, close)", high, low, close);
  const out = nans(high.length);
  for (let t = 1; t < high.length; t++) {
    const prev = close[t - 1];
    const tr = Math.max(high[t] - low[t], Math.abs(high[t] - prev), Math.abs(low[t] - prev));
    out[t] = tr; // Math.max propagates NaN
  }
  return out;
}

/**
 * Wilder's average true range: `wilderRma(trueRange(high, low, close), n)`, so the first value is at
 * bar `n`, the mean of the true ranges of bars 1..n (TA-Lib `ATR`), then `atr[t] = atr[t−1] + (tr[t] −
 * atr[t−1]) / n`. A NaN bar restarts the smoothing (see `wilderRma`).
 *
 * @example
 * ```ts
 * atr(high, low, close, 14);
 * ```
 */
export function atr(
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
  n = 14,
): Float64Array {
  checkWindow("atr", n);
  return wilderRma(trueRange(high, low, close), n);
}
