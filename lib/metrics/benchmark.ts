/**
 * Relative-to-benchmark metrics: beta, alpha, tracking error, information ratio. `returns` and
 * `benchmark` are aligned by position (same dates); only periods where both are non-NaN count.
 */

import { mean, meanOverDeviation, sampleStd } from "./core.ts";
import { checkAligned, excessReturns, pairedFinite, type RiskFree } from "./_utils.ts";

/**
 * Beta (empyrical's `beta`): `cov(r, b) / var(b)` over the periods where both are present, both
 * moments from centred values (`mean((b - mean(b)) (r - mean(r)))` over `mean((b - mean(b))^2)`), so
 * the ratio does not depend on the ddof; a constant risk-free rate shifts both series and leaves
 * beta unchanged. NaN with fewer than 2 pairs, and when the benchmark's variance is effectively zero
 * (below 1e-30, empyrical's cut-off) rather than a huge number from round-off.
 *
 * @example
 * ```ts
 * beta([0.02, 0.04, 0.00], [0.01, 0.02, 0.00]); // => 2 (r = 2 b exactly)
 * ```
 */
export function beta(returns: ArrayLike<number>, benchmark: ArrayLike<number>): number {
  const [r, b] = pairedFinite(returns, benchmark);
  if (r.length < 2) return NaN;
  const mr = mean(r);
  const mb = mean(b);
  let cov = 0;
  let varB = 0;
  for (let k = 0; k < r.length; k++) {
    cov += (r[k] - mr) * (b[k] - mb);
    varB += (b[k] - mb) * (b[k] - mb);
  }
  return varB / r.length < 1e-30 ? NaN : cov / varB;
}

/**
 * Annualised alpha (empyrical's `alpha_aligned`, compounding form):
 * `(1 + mean((r - rf) - β (b - rf)))^periodsPerYear - 1` with β = `beta(r, b)` and `riskFree` per
 * period (a constant or a series aligned with the returns), over the periods where all are present.
 * NaN with fewer than 2 such periods or an undefined beta.
 *
 * @example
 * ```ts
 * alpha([0.03, 0.05, 0.01], [0.01, 0.02, 0.00], 0, 1); // => β = 2, mean(r - 2b) = 0.01 ⇒ 0.01
 * ```
 */
export function alpha(
  returns: ArrayLike<number>,
  benchmark: ArrayLike<number>,
  riskFree: RiskFree = 0,
  periodsPerYear = 252,
): number {
  checkAligned(returns, benchmark);
  const slope = beta(returns, benchmark);
  const r = excessReturns(returns, riskFree);
  const b = excessReturns(benchmark, riskFree);
  let sum = 0;
  let n = 0;
  for (let k = 0; k < r.length; k++) {
    const residual = r[k] - slope * b[k];
    if (Number.isNaN(r[k]) || Number.isNaN(b[k])) continue;
    sum += residual;
    n++;
  }
  return n < 2 ? NaN : Math.pow(1 + sum / n, periodsPerYear) - 1;
}

/**
 * Annualised tracking error: `sampleStd(r - b) * sqrt(periodsPerYear)` (ddof = 1) of the active
 * return over the periods where both are present.
 *
 * @example
 * ```ts
 * trackingError([0.02, 0.01], [0.01, 0.01], 4); // => std(0.01, 0) = 0.0070711 ⇒ * 2 = 0.0141421
 * ```
 */
export function trackingError(
  returns: ArrayLike<number>,
  benchmark: ArrayLike<number>,
  periodsPerYear = 252,
): number {
  return sampleStd(activeReturns(returns, benchmark)) * Math.sqrt(periodsPerYear);
}

/**
 * Annualised information ratio: `mean(r - b) / sampleStd(r - b) * sqrt(periodsPerYear)` (ddof = 1).
 * Annualised like the Sharpe ratio; empyrical's `excess_sharpe` is the same ratio without the
 * `sqrt(periodsPerYear)` factor. A constant active return (up to round-off) gives ±Infinity by the
 * sign of its mean (NaN for a zero mean), as the Sharpe ratio.
 *
 * @example
 * ```ts
 * informationRatio([0.02, 0.01, 0.03], [0.01, 0.01, 0.01], 252); // => 0.01 / 0.01 * sqrt(252) ≈ 15.875
 * ```
 */
export function informationRatio(
  returns: ArrayLike<number>,
  benchmark: ArrayLike<number>,
  periodsPerYear = 252,
): number {
  const active = activeReturns(returns, benchmark);
  return meanOverDeviation(mean(active), sampleStd(active), active) * Math.sqrt(periodsPerYear);
}

/** Active return `r - b` on the periods where both are present. */
function activeReturns(returns: ArrayLike<number>, benchmark: ArrayLike<number>): Float64Array {
  const [r, b] = pairedFinite(returns, benchmark);
  for (let k = 0; k < r.length; k++) r[k] -= b[k];
  return r;
}
