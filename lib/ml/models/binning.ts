/**
 * Feature binning for histogram trees: each feature's values are cut at up to `maxBins − 1` edges
 * (midpoints between consecutive distinct values when there are few; else quantiles of the values),
 * and each value becomes the index of its bin, `bin(x) = #{edges < x}`. A split "bin ≤ b" is the
 * same as "x ≤ edges[b]", so fitted trees keep real thresholds and predict on raw features.
 */
import type { Matrix } from "../dataset.ts";
import { lowerBound } from "../../util/bisect.ts";
import { createRng } from "../../util/rng.ts";
import { sortByKey } from "../../engine/sort.ts";

/** Bin edges of every feature. */
export interface Bins {
  /** Ascending thresholds per feature; feature f has `edges[f].length + 1` bins. */
  readonly edges: readonly Float64Array[];
}

/** Edges from ascending `values[0..m)`: midpoints between distinct values, or quantiles when there are many. */
function edgesOf(values: Float64Array, m: number, maxBins: number): Float64Array {
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
  return Float64Array.from(out);
}

function checkMaxBins(maxBins: number): void {
  if (!Number.isInteger(maxBins) || maxBins < 2 || maxBins > 256) {
    throw new RangeError(`fitBins: maxBins must be an integer in [2, 256], found ${maxBins}`);
  }
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
  return binTraining(X, maxBins, sampleRows, seed).bins;
}

/**
 * Fits the bins of a training matrix and bins it in the same pass: when every row is used for the
 * edges, each column is sorted once (radix sort with row ids) and the bins are read off in sorted
 * order, with no search per value. Same result as `binMatrix(X, fitBins(X, …))`.
 *
 * @example
 * ```ts
 * const { bins, binned } = binTraining(train.X);
 * ```
 */
export function binTraining(
  X: Matrix,
  maxBins = 255,
  sampleRows = 200_000,
  seed = 0,
): { bins: Bins; binned: Uint8Array } {
  checkMaxBins(maxBins);
  const { nRows: n, nCols: p, data } = X;
  if (n > sampleRows) {
    const rng = createRng(seed);
    const rows = Int32Array.from({ length: sampleRows }, () => rng.int(n)).sort();
    const values = new Float64Array(sampleRows);
    const edges = Array.from({ length: p }, (_, f) => {
      for (let k = 0; k < sampleRows; k++) values[k] = data[rows[k] * p + f];
      values.sort();
      return edgesOf(values, sampleRows, maxBins);
    });
    const bins = { edges };
    return { bins, binned: binMatrix(X, bins) };
  }
  const keys = new Float64Array(n), ids = new Int32Array(n);
  const binned = new Uint8Array(n * p);
  const edges: Float64Array[] = [];
  for (let f = 0; f < p; f++) {
    for (let r = 0; r < n; r++) {
      keys[r] = data[r * p + f];
      ids[r] = r;
    }
    sortByKey(keys, ids, n);
    const e = edgesOf(keys, n, maxBins);
    edges.push(e);
    // bin(x) = #{edges < x}: walk the sorted values with a pointer into the edges
    let b = 0;
    for (let k = 0; k < n; k++) {
      while (b < e.length && e[b] < keys[k]) b++;
      binned[ids[k] * p + f] = b;
    }
  }
  return { bins: { edges }, binned };
}

/**
 * Bins a matrix: `out[r * nCols + f] = #{edges[f] < X[r, f]}`, row-major like the matrix, so a node's
 * histograms read each of its rows' bins from one cache line, whatever order the rows are in.
 *
 * @example
 * ```ts
 * binMatrix(X, fitBins(X)); // Uint8Array of nRows × nCols bin indices
 * ```
 */
export function binMatrix(X: Matrix, bins: Bins): Uint8Array {
  checkMaxBins(Math.max(2, ...bins.edges.map((e) => e.length + 1)));
  const { nRows: n, nCols: p, data } = X;
  if (bins.edges.length !== p) {
    throw new RangeError(`binMatrix: bins for ${bins.edges.length} features, matrix has ${p}`);
  }
  const out = new Uint8Array(n * p);
  for (let f = 0; f < p; f++) {
    const e = bins.edges[f];
    for (let r = 0; r < n; r++) out[r * p + f] = lowerBound(e, data[r * p + f]);
  }
  return out;
}
