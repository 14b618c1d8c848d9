/**
 * Moving averages. Conventions (TA-Lib's): `out[t]` is NaN for the first `n - 1` bars; the exponential
 * averages start at bar `n - 1` from the SMA of the first `n` values, then recurse
 * `y[t] = y[t-1] + alpha · (x[t] - y[t-1])`.
 *
 * NaN inside the series: the SMA is NaN wherever its window holds a NaN. The exponential averages
 * RESTART after a gap: NaN at the gap and until `n` consecutive valid values have arrived again, then
 * re-seeded with their SMA — exactly as if the series began after the gap (leading NaNs, e.g. an
 * indicator of an indicator, are the same case). Nothing is carried across a gap.
 */
import { checkWindow, nans } from "./_utils.ts";
import { rollingMean } from "./rolling.ts";

/**
 * Simple moving average of the last `n` values including bar `t`: `mean(x[t-n+1..t])` (pandas
 * `x.rolling(n).mean()`).
 *
 * @example
 * ```ts
 * sma(new Float64Array([1, 2, 3, 4, 5]), 3); // => [NaN, NaN, 2, 3, 4]
 * ```
 */
export function sma(x: ArrayLike<number>, n: number): Float64Array {
  checkWindow("sma", n);
  return rollingMean(x, n);
}

/**
 * Exponential moving average with `alpha = 2 / (n + 1)`, seeded with the SMA of the first `n` values
 * (TA-Lib `EMA`; pandas `ewm(span=n, adjust=False)` applied from that seed).
 *
 * @example
 * ```ts
 * ema(new Float64Array([1, 2, 3, 4]), 3); // => [NaN, NaN, 2, 3] (seed mean(1,2,3) = 2; 2 + 0.5·(4 − 2))
 * ```
 */
export function ema(x: ArrayLike<number>, n: number): Float64Array {
  checkWindow("ema", n);
  return seededSmoothing(x, n, 2 / (n + 1));
}

/**
 * Wilder's smoothing (the running moving average RMA/SMMA of RSI and ATR): `alpha = 1 / n`, seeded
 * with the SMA of the first `n` values (pandas `ewm(alpha=1/n, adjust=False)` from that seed).
 *
 * @example
 * ```ts
 * wilderRma(new Float64Array([1, 2, 3, 6]), 3); // => [NaN, NaN, 2, 3.333…] (seed mean(1,2,3) = 2; 2 + (6 − 2) / 3)
 * ```
 */
export function wilderRma(x: ArrayLike<number>, n: number): Float64Array {
  checkWindow("wilderRma", n);
  return seededSmoothing(x, n, 1 / n);
}

/** `y[t] = y[t-1] + alpha (x[t] - y[t-1])`, seeded with the SMA of each run's first `n` values. */
function seededSmoothing(x: ArrayLike<number>, n: number, alpha: number): Float64Array {
  const out = nans(x.length);
  let run = 0; // valid values since the last NaN
  let sum = 0;
  let y = NaN;
  for (let t = 0; t < x.length; t++) {
    const v = x[t];
    if (Number.isNaN(v)) {
      run = 0;
      sum = 0;
      continue;
    }
    run++;
    if (run < n) {
      sum += v;
      continue;
    }
    y = run === n ? (sum + v) / n : y + alpha * (v - y);
    out[t] = y;
  }
  return out;
}
