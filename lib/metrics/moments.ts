/**
 * Higher moments of the return distribution, with scipy.stats' defaults (what empyrical and quantstats
 * report): population moments (`bias=True`), kurtosis as EXCESS kurtosis (Fisher). NaN = missing.
 */

import { sampleSkewness } from "simple-statistics";
import { finite } from "./core.ts";
import { asArray } from "./_utils.ts";

/**
 * Skewness with population moments (scipy `skew(bias=True)`): `m3 / m2^1.5` with
 * `mk = mean((r - mean(r))^k)`. NaN with fewer than 3 returns or zero variance.
 *
 * @example
 * ```ts
 * skew([1, 2, 10]); // => m2 = 146/9, m3 = 3570/81 ⇒ 44.074 / 16.222^1.5 ≈ 0.67456
 * ```
 */
export function skew(returns: ArrayLike<number>): number {
  const r = finite(returns);
  return r.length < 3 ? NaN : sampleSkewness(asArray(r), true);
}

/**
 * Excess kurtosis with population moments (scipy `kurtosis(fisher=True, bias=True)`):
 * `m4 / m2^2 - 3` with `mk = mean((r - mean(r))^k)`. A normal sample gives ≈ 0. NaN with fewer than 4
 * returns or zero variance.
 *
 * @example
 * ```ts
 * kurtosis([1, 2, 3, 4]); // => m2 = 1.25, m4 = 2.5625 ⇒ 2.5625 / 1.5625 - 3 = -1.36
 * ```
 */
export function kurtosis(returns: ArrayLike<number>): number {
  const r = finite(returns);
  if (r.length < 4) return NaN;
  let sum = 0;
  for (let k = 0; k < r.length; k++) sum += r[k];
  const m = sum / r.length;
  let m2 = 0;
  let m4 = 0;
  for (let k = 0; k < r.length; k++) {
    const d2 = (r[k] - m) * (r[k] - m);
    m2 += d2;
    m4 += d2 * d2;
  }
  m2 /= r.length;
  m4 /= r.length;
  return m2 > 0 ? m4 / (m2 * m2) - 3 : NaN;
}
