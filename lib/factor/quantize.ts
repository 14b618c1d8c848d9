/**
 * Factor quantiles and bins with pandas' edge semantics, applied per date (and per group), the way
 * Alphalens' `quantize_factor` does: `qcut` (equal-count quantiles, or explicit quantile
 * probabilities), `cut` (equal-width bins, or explicit edges), optionally zero-aware. Labels are
 * 1-based; 0 = not binned.
 */

import { linspace, quantileSorted } from "./_numpy.ts";

/** How to bin one cross-section: exactly one of `quantiles` or `bins`. */
export interface BinningOptions {
  /** Number of equal-count buckets (pandas `qcut(x, q)`), or quantile probabilities `[0, .1, .5, .9, 1]`. */
  readonly quantiles?: number | readonly number[];
  /** Number of equal-width buckets (pandas `cut(x, bins)`), or bin edges `[-4, -2, 0, 10]`. */
  readonly bins?: number | readonly number[];
  /**
   * Bin positive and negative values separately (Alphalens' `zero_aware`): values ≥ 0 get the upper
   * `q / 2` labels, values < 0 the lower ones. Needs an integer count.
   */
  readonly zeroAware?: boolean;
}

/** Why a cross-section could not be binned (labels all 0). */
export type BinFailure = "constant" | "duplicate_edges" | "empty_side" | "none";

/**
 * Number of labels a binning produces: the count, `probabilities.length - 1` or `edges.length - 1`
 * (zero-aware: `2 · floor(q / 2)`).
 */
export function labelCount(options: BinningOptions): number {
  const spec = options.quantiles ?? options.bins;
  if (spec === undefined) return 0;
  const n = typeof spec === "number" ? spec : spec.length - 1;
  return options.zeroAware ? 2 * Math.floor(n / 2) : n;
}

/**
 * Checks a binning spec, throwing a `RangeError` that names what is wrong: exactly one of
 * `quantiles` / `bins`; a count ≥ 1 (≥ 2 when zero-aware); probabilities in [0, 1] and edges strictly
 * increasing; zero-aware only with a count (as Alphalens).
 */
export function checkBinning(options: BinningOptions): void {
  const { quantiles, bins, zeroAware } = options;
  if ((quantiles === undefined) === (bins === undefined)) {
    throw new RangeError("give exactly one of quantiles or bins");
  }
  const spec = (quantiles ?? bins)!;
  const name = quantiles !== undefined ? "quantiles" : "bins";
  if (typeof spec === "number") {
    if (!Number.isInteger(spec) || spec < (zeroAware ? 2 : 1)) {
      throw new RangeError(`${name} must be an integer ≥ ${zeroAware ? 2 : 1}, found ${spec}`);
    }
    return;
  }
  if (zeroAware) throw new RangeError("zeroAware needs quantiles or bins as a count, not a list");
  if (spec.length < 2) throw new RangeError(`${name} needs at least 2 edges, found ${spec.length}`);
  for (let k = 0; k < spec.length; k++) {
    if (!Number.isFinite(spec[k]) || (k > 0 && !(spec[k] > spec[k - 1]))) {
      throw new RangeError(`${name} must be strictly increasing finite numbers, found [${spec.join(", ")}]`);
    }
    if (name === "quantiles" && !(spec[k] >= 0 && spec[k] <= 1)) {
      throw new RangeError(`quantile probabilities must lie in [0, 1], found ${spec[k]}`);
    }
  }
}

/**
 * Bins one cross-section: `values[idx[j]]` for j < n (finite, any order) → 1-based labels written to
 * `out[idx[j]]` (0 = not binned). Returns why nothing was binned, or "none". `presorted`: `idx` is
 * already in ascending order of value, so the values need no sort.
 *
 * - quantiles, a count q: pandas `qcut(x, q)`: edges `np.quantile(x, linspace(0, 1, q + 1))`,
 *   right-closed bins with the lowest edge included (`(e₀, e₁]` holds e₀ too); duplicate edges
 *   (ties spanning a quantile boundary) bin nothing — "duplicate_edges" (Alphalens' `no_raise`).
 * - quantiles, probabilities p: edges `np.quantile(x, p)`; values outside [e₀, e_last] get 0.
 * - bins, a count b: pandas `cut(x, b)`: b equal-width bins between min and max, the lowest edge
 *   moved down by 0.1% of the range so the minimum is included.
 * - bins, edges: right-closed `(e_k, e_{k+1}]`, the lowest edge excluded (pandas' default).
 * - zeroAware: the rule above with `floor(q / 2)` applied to x ≥ 0 (labels shifted up by q / 2) and
 *   to x < 0 separately; a side without values bins nothing ("empty_side"), as qcut of an empty
 *   series raises in Alphalens.
 * A constant cross-section (every value equal, ties included) is never binned — "constant" — so
 * no long/short position ever comes from column order; pandas `cut` would put it in the middle bin.
 * Ties always share a bin: edges are values, never positions.
 *
 * @example
 * ```ts
 * const out = new Int32Array(5);
 * binCrossSection(Float64Array.of(3, 1, 2, 5, 4), Int32Array.of(0, 1, 2, 3, 4), 5, { quantiles: 2 }, out);
 * // out => [2, 1, 1, 2, 2]: edges [1, 3, 5], 3 ≤ the median edge
 * ```
 */
