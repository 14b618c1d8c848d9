/**
 * Hierarchical risk parity (López de Prado, "Building Diversified Portfolios that Outperform Out of
 * Sample", Journal of Portfolio Management 2016): cluster the streams by correlation, order them so
 * that similar streams sit together (quasi-diagonalisation), then split the order recursively in
 * halves, allocating between the halves in inverse proportion to their inverse-variance variance.
 *
 * Follows the paper's code: the distance `d = √((1 − ρ)/2)`, the Euclidean distance between columns
 * of `d` (`d̃`, what `scipy.cluster.hierarchy.linkage(d, "single")` computes from the square matrix),
 * single linkage, leaves in dendrogram order (each merge's lower cluster id first, as scipy labels
 * them), and bisection at `len // 2`.
 */
import { type CovarianceEstimate, gramMatrix } from "./covariance.ts";

/** The clustering of `hrpOrder`: scipy-style linkage rows `[a, b, distance, size]` and the leaf order. */
export interface HrpTree {
  /** `(k − 1) × 4` row-major: clusters a < b merged at a distance into a cluster of `size` leaves (id k + row). */
  readonly linkage: Float64Array;
  /** Streams in quasi-diagonal order. */
  readonly order: Int32Array;
}

/**
 * Single-linkage clustering of the streams on `d̃` and the quasi-diagonal order. The minimum
 * spanning tree (Prim, O(k²)) gives the merges; merges are taken in increasing distance (stable),
 * each new cluster numbered `k + step` as scipy does.
 *
 * @example
 * ```ts
 * hrpOrder(est).order; // e.g. [2, 0, 1]: streams 0 and 1 are correlated, 2 stands apart
 * ```
 */
export function hrpOrder(est: CovarianceEstimate): HrpTree {
  const { k, cov } = est;
  const d = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const rho = cov[i * k + j] / Math.sqrt(cov[i * k + i] * cov[j * k + j]);
      d[i * k + j] = i === j ? 0 : Math.sqrt(Math.max(0, (1 - rho) / 2));
    }
  }
  // d̃_ij = ‖d_i − d_j‖ from the Gram matrix of d's rows (d is symmetric: rows are columns).
  const g = gramMatrix(d, k, k);
  const dist = (i: number, j: number) =>
    Math.sqrt(Math.max(0, g[i * k + i] + g[j * k + j] - 2 * g[i * k + j]));
  // Prim's minimum spanning tree from stream 0.
  const inTree = new Uint8Array(k), best = new Float64Array(k).fill(Infinity), from = new Int32Array(k);
  const edges: { a: number; b: number; w: number }[] = [];
  let current = 0;
  inTree[0] = 1;
  for (let step = 1; step < k; step++) {
    let next = -1;
    for (let j = 0; j < k; j++) {
      if (inTree[j]) continue;
      const w = dist(current, j);
      if (w < best[j]) {
        best[j] = w;
        from[j] = current;
      }
      if (next < 0 || best[j] < best[next]) next = j;
    }
    inTree[next] = 1;
    edges.push({ a: from[next], b: next, w: best[next] });
    current = next;
  }
  edges.sort((x, y) => x.w - y.w);
  // Union-find over clusters, labelled as scipy's linkage labels them.
  const parent = Int32Array.from({ length: 2 * k - 1 }, (_, i) => i);
  const size = new Float64Array(2 * k - 1).fill(1);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]];
    return x;
  };
  const linkage = new Float64Array(Math.max(0, k - 1) * 4);
  edges.forEach((e, step) => {
    const ra = find(e.a), rb = find(e.b), id = k + step;
    parent[ra] = parent[rb] = id;
    size[id] = size[ra] + size[rb];
    linkage.set([Math.min(ra, rb), Math.max(ra, rb), e.w, size[id]], step * 4);
  });
  const order: number[] = [];
  const visit = (node: number) => {
    if (node < k) order.push(node);
    else {
      visit(linkage[(node - k) * 4]);
      visit(linkage[(node - k) * 4 + 1]);
    }
  };
  visit(2 * k - 2);
  return { linkage, order: Int32Array.from(order) };
}

/** Variance of a cluster held with inverse-variance weights: `wᵀΣ_cc w`, `w ∝ 1/σ²`. */
function clusterVariance(cov: Float64Array, k: number, items: Int32Array): number {
  let s = 0;
  for (const i of items) s += 1 / cov[i * k + i];
  let v = 0;
  for (const i of items) {
    for (const j of items) v += (1 / cov[i * k + i] / s) * (1 / cov[j * k + j] / s) * cov[i * k + j];
  }
  return v;
}

/**
 * HRP weights: long-only, summing to 1. Recursive bisection over the quasi-diagonal order: each
 * cluster with more than one stream splits at `⌊n/2⌋` into halves L and R with `α = 1 − V_L/(V_L + V_R)`
 * going to L and `1 − α` to R.
 *
 * @example
 * ```ts
 * hrpWeights(covarianceEstimate(returns, K, columns, rows)); // Float64Array summing to 1
 * ```
 */
export function hrpWeights(est: CovarianceEstimate): Float64Array {
  const { k, cov } = est;
  const w = new Float64Array(k).fill(1);
  if (k === 1) return w;
  let clusters = [hrpOrder(est).order];
  while (clusters.length) {
    const next: Int32Array[] = [];
    for (const c of clusters) {
      if (c.length > 1) next.push(c.subarray(0, c.length >> 1), c.subarray(c.length >> 1));
    }
    for (let p = 0; p < next.length; p += 2) {
      const v0 = clusterVariance(cov, k, next[p]), v1 = clusterVariance(cov, k, next[p + 1]);
      const alpha = 1 - v0 / (v0 + v1);
      for (const i of next[p]) w[i] *= alpha;
      for (const i of next[p + 1]) w[i] *= 1 - alpha;
    }
    clusters = next.filter((c) => c.length > 1);
  }
  return w;
}
