/**
 * Per-security features strategies share, as date-major `T × N` matrices computed from the panel's
 * adjusted prices and returns (so splits and dividends never look like moves). Every value at row t
 * uses data up to the close of t only, and is NaN where the security has no price at t (it could not
 * be traded on the decision).
 */
import { bySecurity } from "../indicators/by_security.ts";
import { rollingStd } from "../indicators/rolling.ts";
import { field, type Panel } from "../panel/types.ts";
import { trailingReturn } from "../suite/baselines.ts";

/**
 * Whether security i has an adjusted close on date t (the cell is tradeable).
 *
 * @example
 * ```ts
 * const valid = pricedAt(panel);
 * valid(0, 3); // => true when security 3 traded on the first date
 * ```
 */
export function pricedAt(panel: Panel): (t: number, i: number) => boolean {
  const close = field(panel, "adj_close"), N = panel.securityIds.length;
  return (t, i) => close[t * N + i] === close[t * N + i];
}

/** Sets NaN where the security has no price on the date (in place) and returns `x`. */
export function maskUnpriced(panel: Panel, x: Float64Array): Float64Array {
  const close = field(panel, "adj_close");
  for (let c = 0; c < x.length; c++) if (close[c] !== close[c]) x[c] = NaN;
  return x;
}

/**
 * Momentum: the compounded return from the close `lookback` bars ago to the close `skip` bars ago,
 * `Π(1 + ret[t−lookback+1 .. t−skip]) − 1` (12-1 momentum: lookback 252, skip 21). NaN when a return
 * in the window is missing.
 *
 * @example
 * ```ts
 * const mom = momentumScore(panel, 252, 21);
 * ```
 */
export function momentumScore(panel: Panel, lookback: number, skip: number): Float64Array {
  if (!(Number.isInteger(lookback) && Number.isInteger(skip) && skip >= 0 && lookback > skip)) {
    throw new RangeError(
      `momentum: need integers lookback > skip ≥ 0, found lookback ${lookback}, skip ${skip}`,
    );
  }
  return maskUnpriced(panel, trailingReturn(panel, lookback - skip, skip));
}

/**
 * Trailing volatility: the sample standard deviation (ddof 1) of the `window` daily returns ending
 * `skip` bars before t, annualised by `sqrt(periodsPerYear)`. NaN when a return in the window is missing.
 *
 * @example
 * ```ts
 * const vol = trailingVolatility(panel, 252); // annualised 1-year volatility
 * ```
 */
export function trailingVolatility(panel: Panel, window: number, skip = 0): Float64Array {
  const T = panel.dates.length, N = panel.securityIds.length;
  const std = bySecurity(field(panel, "ret"), T, N, (r) => rollingStd(r, window));
  const out = new Float64Array(T * N).fill(NaN);
  const scale = Math.sqrt(panel.periodsPerYear);
  for (let c = skip * N; c < out.length; c++) out[c] = std[c - skip * N] * scale;
  return maskUnpriced(panel, out);
}

/**
 * Adjusted high and low: the raw high and low scaled by each bar's adjustment factor
 * (`adj_close / close`), so they sit on the same scale as `adj_close`.
 *
 * @example
 * ```ts
 * const { high, low } = adjustedHighLow(panel);
 * ```
 */
export function adjustedHighLow(panel: Panel): { high: Float64Array; low: Float64Array } {
  const close = field(panel, "close"), adj = field(panel, "adj_close");
  const rawHigh = field(panel, "high"), rawLow = field(panel, "low");
  const high = new Float64Array(close.length), low = new Float64Array(close.length);
  for (let c = 0; c < close.length; c++) {
    const factor = adj[c] / close[c];
    high[c] = rawHigh[c] * factor;
    low[c] = rawLow[c] * factor;
  }
  return { high, low };
}

/**
 * Target weights with every no-decision row (all NaN) replaced by the latest decided row before it
 * (rows before the first decision stay NaN): the target in force at each date.
 *
 * @example
 * ```ts
 * const inForce = carryDecisions(weights, T, N);
 * ```
 */
export function carryDecisions(weights: Float64Array, nT: number, nS: number): Float64Array {
  const out = Float64Array.from(weights);
  let last = -1;
  for (let t = 0; t < nT; t++) {
    let decided = false;
    for (let i = 0; i < nS && !decided; i++) decided = out[t * nS + i] === out[t * nS + i];
    if (decided) last = t;
    else if (last >= 0) out.copyWithin(t * nS, last * nS, (last + 1) * nS);
  }
  return out;
}

/**
 * An equal-weight index of the panel's securities: the level `Π(1 + mean ret)` over the names with a
 * return each date (1 before the first), what a trend filter reads when the run has no benchmark.
 *
 * @example
 * ```ts
 * const level = equalWeightIndex(panel);
 * ```
 */
export function equalWeightIndex(panel: Panel): Float64Array {
  const ret = field(panel, "ret"), T = panel.dates.length, N = panel.securityIds.length;
  const level = new Float64Array(T);
  let value = 1;
  for (let t = 0; t < T; t++) {
    let sum = 0, n = 0;
    for (let i = 0; i < N; i++) {
      const r = ret[t * N + i];
      if (r === r) (sum += r, n++);
    }
    if (n) value *= 1 + sum / n;
    level[t] = value;
  }
  return level;
}
