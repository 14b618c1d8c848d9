/**
 * Higher moments of the return distribution. `skew` and `kurtosis` follow scipy.stats' defaults, what
 * empyrical reports: population moments (`bias=True`), kurtosis as EXCESS kurtosis (Fisher).
 * quantstats reports pandas' bias-corrected estimators instead (`Series.skew()` = G1,
 * `Series.kurt()` = G2, also excess); they are offered under their own names, `skewAdjusted` and
 * `kurtosisAdjusted`. NaN = missing.
 */

import { sampleKurtosis, sampleSkewness } from "simple-statistics";
import { finite } from "./core.ts";
import { asArray } from "./_utils.ts";

/**
 * Skewness with population moments (scipy `skew(bias=True)`, empyrical): `m3 / m2^1.5` with
 * `mk = mean((r - mean(r))^k)`. NaN with fewer than 3 returns or zero variance.
 *
 * @example
 * ```ts
 * skew([1, 2, 10]); // => m2 = 146/9, m3 = 3570/81 ⇒ 44.074 / 16.222^1.5 ≈ 0.67456
 * ```
 */
export function skew(returns: ArrayLike<number>): number {
  const r = finite(returns);
  return r.length < 3 || !(centralMoment(r, 2) > 0) ? NaN : sampleSkewness(asArray(r), true);
}

/**
 * Excess kurtosis with population moments (scipy `kurtosis(fisher=True, bias=True)`, empyrical):
 * `m4 / m2^2 - 3` with `mk = mean((r - mean(r))^k)`. A normal sample gives ≈ 0. NaN with fewer than
 * 4 returns or zero variance.
 *
 * @example
 * ```ts
 * kurtosis([1, 2, 3, 4]); // => m2 = 1.25, m4 = 2.5625 ⇒ 2.5625 / 1.5625 - 3 = -1.36
 * ```
 */
export function kurtosis(returns: ArrayLike<number>): number {
  const r = finite(returns);
  if (r.length < 4) return NaN;
  const m2 = centralMoment(r, 2);
  return m2 > 0 ? centralMoment(r, 4) / (m2 * m2) - 3 : NaN;
}

/**
 * Bias-corrected skewness G1 (pandas `Series.skew()`, what quantstats reports):
 * `n Σ(r - mean)^3 / ((n - 1)(n - 2) s^3)` with the sample deviation s (ddof = 1); equals
 * `skew(r) · sqrt(n (n - 1)) / (n - 2)`. NaN with fewer than 3 returns or zero variance (pandas
 * returns 0 there).
 *
 * @example
 * ```ts
 * skewAdjusted([1, 2, 10]); // => 0.67456 · sqrt(6) / 1 ≈ 1.65233
 * ```
 */
export function skewAdjusted(returns: ArrayLike<number>): number {
  const r = finite(returns);
  return r.length < 3 || !(centralMoment(r, 2) > 0) ? NaN : sampleSkewness(asArray(r));
}

/**
 * Bias-corrected excess kurtosis G2 (pandas `Series.kurt()`, what quantstats reports):
 * `(n - 1) / ((n - 2)(n - 3)) · ((n + 1) m4 / m2^2 · … )`, i.e.
 * `((n + 1) g2 + 6) (n - 1) / ((n - 2)(n - 3))` with g2 = `kurtosis(r)`. NaN with fewer than 4
 * returns or zero variance (pandas returns 0 there).
 *
 * @example
 * ```ts
 * kurtosisAdjusted([1, 2, 3, 4]); // => ((5 · -1.36) + 6) · 3 / (2 · 1) = -1.2
 * ```
 */
export function kurtosisAdjusted(returns: ArrayLike<number>): number {
  const r = finite(returns);
  return r.length < 4 || !(centralMoment(r, 2) > 0) ? NaN : sampleKurtosis(asArray(r));
}

/** `mean((r - mean(r))^k)` of already-finite values. */
function centralMoment(r: Float64Array, k: number): number {
  let sum = 0;
  for (let j = 0; j < r.length; j++) sum += r[j];
  const m = sum / r.length;
  let acc = 0;
  for (let j = 0; j < r.length; j++) acc += Math.pow(r[j] - m, k);
  return acc / r.length;
}
