/**
 * Covariance estimates of return streams over a lookback: the sample covariance (ddof = 1, pandas'
 * `DataFrame.cov()`) or the Ledoit–Wolf shrunk covariance (Ledoit & Wolf 2004, "A well-conditioned
 * estimator for large-dimensional covariance matrices", with scikit-learn's `ledoit_wolf`
 * conventions: centred data, the 1/n covariance shrunk towards `mu · I`, `mu = trace / p`).
 */

/** How the covariance is estimated. */
export type Shrinkage = "none" | "ledoit_wolf";

/** Means and covariance of `k` streams over a window. */
export interface CovarianceEstimate {
  readonly k: number;
  /** Per-stream mean return per period. */
  readonly mean: Float64Array;
  /** `k × k` row-major. */
  readonly cov: Float64Array;
  /** Ledoit–Wolf shrinkage intensity δ ∈ [0, 1] (0 for the sample covariance). */
  readonly shrinkage: number;
  /** Rows the estimate used. */
  readonly n: number;
}

/**
 * The Gram matrix `G[i][j] = Σ_t x[i][t] · x[j][t]` of `k` rows of length `n` (row-major `k × n`),
 * symmetric: the hot loop of covariance and of HRP's distance of distances. The upper triangle is
 * computed in 4 × 4 tiles (16 running sums, 8 loads per 16 multiply-adds), the rows beyond the last
 * full tile one dot product at a time.
 */
export function gramMatrix(x: Float64Array, k: number, n: number): Float64Array {
  const g = new Float64Array(k * k);
  const k4 = k - (k % 4);
  for (let i = 0; i < k4; i += 4) {
    const a0 = i * n, a1 = a0 + n, a2 = a1 + n, a3 = a2 + n;
    for (let j = i; j < k4; j += 4) {
      const b0 = j * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let t = 0; t < n; t++) {
        const u0 = x[a0 + t], u1 = x[a1 + t], u2 = x[a2 + t], u3 = x[a3 + t];
        const v0 = x[b0 + t], v1 = x[b1 + t], v2 = x[b2 + t], v3 = x[b3 + t];
        s00 += u0 * v0, s01 += u0 * v1, s02 += u0 * v2, s03 += u0 * v3;
        s10 += u1 * v0, s11 += u1 * v1, s12 += u1 * v2, s13 += u1 * v3;
        s20 += u2 * v0, s21 += u2 * v1, s22 += u2 * v2, s23 += u2 * v3;
        s30 += u3 * v0, s31 += u3 * v1, s32 += u3 * v2, s33 += u3 * v3;
      }
      const r0 = i * k + j, r1 = r0 + k, r2 = r1 + k, r3 = r2 + k;
      g[r0] = s00, g[r0 + 1] = s01, g[r0 + 2] = s02, g[r0 + 3] = s03;
      g[r1] = s10, g[r1 + 1] = s11, g[r1 + 2] = s12, g[r1 + 3] = s13;
      g[r2] = s20, g[r2 + 1] = s21, g[r2 + 2] = s22, g[r2 + 3] = s23;
      g[r3] = s30, g[r3 + 1] = s31, g[r3 + 2] = s32, g[r3 + 3] = s33;
    }
  }
  for (let i = 0; i < k; i++) {
    for (let j = Math.max(i, k4); j < k; j++) {
      const a = i * n, b = j * n;
      let s = 0;
      for (let t = 0; t < n; t++) s += x[a + t] * x[b + t];
      g[i * k + j] = s;
    }
  }
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) g[j * k + i] = g[i * k + j];
  return g;
}

