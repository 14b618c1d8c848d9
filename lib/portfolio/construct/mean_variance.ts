/**
 * Long-only mean-variance weights: the minimum-variance portfolio and the maximum-Sharpe (tangency)
 * portfolio, each the exact solution of a quadratic programme (`qp.ts`).
 */
import type { CovarianceEstimate } from "./covariance.ts";
import { solveSimplexQp } from "./qp.ts";

/**
 * Long-only minimum variance: `argmin wᵀΣw` over `w ≥ 0, Σw = 1`. For two assets this is the closed
 * form `w₁ = (σ₂² − σ₁₂) / (σ₁² + σ₂² − 2σ₁₂)` clipped to [0, 1].
 *
 * @example
 * ```ts
 * minVarianceWeights(est); // e.g. [0.2, 0.8] for variances 0.04 and 0.01, uncorrelated
 * ```
 */
export function minVarianceWeights(est: CovarianceEstimate): Float64Array {
  return solveSimplexQp(est.cov, new Float64Array(est.k).fill(1));
}

/**
 * Long-only maximum Sharpe ratio (risk-free rate 0): `argmax μᵀw / √(wᵀΣw)` over `w ≥ 0, Σw = 1`,
 * solved as `min yᵀΣy` over `y ≥ 0, μᵀy = 1` and `w = y / Σy` (Cornuejols & Tütüncü, Optimization
 * Methods in Finance, §8.2). Without a positive mean there is no tangency portfolio: the minimum-variance
 * weights are returned instead (`fallback: true`).
 *
 * @example
 * ```ts
 * maxSharpeWeights(est).weights; // uncorrelated assets: w ∝ μ_i / σ_i² where positive
 * ```
 */
export function maxSharpeWeights(est: CovarianceEstimate): { weights: Float64Array; fallback: boolean } {
  if (!est.mean.some((m) => m > 0)) return { weights: minVarianceWeights(est), fallback: true };
  const y = solveSimplexQp(est.cov, est.mean);
  let s = 0;
  for (const v of y) s += v;
  return { weights: y.map((v) => v / s), fallback: false };
}
