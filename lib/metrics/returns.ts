/**
 * Return-level statistics: hit rate, best and worst period, stability of the equity curve, and the
 * annual→per-period rate conversion. NaN entries are missing and skipped.
 */

import { finite } from "./core.ts";

/**
 * Converts an annual rate to the equivalent per-period rate by compounding:
 * `(1 + annualRate)^(1 / periodsPerYear) - 1`.
 *
 * @example
 * ```ts
 * periodRate(0.05, 252); // => 1.05^(1/252) - 1 ≈ 0.000193633
 * ```
 */
export function periodRate(annualRate: number, periodsPerYear = 252): number {
  return Math.pow(1 + annualRate, 1 / periodsPerYear) - 1;
}

/**
 * Cumulative returns as a series (empyrical's `cum_returns`): `Π_{s≤t}(1 + r[s]) - 1`, or with a
 * `startingValue` other than 0 the wealth `startingValue · Π(1 + r)` (1 for growth of $1, 100 for an
 * index). NaN returns count as 0 (wealth unchanged that period).
 *
 * @example
 * ```ts
 * cumulativeReturns([0.1, NaN, 0.1]); // => [0.1, 0.1, 0.21]
 * cumulativeReturns([0.1, 0.1], 100); // => [110, 121]
 * ```
 */
export function cumulativeReturns(returns: ArrayLike<number>, startingValue = 0): Float64Array {
  const out = new Float64Array(returns.length);
  let wealth = 1;
  for (let k = 0; k < returns.length; k++) {
    if (!Number.isNaN(returns[k])) wealth *= 1 + returns[k];
    out[k] = startingValue === 0 ? wealth - 1 : wealth * startingValue;
  }
  return out;
}

/**
 * Hit rate: share of periods with a strictly positive return, among the non-NaN periods. NaN when empty.
 *
 * @example
 * ```ts
 * hitRate([0.01, -0.02, 0, NaN, 0.03]); // => 2 / 4 = 0.5
 * ```
 */
export function hitRate(returns: ArrayLike<number>): number {
  const r = finite(returns);
  let wins = 0;
  for (let k = 0; k < r.length; k++) if (r[k] > 0) wins++;
  return r.length ? wins / r.length : NaN;
}

/**
 * Best single-period return (the maximum non-NaN value). NaN when empty.
 *
 * @example
 * ```ts
 * bestPeriod([0.01, -0.02, 0.03]); // => 0.03
 * ```
 */
export function bestPeriod(returns: ArrayLike<number>): number {
  const r = finite(returns);
  let best = -Infinity;
  for (let k = 0; k < r.length; k++) if (r[k] > best) best = r[k];
  return r.length ? best : NaN;
}

/**
 * Worst single-period return (the minimum non-NaN value). NaN when empty.
 *
 * @example
 * ```ts
 * worstPeriod([0.01, -0.02, 0.03]); // => -0.02
 * ```
 */
export function worstPeriod(returns: ArrayLike<number>): number {
  const r = finite(returns);
  let worst = Infinity;
  for (let k = 0; k < r.length; k++) if (r[k] < worst) worst = r[k];
  return r.length ? worst : NaN;
}

/**
 * Stability of the equity curve (empyrical's `stability_of_timeseries`): the R² of an OLS fit of the
 * cumulative log return `y[t] = Σ_{s≤t} log(1 + r[s])` on `t = 0, 1, …` over the non-NaN returns, i.e.
 * `rvalue²` of scipy's `linregress(t, y)`: `r = Sxy / sqrt(Sxx Syy)` from centred sums, clipped to
 * [-1, 1], and 0 when the curve is flat (`Syy = 0`, scipy's rule). 1 = a perfectly steady compounding
 * curve. NaN with fewer than 2 periods (or fewer than 2 non-NaN returns).
 *
 * @example
 * ```ts
 * stabilityOfTimeseries([0.01, 0.01, 0.01]); // => 1 (log-wealth is a straight line)
 * stabilityOfTimeseries([0, 0, 0]); // => 0 (flat curve, as scipy's linregress)
 * ```
 */
export function stabilityOfTimeseries(returns: ArrayLike<number>): number {
  const r = finite(returns);
  if (r.length < 2) return NaN;
  const y = new Float64Array(r.length);
  let cum = 0;
  for (let k = 0; k < r.length; k++) y[k] = cum += Math.log1p(r[k]);
  const n = r.length;
  const tMean = (n - 1) / 2;
  let yMean = 0;
  for (let k = 0; k < n; k++) yMean += y[k];
  yMean /= n;
  let sxx = 0, sxy = 0, syy = 0;
  for (let k = 0; k < n; k++) {
    const dt = k - tMean, dy = y[k] - yMean;
    sxx += dt * dt;
    sxy += dt * dy;
    syy += dy * dy;
  }
  if (syy === 0) return 0;
  const rho = Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
  return rho * rho;
}
