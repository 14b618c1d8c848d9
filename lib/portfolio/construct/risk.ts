/**
 * Risk of a weight vector under a covariance: variance, volatility and each asset's share of it.
 */

/** `Σw` for a `k × k` row-major covariance. */
export function covTimes(cov: Float64Array, w: ArrayLike<number>): Float64Array {
  const k = w.length, out = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += cov[i * k + j] * w[j];
    out[i] = s;
  }
  return out;
}

/** Portfolio variance `wᵀΣw`. */
export function portfolioVariance(cov: Float64Array, w: ArrayLike<number>): number {
  const sw = covTimes(cov, w);
  let v = 0;
  for (let i = 0; i < w.length; i++) v += w[i] * sw[i];
  return v;
}

/**
 * Risk contributions as shares of the portfolio variance: `RC_i = w_i (Σw)_i / wᵀΣw`, summing to 1
 * (Euler's decomposition of volatility, Maillard, Roncalli & Teïletche 2010). NaN for a zero-variance
 * portfolio.
 *
 * @example
 * ```ts
 * riskContributions(Float64Array.of(0.04, 0, 0, 0.01), [1 / 3, 2 / 3]); // => [0.5, 0.5]
 * ```
 */
export function riskContributions(cov: Float64Array, w: ArrayLike<number>): Float64Array {
  const sw = covTimes(cov, w);
  let v = 0;
  for (let i = 0; i < w.length; i++) v += w[i] * sw[i];
  return Float64Array.from(sw, (x, i) => (w[i] * x) / v);
}
