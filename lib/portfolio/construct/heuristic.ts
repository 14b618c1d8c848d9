/**
 * Weighting rules that need no optimiser: equal weight, inverse volatility and rolling-Sharpe weights.
 * Each takes a covariance estimate of the eligible streams and returns long-only weights summing to 1.
 */
import type { CovarianceEstimate } from "./covariance.ts";

/** `1/k` each. */
export function equalWeights(est: CovarianceEstimate): Float64Array {
  return new Float64Array(est.k).fill(1 / est.k);
}

/**
 * Inverse volatility: `w_i ∝ 1/σ_i` (σ from the covariance diagonal); a stream with zero volatility
 * takes all the weight, shared equally among such streams.
 *
 * @example
 * ```ts
 * inverseVolWeights({ k: 2, cov: Float64Array.of(0.04, 0, 0, 0.01), … }); // => [1/3, 2/3]
 * ```
 */
export function inverseVolWeights(est: CovarianceEstimate): Float64Array {
  const { k, cov } = est;
  const inv = Float64Array.from({ length: k }, (_, i) => 1 / Math.sqrt(cov[i * k + i]));
  if (inv.some((v) => v === Infinity)) return normalise(inv.map((v) => (v === Infinity ? 1 : 0)));
  return normalise(inv);
}

/**
 * Rolling-Sharpe weights: `w_i ∝ max(SR_i, 0)` with `SR_i = mean_i / σ_i` over the lookback (per
 * period; the scale cancels). Equal weights when no stream has a positive Sharpe ratio.
 *
 * @example
 * ```ts
 * rollingSharpeWeights(est); // streams with a negative trailing Sharpe ratio get 0
 * ```
 */
export function rollingSharpeWeights(est: CovarianceEstimate): Float64Array {
  const { k, cov, mean } = est;
  const score = Float64Array.from({ length: k }, (_, i) => {
    const sr = mean[i] / Math.sqrt(cov[i * k + i]);
    return sr > 0 && Number.isFinite(sr) ? sr : 0;
  });
  return score.some((v) => v > 0) ? normalise(score) : equalWeights(est);
}

/** Scales non-negative scores to sum to 1. */
export function normalise(scores: Float64Array): Float64Array {
  let s = 0;
  for (const v of scores) s += v;
  return scores.map((v) => v / s);
}