export function binCrossSection(
  values: Float64Array,
  idx: Int32Array,
  n: number,
  options: BinningOptions,
  out: Int32Array,
  scratch: Float64Array = new Float64Array(n),
  presorted = false,
): BinFailure {
  for (let j = 0; j < n; j++) out[idx[j]] = 0;
  if (n === 0) return "empty_side";
  let min = Infinity, max = -Infinity;
  for (let j = 0; j < n; j++) {
    const v = values[idx[j]];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === max) return "constant";
  if (!options.zeroAware) return binSide(values, idx, n, options, 0, out, scratch, presorted);
  const spec = (options.quantiles ?? options.bins) as number;
  const half = Math.floor(spec / 2);
  const side = {
    ...options,
    zeroAware: false,
    quantiles: options.quantiles && half,
    bins: options.bins && half,
  };
  const pos = new Int32Array(n), neg = new Int32Array(n);
  let np = 0, nn = 0;
  for (let j = 0; j < n; j++) {
    if (values[idx[j]] >= 0) pos[np++] = idx[j];
    else neg[nn++] = idx[j];
  }
  const negative = binSide(values, neg, nn, side, 0, out, scratch, presorted);
  const positive = negative === "none"
    ? binSide(values, pos, np, side, half, out, scratch, presorted)
    : negative;
  if (positive !== "none") {
    for (let j = 0; j < n; j++) out[idx[j]] = 0;
    return positive;
  }
  return "none";
}

/** One side of a (possibly zero-aware) binning; labels offset by `shift`. */
function binSide(
  values: Float64Array,
  idx: Int32Array,
  n: number,
  options: BinningOptions,
  shift: number,
  out: Int32Array,
  scratch: Float64Array,
  presorted: boolean,
): BinFailure {
  if (n === 0) return "empty_side";
  const sorted = scratch.subarray(0, n);
  for (let j = 0; j < n; j++) sorted[j] = values[idx[j]];
  if (!presorted) sorted.sort();
  let edges: Float64Array;
  let includeLowest: boolean;
  if (options.quantiles !== undefined) {
    const probabilities = typeof options.quantiles === "number"
      ? linspace(0, 1, options.quantiles + 1)
      : Float64Array.from(options.quantiles);
    edges = probabilities.map((p) => quantileSorted(sorted, n, p));
    includeLowest = true;
  } else if (typeof options.bins === "number") {
    let mn = sorted[0] + 0.0, mx = sorted[n - 1] + 0.0;
    if (mn === mx) {
      mn -= mn !== 0 ? 0.001 * Math.abs(mn) : 0.001;
      mx += mx !== 0 ? 0.001 * Math.abs(mx) : 0.001;
      edges = linspace(mn, mx, options.bins + 1);
    } else {
      edges = linspace(mn, mx, options.bins + 1);
      edges[0] -= (mx - mn) * 0.001;
    }
    includeLowest = false;
  } else {
    edges = Float64Array.from(options.bins!);
    includeLowest = false;
  }
  if (edges.length !== 2) {
    for (let k = 1; k < edges.length; k++) if (edges[k] === edges[k - 1]) return "duplicate_edges";
  }
  const last = edges.length;
  for (let j = 0; j < n; j++) {
    const v = values[idx[j]];
    let id = countBelow(edges, v);
    if (includeLowest && v === edges[0]) id = 1;
    out[idx[j]] = id === 0 || id === last ? 0 : id + shift;
  }
  return "none";
}

/** Number of edges strictly below v (`np.searchsorted(edges, v, side="left")`). */
function countBelow(edges: Float64Array, v: number): number {
  let lo = 0, hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
