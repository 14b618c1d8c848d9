/**
 * Downside-risk measures and the ratios built on them (Sortino, Calmar, Omega), following empyrical.
 * Inputs are simple per-period returns; NaN entries are missing and skipped. Required returns and
 * thresholds are per period: a constant or a series aligned with the returns.
 */

import { annualReturn, finite, maxDrawdown, mean } from "./core.ts";
import { excessReturns, type RiskFree } from "./_utils.ts";

/**
 * Annualised downside deviation over ALL periods (empyrical's `downside_risk`):
 * `sqrt(mean(min(r - requiredReturn, 0)^2)) * sqrt(periodsPerYear)`; periods above the target count
 * as zero, and the mean divides by every non-NaN period. NaN when empty.
 *
 * @example
 * ```ts
 * downsideRisk([0.02, -0.01, 0.01, -0.03], 0, 252); // => sqrt((0.0001 + 0.0009) / 4) * sqrt(252) ≈ 0.25100
 * ```
 */
export function downsideRisk(
  returns: ArrayLike<number>,
  requiredReturn: RiskFree = 0,
  periodsPerYear = 252,
): number {
  const d = finite(excessReturns(returns, requiredReturn));
  if (d.length === 0) return NaN;
  let ss = 0;
  for (let k = 0; k < d.length; k++) if (d[k] < 0) ss += d[k] * d[k];
  return Math.sqrt(ss / d.length) * Math.sqrt(periodsPerYear);
}

/**
 * Annualised Sortino ratio (empyrical's `sortino_ratio`):
 * `mean(r - requiredReturn) * periodsPerYear / downsideRisk(r, requiredReturn, periodsPerYear)`.
 * Plain IEEE division, as numpy: +Infinity with no period below the target and a positive mean. NaN
 * with fewer than 2 returns.
 *
 * @example
 * ```ts
 * sortinoRatio([0.02, -0.01, 0.01, -0.03], 0, 252); // => -0.0025 * 252 / 0.25100 ≈ -2.5100
 * ```
 */
export function sortinoRatio(
  returns: ArrayLike<number>,
  requiredReturn: RiskFree = 0,
  periodsPerYear = 252,
): number {
  const d = finite(excessReturns(returns, requiredReturn));
  if (d.length < 2) return NaN;
  return (mean(d) * periodsPerYear) / downsideRisk(d, 0, periodsPerYear);
}

/**
 * Calmar ratio (empyrical's `calmar_ratio`): `annualReturn(r) / |maxDrawdown(r)|`, CAGR over the
 * series length (NaN rows included) and drawdown from a starting wealth of 1. NaN when there is no
 * drawdown or the ratio is infinite.
 *
 * @example
 * ```ts
 * calmarRatio([0.1, -0.2, 0.1], 3); // => (1.1 * 0.8 * 1.1 - 1) / 0.2 = -0.032 / 0.2 = -0.16
 * ```
 */
export function calmarRatio(returns: ArrayLike<number>, periodsPerYear = 252): number {
  const dd = maxDrawdown(returns);
  if (!(dd < 0)) return NaN;
  const ratio = annualReturn(returns, periodsPerYear) / -dd;
  return Number.isFinite(ratio) ? ratio : NaN;
}

/**
 * Omega ratio (empyrical's `omega_ratio`) at a per-period `threshold`:
 * `Σ max(r - threshold, 0) / Σ max(threshold - r, 0)`. NaN when no period falls below the threshold
 * and with fewer than 2 returns. (empyrical takes an annual `required_return` and converts it as
 * `(1 + R)^(1/ann) - 1`; pass `periodRate(R, periodsPerYear)` to reproduce that.)
 *
 * @example
 * ```ts
 * omegaRatio([0.02, -0.01, 0.01, -0.03], 0); // => 0.03 / 0.04 = 0.75
 * ```
 */
export function omegaRatio(returns: ArrayLike<number>, threshold: RiskFree = 0): number {
  const d = finite(excessReturns(returns, threshold));
  if (d.length < 2) return NaN;
  let gains = 0;
  let losses = 0;
  for (let k = 0; k < d.length; k++) {
    if (d[k] > 0) gains += d[k];
    else losses -= d[k];
  }
  return losses > 0 ? gains / losses : NaN;
}
