/** Momentum oscillators built from the moving averages: Wilder's RSI and MACD. */
import { checkWindow, nans } from "./_utils.ts";
import { ema, wilderRma } from "./moving_average.ts";

/**
 * Wilder's relative strength index: with `d[t] = close[t] - close[t-1]`, gains `max(d, 0)` and losses
 * `max(-d, 0)` are smoothed with `wilderRma(·, n)` (seeded with the mean of the first `n` changes, so the
 * first value is at bar `n`, as TA-Lib `RSI`), and `RSI = 100 · avgGain / (avgGain + avgLoss)`
 * (= `100 − 100 / (1 + RS)`). A window without any change (both averages 0) gives 50, neutral (TA-Lib
 * returns 0 there, pandas formulas NaN). A NaN close breaks the changes on both sides and the
 * smoothing restarts after it (see `wilderRma`).
 *
 * @example
 * ```ts
 * rsi(new Float64Array([1, 2, 3, 2]), 2); // => [NaN, NaN, 100, 50] (gains 1,1,0; losses 0,0,1 → (½)/(½+½))
 * ```
 */
export function rsi(close: ArrayLike<number>, n = 14): Float64Array {
  checkWindow("rsi", n);
  const gain = nans(close.length);
  const loss = nans(close.length);
  for (let t = 1; t < close.length; t++) {
    const d = close[t] - close[t - 1]; // NaN when either close is missing
    gain[t] = d > 0 ? d : Number.isNaN(d) ? NaN : 0;
    loss[t] = d < 0 ? -d : Number.isNaN(d) ? NaN : 0;
  }
  const g = wilderRma(gain, n);
  const l = wilderRma(loss, n);
  const out = nans(close.length);
  for (let t = 0; t < close.length; t++) {
    const total = g[t] + l[t];
    out[t] = total > 0 ? (100 * g[t]) / total : total === 0 ? 50 : NaN;
  }
  return out;
}

/** The three MACD lines. */
export interface Macd {
  /** `ema(close, fast) − ema(close, slow)`, first value at bar `slow − 1`. */
  macd: Float64Array;
  /** `ema(macd, signal)`, first value at bar `slow + signal − 2`. */
  signal: Float64Array;
  /** `macd − signal`. */
  histogram: Float64Array;
}

/**
 * Moving average convergence/divergence (Appel): `macd = ema(close, fast) − ema(close, slow)`,
 * `signal = ema(macd, signal)`, `histogram = macd − signal`, every EMA being `ema` (alpha `2/(n+1)`,
 * SMA seed). The signal line starts once `signal` MACD values exist (bar 33 for 12/26/9, as TA-Lib).
 * TA-Lib's `MACD` re-seeds the fast EMA at the slow one's first bar, so its first values differ slightly
 * from this composition and converge to it within a few dozen bars.
 *
 * @example
 * ```ts
 * const { macd: line, signal, histogram } = macd(close); // 12, 26, 9
 * ```
 */
export function macd(close: ArrayLike<number>, fast = 12, slow = 26, signal = 9): Macd {
  checkWindow("macd fast", fast);
  checkWindow("macd slow", slow);
  checkWindow("macd signal", signal);
  if (fast >= slow) throw new RangeError(`macd: fast must be < slow, found fast ${fast}, slow ${slow}`);
  const f = ema(close, fast);
  const s = ema(close, slow);
  const line = new Float64Array(close.length);
  for (let t = 0; t < close.length; t++) line[t] = f[t] - s[t];
  const sig = ema(line, signal);
  const histogram = new Float64Array(close.length);
  for (let t = 0; t < close.length; t++) histogram[t] = line[t] - sig[t];
  return { macd: line, signal: sig, histogram };
}