/**
 * Mean and covariance of the streams `columns` of a row-major `T × K` returns matrix over the rows
 * `rows` (every value finite; callers pick streams with complete data). `"none"`: sample
 * covariance with ddof = 1. `"ledoit_wolf"`: `(1 − δ) S + δ μ I` with `S` the 1/n covariance of the
 * centred rows, `μ = trace(S)/p`, and δ the Ledoit–Wolf intensity
 * `min(β̄, δ̄)/δ̄` with `δ̄ = ‖S − μI‖²_F / p` and `β̄ = (Σ_t ‖x_t x_tᵀ − S‖²_F) / (n² p)` (scikit-learn's
 * `ledoit_wolf`, `assume_centered=False`).
 *
 * @example
 * ```ts
 * const est = covarianceEstimate(returns, K, Int32Array.of(0, 1, 2), rowRange(0, 252), "ledoit_wolf");
 * est.cov[0 * 3 + 1]; // covariance of streams 0 and 1
 * ```
 */
export function covarianceEstimate(
  returns: Float64Array,
  streams: number,
  columns: Int32Array,
  rows: Int32Array,
  shrinkage: Shrinkage = "none",
): CovarianceEstimate {
  const k = columns.length, n = rows.length;
  if (n < 2) throw new RangeError(`a covariance needs at least 2 rows, found ${n}`);
  const mean = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let r = 0; r < n; r++) s += returns[rows[r] * streams + columns[j]];
    mean[j] = s / n;
  }
  // Centred, stream-major copy: contiguous rows for the Gram kernel.
  const x = new Float64Array(k * n);
  for (let j = 0; j < k; j++) {
    const c = columns[j], m = mean[j], base = j * n;
    for (let r = 0; r < n; r++) x[base + r] = returns[rows[r] * streams + c] - m;
  }
  const cov = gramMatrix(x, k, n);
  if (shrinkage === "none") {
    for (let q = 0; q < cov.length; q++) cov[q] /= n - 1;
    return { k, mean, cov, shrinkage: 0, n };
  }
  for (let q = 0; q < cov.length; q++) cov[q] /= n;
  let trace = 0;
  for (let j = 0; j < k; j++) trace += cov[j * k + j];
  const mu = trace / k;
  // ‖S‖²_F and Σ_t ‖x_t‖⁴ (scikit-learn's delta_ and beta_ sums).
  let frob = 0;
  for (let q = 0; q < cov.length; q++) frob += cov[q] * cov[q];
  let fourth = 0;
  for (let t = 0; t < n; t++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += x[j * n + t] * x[j * n + t];
    fourth += s * s;
  }
  const deltaBar = (frob - 2 * mu * trace + k * mu * mu) / k;
  const betaBar = Math.min((fourth / n - frob) / (k * n), deltaBar);
  const delta = betaBar === 0 ? 0 : betaBar / deltaBar;
  for (let q = 0; q < cov.length; q++) cov[q] *= 1 - delta;
  for (let j = 0; j < k; j++) cov[j * k + j] += delta * mu;
  return { k, mean, cov, shrinkage: delta, n };
}

/** The rows `[from, to)` as an index list. */
export function rowRange(from: number, to: number): Int32Array {
  return Int32Array.from({ length: Math.max(0, to - from) }, (_, r) => from + r);
}

/**
 * Correlation matrix of return streams over the bars where every stream has a return (`k × k`
 * row-major, Pearson), for a correlation heatmap.
 *
 * @example
 * ```ts
 * const { values, bars } = streamCorrelations(streams.returns, streams.names.length);
 * ```
 */
export function streamCorrelations(
  returns: Float64Array,
  streams: number,
): { values: Float64Array; bars: number } {
  const rows: number[] = [];
  for (let t = 0; t < returns.length / streams; t++) {
    let full = true;
    for (let i = 0; i < streams && full; i++) full = Number.isFinite(returns[t * streams + i]);
    if (full) rows.push(t);
  }
  const columns = Int32Array.from({ length: streams }, (_, i) => i);
  const { cov } = covarianceEstimate(returns, streams, columns, Int32Array.from(rows));
  const values = cov.map((c, q) => {
    const i = Math.floor(q / streams), j = q % streams;
    return c / Math.sqrt(cov[i * streams + i] * cov[j * streams + j]);
  });
  return { values, bars: rows.length };
}
