/**
 * Feature binning for histogram trees: each feature's values are cut at up to `maxBins − 1` edges
 * (midpoints between consecutive distinct values when there are few; else quantiles of the values),
 * and each value becomes the index of its bin, `bin(x) = #{edges < x}`. A split "bin ≤ b" is the
 * same as "x ≤ edges[b]", so fitted trees keep real thresholds and predict on raw features.
 */
import type { Matrix } from "../dataset.ts";
import { lowerBound } from "../../util/bisect.ts";
import { createRng } from "../../util/rng.ts";

/** Bin edges of every feature. */
export interface Bins {
  /** Ascending thresholds per feature; feature f has `edges[f].length + 1` bins. */
  readonly edges: readonly Float64Array[];
}

/**
 * Fits bin edges on (a seeded sample of up to `sampleRows` of) the rows: a feature with at most
 * `maxBins` distinct values gets the midpoints between them (exact splits), others the distinct
 * values at the quantiles k / maxBins (k = 1 … maxBins − 1) of the sorted sample.
 *
 * @example
 * ```ts
 * const bins = fitBins({ data: Float32Array.of(1, 2, 2, 3), nRows: 4, nCols: 1 }); // edges [1.5, 2.5]
 * ```
 */
export function fitBins(X: Matrix, maxBins = 255, sampleRows = 200_000, seed = 0): Bins {
  if (!Number.isInteger(maxBins) || maxBins < 2 || maxBins > 256) {
    throw new RangeError(`fitBins: maxBins must be an integer in [2, 256], found ${maxBins}`);
  }
  const { nRows: n, nCols: p, data } = X;
  let rows: Int32Array | undefined;
  if (n > sampleRows) {
    const rng = createRng(seed);
    rows = Int32Array.from({ length: sampleRows }, () => rng.int(n)).sort();
  }
  const m = rows ? rows.length : n;
  const values = new Float64Array(m);
  const edges: Float64Array[] = [];
  for (let f = 0; f < p; f++) {
    for (let k = 0; k < m; k++) values[k] = data[(rows ? rows[k] : k) * p + f];
    values.sort();
    let distinct = 0;
    for (let k = 0; k < m; k++) if (k === 0 || values[k] !== values[k - 1]) distinct++;
    const out: number[] = [];
    if (distinct <= maxBins) {
      for (let k = 1; k < m; k++) if (values[k] !== values[k - 1]) out.push((values[k - 1] + values[k]) / 2);
    } else {
      for (let q = 1; q < maxBins; q++) {
        const v = values[Math.min(m - 1, Math.floor((q * m) / maxBins))];
        if (out.length === 0 || v > out[out.length - 1]) out.push(v);
      }
      if (out[out.length - 1] >= values[m - 1]) out.pop(); // the maximum must fall in the last bin's right side
    }
    edges.push(Float64Array.from(out));
  }
  return { edges };
}

/**
 * Bins a matrix column by column: `out[f * nRows + r] = #{edges[f] < X[r, f]}` (column-major, so
 * a node's histogram of one feature reads one contiguous column).
 *
 * @example
 * ```ts
 * binMatrix(X, fitBins(X)); // Uint8Array of nRows × nCols bin indices
 * ```
 */
export function binMatrix(X: Matrix, bins: Bins): Uint8Array {
  const { nRows: n, nCols: p, data } = X;
  if (bins.edges.length !== p) {
    throw new RangeError(`binMatrix: bins for ${bins.edges.length} features, matrix has ${p}`);
  }
  const out = new Uint8Array(n * p);
  for (let f = 0; f < p; f++) {
    const e = bins.edges[f];
    const base = f * n;
    for (let r = 0; r < n; r++) out[base + r] = lowerBound(e, data[r * p + f]);
  }
  return out;
}
