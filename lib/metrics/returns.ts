/**
 * Return-level statistics: hit rate, best and worst period, stability of the equity curve, and the
 * annual→per-period rate conversion. NaN entries are missing and skipped.
 */

import { sampleCorrelation } from "simple-statistics";
import { finite } from "./core.ts";
import { asArray } from "./_utils.ts";

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
 * the squared Pearson correlation of `y` with `t`. 1 = a perfectly steady compounding curve. NaN with
 * fewer than 2 returns or a flat curve.
 *
 * @example
 * ```ts
 * stabilityOfTimeseries([0.01, 0.01, 0.01]); // => 1 (log-wealth is a straight line)
 * ```
 */
export function stabilityOfTimeseries(returns: ArrayLike<number>): number {
  const r = finite(returns);
  if (r.length < 2) return NaN;
  const t = new Float64Array(r.length);
  const y = new Float64Array(r.length);
  let cum = 0;
  for (let k = 0; k < r.length; k++) {
    cum += Math.log1p(r[k]);
    t[k] = k;
    y[k] = cum;
  }
  const rho = sampleCorrelation(asArray(t), asArray(y));
  return rho * rho;
}
