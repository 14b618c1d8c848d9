/**
 * Core return-series metrics, following empyrical's conventions (the reference behind pyfolio and
 * quantstats). Inputs are simple per-period returns; NaN entries are missing: skipped by the
 * moments, counted as periods by the annualised growth rate (a missing day is still a day).
 */

import { excessReturns, type RiskFree } from "./_utils.ts";

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
 * Total compounded return: `prod(1 + r) - 1` over the non-NaN periods. NaN for an empty series (or
 * one with no non-NaN value): there is no return to compound.
 *
 * @example
 * ```ts
 * cumulativeReturn([0.1, -0.1]); // => -0.01
 * ```
 */
export function cumulativeReturn(returns: ArrayLike<number>): number {
  let wealth = 1;
  let seen = 0;
  for (let k = 0; k < returns.length; k++) {
    const r = returns[k];
    if (Number.isNaN(r)) continue;
    wealth *= 1 + r;
    seen++;
  }
  return seen ? wealth - 1 : NaN;
}

/**
 * Compound annual growth rate (empyrical's `annual_return` / `cagr`):
 * `(1 + cumulativeReturn)^(periodsPerYear / n) - 1` with `n = returns.length`, EVERY period of the
 * series counted, NaN rows included (a series with a missing first value is still that many periods
 * long; empyrical and quantstats agree). -1 when wealth reaches 0; NaN when it goes negative (a
 * return below -100%), for an empty series and for one without a non-NaN value.
 *
 * @example
 * ```ts
 * annualReturn(new Array(252).fill(0.001), 252); // => 1.001^252 - 1 ≈ 0.2864
 * annualReturn([NaN, 0.1, 0.1], 3); // => 1.21^(3/3) - 1 = 0.21
 * ```
 */
export function annualReturn(returns: ArrayLike<number>, periodsPerYear = 252): number {
  const growth = 1 + cumulativeReturn(returns);
  if (!(growth >= 0)) return NaN;
  return growth === 0 ? -1 : Math.pow(growth, periodsPerYear / returns.length) - 1;
}

/** Arithmetic mean of the non-NaN values; NaN when empty. */
export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  let n = 0;
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (Number.isNaN(v)) continue;
    sum += v;
    n++;
  }
  return n ? sum / n : NaN;
}

/** Sample standard deviation (ddof = 1) of the non-NaN values, centred two-pass; NaN with fewer than 2. */
export function sampleStd(values: ArrayLike<number>): number {
  const r = finite(values);
  if (r.length < 2) return NaN;
  const m = mean(r);
  let ss = 0;
  for (let k = 0; k < r.length; k++) ss += (r[k] - m) * (r[k] - m);
  return Math.sqrt(ss / (r.length - 1));
}

/**
 * Whether a standard deviation is zero up to round-off: `sd ≤ 1e-12 · max|x|` over the values it
 * was computed from. A constant series of 0.001 has a computed deviation near 1e-19 (the mean is
 * off by an ulp), which would give a Sharpe ratio of 1e16; treated as zero instead.
 *
 * @example
 * ```ts
 * negligibleDeviation(1e-19, new Float64Array([0.001, 0.001])); // => true
 * ```
 */
export function negligibleDeviation(sd: number, values: ArrayLike<number>): boolean {
  let scale = 0;
  for (let k = 0; k < values.length; k++) {
    const a = Math.abs(values[k]);
    if (a > scale) scale = a;
  }
  return sd <= 1e-12 * scale;
}

/**
 * Ratio of a mean to a deviation with IEEE semantics once round-off is removed: `m / sd`, where a
 * negligible deviation (see `negligibleDeviation`) counts as 0, so a positive mean gives +Infinity,
 * a negative one -Infinity and a zero mean NaN (numpy's `mean / std` on an exactly constant series).
 */
export function meanOverDeviation(m: number, sd: number, values: ArrayLike<number>): number {
  if (Number.isNaN(sd)) return NaN;
  return m / (negligibleDeviation(sd, values) ? 0 : sd);
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
 * Annualised Sharpe ratio (empyrical's `sharpe_ratio`):
 * `mean(r - rf) / sampleStd(r - rf) * sqrt(periodsPerYear)` over the non-NaN periods, with `rf` the
 * risk-free rate per period: a constant or a series aligned with `returns` (NaN there = missing
 * period). A zero deviation (up to round-off, see `negligibleDeviation`) gives +Infinity for a
 * positive mean, -Infinity for a negative one, NaN for a zero mean; NaN with fewer than 2 periods.
 *
 * @example
 * ```ts
 * sharpeRatio([0.01, 0.02, 0.03], 0, 252); // => 0.02 / 0.01 * sqrt(252) ≈ 31.75
 * sharpeRatio(new Array(252).fill(0.001)); // => Infinity (no deviation, positive mean)
 * ```
 */
export function sharpeRatio(
  returns: ArrayLike<number>,
  riskFree: RiskFree = 0,
  periodsPerYear = 252,
): number {
  const excess = finite(excessReturns(returns, riskFree));
  if (excess.length < 2) return NaN;
  return meanOverDeviation(mean(excess), sampleStd(excess), excess) * Math.sqrt(periodsPerYear);
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
 * Maximum drawdown from a starting wealth of 1, reported ≤ 0 (empyrical's `max_drawdown`). NaN for
 * an empty series or one without a non-NaN value.
 *
 * @example
 * ```ts
 * maxDrawdown([0.1, -0.5, 0.2]); // => -0.5
 * ```
 */
export function maxDrawdown(returns: ArrayLike<number>): number {
  if (!hasValue(returns)) return NaN;
  const dd = drawdownSeries(returns);
  let worst = 0;
  for (let k = 0; k < dd.length; k++) if (dd[k] < worst) worst = dd[k];
  return worst;
}

/** Whether the series holds at least one non-NaN value. */
export function hasValue(values: ArrayLike<number>): boolean {
  for (let k = 0; k < values.length; k++) if (!Number.isNaN(values[k])) return true;
  return false;
}
