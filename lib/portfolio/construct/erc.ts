/**
 * Equal risk contribution (risk parity) weights: every stream contributes the same share of the
 * portfolio variance (Maillard, Roncalli & Teïletche 2010). Solved by cyclical coordinate descent on
 * Spinu's (2013) convex programme `min ½ yᵀΣy − Σ bᵢ ln yᵢ` (Griveau-Billion, Richard & Roncalli
 * 2013), whose optimum has `yᵢ (Σy)ᵢ = bᵢ`; the weights are `w = y / Σy`.
 */
import type { CovarianceEstimate } from "./covariance.ts";

/** Options of `ercWeights`. */
export interface ErcOptions {
  /** Risk budgets (default equal); normalised to sum to 1. */
  readonly budgets?: ArrayLike<number>;
  /** Stop when every `yᵢ(Σy)ᵢ` is within this relative distance of its budget (default 1e-11). */
  readonly tolerance?: number;
  readonly maxSweeps?: number;
}

/**
 * Equal-risk-contribution (or risk-budget) weights: `w_i (Σw)_i / wᵀΣw = b_i` to `tolerance`.
 * Each coordinate step solves `Σᵢᵢ yᵢ² + cᵢ yᵢ − bᵢ = 0` (`cᵢ = Σ_{j≠i} Σᵢⱼ yⱼ`) in closed form, with
 * `Σy` kept up to date in O(k), so a sweep costs O(k²).
 *
 * @example
 * ```ts
 * ercWeights({ k: 2, cov: Float64Array.of(0.04, 0, 0, 0.01), … }); // => [1/3, 2/3]: each half the risk
 * ```
 */
export function ercWeights(est: CovarianceEstimate, options: ErcOptions = {}): Float64Array {
  const { k, cov } = est;
  const { tolerance = 1e-11, maxSweeps = 10_000 } = options;
  const b = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < k; i++) total += b[i] = options.budgets ? options.budgets[i] : 1;
  for (let i = 0; i < k; i++) b[i] /= total;
  for (let i = 0; i < k; i++) {
    if (!(cov[i * k + i] > 0)) {
      throw new RangeError(`equal risk contribution needs positive variances (stream ${i})`);
    }
  }
  // Start from inverse volatility, scaled so that yᵀΣy ≈ 1.
  const y = Float64Array.from({ length: k }, (_, i) => 1 / Math.sqrt(cov[i * k + i]));
  const sy = new Float64Array(k);
  let quad = 0;
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += cov[i * k + j] * y[j];
    sy[i] = s;
    quad += y[i] * s;
  }
  const scale = 1 / Math.sqrt(quad);
  for (let i = 0; i < k; i++) {
    y[i] *= scale;
    sy[i] *= scale;
  }
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    for (let i = 0; i < k; i++) {
      const sii = cov[i * k + i];
      const c = sy[i] - sii * y[i];
      const next = (-c + Math.sqrt(c * c + 4 * sii * b[i])) / (2 * sii);
      const d = next - y[i];
      if (d !== 0) {
        y[i] = next;
        const row = i * k;
        for (let j = 0; j < k; j++) sy[j] += cov[row + j] * d;
      }
    }
    if (worstGap(y, sy, b) <= tolerance) {
      // Confirm on an exact Σy (the running one accumulates round-off).
      for (let i = 0; i < k; i++) {
        let acc = 0;
        for (let j = 0; j < k; j++) acc += cov[i * k + j] * y[j];
        sy[i] = acc;
      }
      if (worstGap(y, sy, b) <= tolerance) break;
    }
  }
  let s = 0;
  for (let i = 0; i < k; i++) s += y[i];
  return y.map((v) => v / s);
}

/** Largest relative gap between `yᵢ(Σy)ᵢ` and its budget. */
function worstGap(y: Float64Array, sy: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < y.length; i++) worst = Math.max(worst, Math.abs(y[i] * sy[i] - b[i]) / b[i]);
  return worst;
}
