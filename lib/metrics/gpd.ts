/**
 * Tail risk from extreme value theory (empyrical's `gpd_risk_estimates`): fit a generalised Pareto
 * distribution to the losses beyond a threshold by maximum likelihood, then read value-at-risk and
 * expected shortfall off the fitted tail (Gilli & Këllezi 2006, "An Application of Extreme Value
 * Theory for Measuring Financial Risk", eqs. for VaR p. 12 and ES p. 8).
 */

import { nelderMead } from "./_nelder_mead.ts";

/** The fitted tail and its risk estimates; losses are positive numbers (0.05 = a 5% loss). */
export interface GpdRiskEstimates {
  /** Loss threshold u whose exceedances were fitted. */
  readonly threshold: number;
  /** GPD scale σ. */
  readonly scale: number;
  /** GPD shape ξ (> 0: a fat tail). */
  readonly shape: number;
  /** Value-at-risk at `varP`: `u + σ/ξ · ((n / n_u · p)^(-ξ) - 1)`. */
  readonly var: number;
  /** Expected shortfall: `VaR / (1 - ξ) + (σ - ξ u) / (1 - ξ)`. */
  readonly es: number;
}

/**
 * GPD value-at-risk and expected shortfall at tail probability `varP` (default 0.01), empyrical's
 * procedure: losses are the negated returns that are > 0 (NaN skipped); starting from a threshold
 * of 0.2, fit σ and ξ to the losses ≥ the threshold by minimising the negative log-likelihood
 * `n log σ + (1/ξ + 1) Σ log(1 + ξ x / σ)` with Nelder–Mead from (1, 1) (scipy's defaults), and
 * halve the threshold until the fit converges with ξ > 0 and a positive VaR (down to 1e-9). NaN
 * everywhere when no threshold works or with fewer than 3 returns (empyrical reports zeros there).
 *
 * @example
 * ```ts
 * const { var: var99, es } = gpdRiskEstimates(dailyReturns, 0.01); // 1% tail, as losses
 * ```
 */
export function gpdRiskEstimates(returns: ArrayLike<number>, varP = 0.01): GpdRiskEstimates {
  const none = { threshold: NaN, scale: NaN, shape: NaN, var: NaN, es: NaN };
  if (returns.length < 3) return none;
  const losses: number[] = [];
  for (let k = 0; k < returns.length; k++) if (-returns[k] > 0) losses.push(-returns[k]);
  for (let threshold = 0.2; threshold > 1e-9; threshold /= 2) {
    const beyond = losses.filter((x) => x >= threshold);
    if (beyond.length === 0) continue;
    const fit = nelderMead((p) => negativeLogLikelihood(p[0], p[1], beyond), [1, 1]);
    if (!fit.success) continue;
    const [scale, shape] = fit.x;
    const var_ = gpdVar(threshold, scale, shape, varP, losses.length, beyond.length);
    if (shape > 0 && var_ > 0) {
      const es = 1 - shape !== 0 ? var_ / (1 - shape) + (scale - shape * threshold) / (1 - shape) : 0;
      return { threshold, scale, shape, var: var_, es };
    }
  }
  return none;
}

/**
 * Negative GPD log-likelihood of exceedances x (empyrical's, including its guards): with ξ ≠ 0,
 * `n log σ + (1/ξ + 1) Σ log(1 + ξ x / σ)` where σ > 0 and ξ/σ ≥ 0, else the largest double; with
 * ξ = 0 (exponential), `n log σ + Σ x / σ` for σ ≥ 0.
 */
function negativeLogLikelihood(scale: number, shape: number, x: readonly number[]): number {
  const n = x.length;
  if (shape !== 0) {
    if (scale === 0 || !(shape / scale >= 0 && scale >= 0)) return Number.MAX_VALUE;
    let sum = 0;
    for (let k = 0; k < n; k++) sum += Math.log((shape / scale) * x[k] + 1);
    return n * Math.log(scale) + (1 / shape + 1) * sum;
  }
  if (!(scale >= 0)) return Number.MAX_VALUE;
  let total = 0;
  for (let k = 0; k < n; k++) total += x[k];
  return n * Math.log(scale) + total / scale;
}

/** `u + σ/ξ · ((n / n_u · p)^(-ξ) - 1)` (0 without exceedances or for ξ ≤ 0, as empyrical). */
function gpdVar(
  threshold: number,
  scale: number,
  shape: number,
  p: number,
  total: number,
  beyond: number,
): number {
  if (!(beyond > 0 && shape > 0)) return 0;
  return threshold + (scale / shape) * (Math.pow((total / beyond) * p, -shape) - 1);
}
