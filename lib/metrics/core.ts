/**
 * Core return-series metrics, following empyrical's conventions (the reference behind pyfolio and
 * quantstats). Inputs are simple per-period returns; NaN entries are skipped (treated as missing).
 */

/** The non-NaN values of a series, in order. */
export function finite(returns: ArrayLike<number>): Float64Array {
  const out = new Float64Array(returns.length);
  let n = 0;
  for (let k = 0; k < returns.length; k++) {
    const r = returns[k];
    if (!Number.isNaN(r)) out[n++] = r;
  }
  return out.subarray(0, n);
}

/**
 * Total compounded return: `prod(1 + r) - 1`.
 *
 * @example
 * ```ts
 * cumulativeReturn([0.1, -0.1]); // => -0.01
 * ```
 */
export function cumulativeReturn(returns: ArrayLike<number>): number {
  const r = finite(returns);
  let wealth = 1;
  for (let k = 0; k < r.length; k++) wealth *= 1 + r[k];
  return wealth - 1;
}

/**
 * Compound annual growth rate over the series length:
 * `(1 + cumulativeReturn)^(periodsPerYear / n) - 1`. NaN for an empty series.
 *
 * @example
 * ```ts
 * annualReturn(new Array(252).fill(0.001), 252); // => 1.001^252 - 1 ≈ 0.2864
 * ```
 */
export function annualReturn(returns: ArrayLike<number>, periodsPerYear = 252): number {
  const r = finite(returns);
  if (r.length === 0) return NaN;
  const growth = 1 + cumulativeReturn(r);
  return growth <= 0 ? -1 : Math.pow(growth, periodsPerYear / r.length) - 1;
}

/** Arithmetic mean of the non-NaN values; NaN when empty. */
export function mean(values: ArrayLike<number>): number {
  const r = finite(values);
  let sum = 0;
  for (let k = 0; k < r.length; k++) sum += r[k];
  return r.length ? sum / r.length : NaN;
}

/** Sample standard deviation (ddof = 1) of the non-NaN values; NaN with fewer than 2. */
export function sampleStd(values: ArrayLike<number>): number {
  const r = finite(values);
  if (r.length < 2) return NaN;
  const m = mean(r);
  let ss = 0;
  for (let k = 0; k < r.length; k++) ss += (r[k] - m) * (r[k] - m);
  return Math.sqrt(ss / (r.length - 1));
}

/**
 * Annualised volatility: `sampleStd(r) * sqrt(periodsPerYear)` (ddof = 1).
 *
 * @example
 * ```ts
 * annualVolatility([0.01, -0.01], 252); // => 0.01414… * sqrt(252) ≈ 0.2245
 * ```
 */
export function annualVolatility(returns: ArrayLike<number>, periodsPerYear = 252): number {
  return sampleStd(returns) * Math.sqrt(periodsPerYear);
}

/**
 * Annualised Sharpe ratio: `mean(r - rf) / sampleStd(r - rf) * sqrt(periodsPerYear)`, with `rf` the
 * risk-free rate per period. NaN when the deviation is zero or undefined.
 *
 * @example
 * ```ts
 * sharpeRatio([0.01, 0.02, 0.03], 0, 252); // => 0.02 / 0.01 * sqrt(252) ≈ 31.75
 * ```
 */
export function sharpeRatio(returns: ArrayLike<number>, riskFree = 0, periodsPerYear = 252): number {
  const r = finite(returns);
  const excess = r.map((x) => x - riskFree);
  const sd = sampleStd(excess);
  return sd > 0 ? (mean(excess) / sd) * Math.sqrt(periodsPerYear) : NaN;
}

/**
 * Drawdown series: `wealth[t] / max(1, max(wealth[..t])) - 1`, wealth compounding from 1. Values ≤ 0.
 * NaN returns leave wealth unchanged.
 */
export function drawdownSeries(returns: ArrayLike<number>): Float64Array {
  const out = new Float64Array(returns.length);
  let wealth = 1;
  let peak = 1;
  for (let k = 0; k < returns.length; k++) {
    const r = returns[k];
    if (!Number.isNaN(r)) wealth *= 1 + r;
    if (wealth > peak) peak = wealth;
    out[k] = wealth / peak - 1;
  }
  return out;
}

/**
 * Maximum drawdown from a starting wealth of 1, reported ≤ 0 (empyrical's `max_drawdown`).
 *
 * @example
 * ```ts
 * maxDrawdown([0.1, -0.5, 0.2]); // => -0.5
 * ```
 */
export function maxDrawdown(returns: ArrayLike<number>): number {
  const dd = drawdownSeries(returns);
  let worst = 0;
  for (let k = 0; k < dd.length; k++) if (dd[k] < worst) worst = dd[k];
  return worst;
}
