/**
 * One CART tree on binned features (the kernel the forest and its workers run): Gini impurity for
 * classification, squared error for regression, sample weights (bootstrap counts), depth and leaf
 * limits, and a random subset of features tried at each node. Histograms per (node, feature) give
 * the best split over the feature's bins in one pass over the node's rows.
 *
 * Each node tries features in a random order until `maxFeatures` non-constant ones have been
 * evaluated (so a node is only a leaf when no feature can split it: scikit-learn's rule). The split
 * maximising the impurity decrease `W·I(node) − W_L·I(left) − W_R·I(right)` wins; the decreases
 * summed per feature are the tree's impurity importance (MDI).
 */
import type { Rng } from "../../util/rng.ts";

/** Growth limits of one tree. */
export interface TreeParams {
  readonly maxDepth: number;
  readonly minSamplesLeaf: number;
  readonly minSamplesSplit: number;
  /** Non-constant features to evaluate per node (≥ 1; capped at the feature count). */
  readonly maxFeatures: number;
}

/** The training data of a tree: binned features and targets. */
export interface TreeData {
  /** Row-major bins, `binned[r * nFeatures + f]`. */
  readonly binned: Uint8Array;
  readonly nRows: number;
  readonly nFeatures: number;
  /** Bin edges per feature (`edges[f][b]` is the threshold of "bin ≤ b"). */
  readonly edges: readonly Float64Array[];
  /** Classes (≥ 2) or 0 for regression. */
  readonly nClasses: number;
  /** Class index per row (classification). */
  readonly codes?: Uint8Array;
  /** Target per row (regression). */
  readonly targets?: Float64Array;
}

/** A fitted tree as flat arrays (node 0 is the root; `feature[k] = −1` marks a leaf). */
export interface TreeArrays {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Per node `nValues` numbers: class fractions (classification) or the mean target (regression). */
  readonly value: Float64Array;
  /** Impurity decrease per feature, summed over the tree's splits. */
  readonly importance: Float64Array;
}

/**
 * Grows one tree on the rows with positive weight.
 *
 * @example
 * ```ts
 * const tree = buildTree(data, weights, { maxDepth: 8, minSamplesLeaf: 1, minSamplesSplit: 2, maxFeatures: 4 }, rng);
 * ```
 */
export function buildTree(data: TreeData, weights: Float64Array, params: TreeParams, rng: Rng): TreeArrays {
  const { binned, nRows: n, nFeatures: p, edges, nClasses } = data;
  const K = nClasses > 0 ? nClasses : 1;
  const regression = nClasses === 0;
  const codes = data.codes, targets = data.targets;
  const maxFeatures = Math.min(p, Math.max(1, params.maxFeatures));
  const { maxDepth, minSamplesLeaf: minLeaf } = params;
  const minSplit = Math.max(params.minSamplesSplit, 2 * minLeaf);

  // In-bag rows, with their weight and target kept beside them (permuted together when a node is
  // partitioned), so histograms read those sequentially and only the feature's bin at random.
  let m = 0;
  for (let r = 0; r < n; r++) if (weights[r] > 0) m++;
  const rows = new Int32Array(m), rowWeight = new Float64Array(m);
  const rowCode = new Uint8Array(regression ? 0 : m), rowTarget = new Float64Array(regression ? m : 0);
  for (let r = 0, j = 0; r < n; r++) {
    if (!(weights[r] > 0)) continue;
    rows[j] = r;
    rowWeight[j] = weights[r];
    if (regression) rowTarget[j] = targets![r];
    else rowCode[j] = codes![r];
    j++;
  }

  const maxNodes = Math.min(2 ** (maxDepth + 1) - 1, 2 * m - 1 || 1);
  const tree = treeStorage(maxNodes, K, p);
  const value = tree.value;

  let maxBins = 1;
  for (const e of edges) maxBins = Math.max(maxBins, e.length + 1);
  const hist = new Float64Array(maxBins * (regression ? 2 : K)); // class weights, or (Σw, Σwy) per bin
  const counts = new Int32Array(maxBins);
  const totals = new Float64Array(regression ? 2 : K);
  const leftTotals = new Float64Array(regression ? 2 : K);
  const bestLeft = new Float64Array(regression ? 2 : K);
  // Per node: total weight, and class weights (classification) or (Σw, Σwy) (regression).
  const nodeW = new Float64Array(maxNodes);
  const nodeTotals = new Float64Array(maxNodes * (regression ? 2 : K));
  const order = Int32Array.from({ length: p }, (_, f) => f);

  const swapRows = (a: number, b: number) => {
    const r = rows[a];
    rows[a] = rows[b];
    rows[b] = r;
    const w = rowWeight[a];
    rowWeight[a] = rowWeight[b];
    rowWeight[b] = w;
    if (regression) {
      const y = rowTarget[a];
      rowTarget[a] = rowTarget[b];
      rowTarget[b] = y;
    } else {
      const c = rowCode[a];
      rowCode[a] = rowCode[b];
      rowCode[b] = c;
    }
  };

  // Explicit stack of nodes to expand: (node, start, end, depth).
  const stack: number[] = [0, 0, m, 0];
  while (stack.length) {
    const depth = stack.pop()!, end = stack.pop()!, start = stack.pop()!, node = stack.pop()!;
    // The node's totals: summed at the root, handed down by the parent's split otherwise.
    const width = regression ? 2 : K;
    if (node === 0) {
      for (let j = start; j < end; j++) {
        const w = rowWeight[j];
        nodeTotals[0] += w;
        if (regression) nodeTotals[1] += w * rowTarget[j];
        else nodeTotals[rowCode[j]] += w;
      }
      if (!regression) {
        nodeW[0] = 0;
        for (let k = 0; k < K; k++) nodeW[0] += nodeTotals[k];
      } else nodeW[0] = nodeTotals[0];
    }
    const W = nodeW[node];
    for (let k = 0; k < width; k++) totals[k] = nodeTotals[node * width + k];
    // Node value and its impurity proxy Σ wk² / W (classification) or S² / W (regression).
    let parentProxy = 0;
    if (regression) {
      value[node] = totals[1] / W;
      parentProxy = (totals[1] * totals[1]) / W;
    } else {
      for (let k = 0; k < K; k++) {
        value[node * K + k] = totals[k] / W;
        parentProxy += (totals[k] * totals[k]) / W;
      }
    }
    const count = end - start;
    if (depth >= maxDepth || count < minSplit || isPure(totals, W, regression, rowTarget, start, end)) {
      continue;
    }

    let bestGain = 1e-12 * W, bestFeature = -1, bestBin = -1, bestWL = 0;
    let evaluated = 0;
    for (let v = 0; v < p && evaluated < maxFeatures; v++) {
      const swap = v + rng.int(p - v); // partial Fisher–Yates: the next random feature
      const f = order[swap];
      order[swap] = order[v];
      order[v] = f;
      const nBins = edges[f].length + 1;
      hist.fill(0, 0, nBins * width);
      counts.fill(0, 0, nBins);
      if (regression) {
        for (let j = start; j < end; j++) {
          const b = binned[rows[j] * p + f], w = rowWeight[j];
          hist[2 * b] += w;
          hist[2 * b + 1] += w * rowTarget[j];
          counts[b]++;
        }
      } else {
        for (let j = start; j < end; j++) {
          const b = binned[rows[j] * p + f];
          hist[b * K + rowCode[j]] += rowWeight[j];
          counts[b]++;
        }
      }
      let nonEmpty = 0;
      for (let b = 0; b < nBins && nonEmpty < 2; b++) if (counts[b] > 0) nonEmpty++;
      if (nonEmpty < 2) continue; // constant in this node: does not count towards maxFeatures
      evaluated++;
      leftTotals.fill(0);
      let WL = 0, countL = 0;
      for (let b = 0; b < nBins - 1; b++) {
        if (counts[b] === 0) continue;
        countL += counts[b];
        if (countL >= count) break;
        let proxy: number;
        if (regression) {
          WL += hist[2 * b];
          leftTotals[0] = WL;
          leftTotals[1] += hist[2 * b + 1];
          const WR = W - WL, SR = totals[1] - leftTotals[1];
          proxy = (leftTotals[1] * leftTotals[1]) / WL + (SR * SR) / WR;
        } else {
          let sumL = 0, sumR = 0;
          for (let k = 0; k < K; k++) {
            const h = hist[b * K + k];
            WL += h;
            leftTotals[k] += h;
          }
          const WR = W - WL;
          for (let k = 0; k < K; k++) {
            const l = leftTotals[k], rr = totals[k] - l;
            sumL += l * l;
            sumR += rr * rr;
          }
          proxy = sumL / WL + sumR / WR;
        }
        if (countL < minLeaf || count - countL < minLeaf) continue;
        const gain = proxy - parentProxy;
        if (gain > bestGain) {
          bestGain = gain;
          bestFeature = f;
          bestBin = b;
          bestWL = WL;
          bestLeft.set(leftTotals);
        }
      }
    }
    if (bestFeature < 0) continue;

    // Partition the node's rows: bin ≤ bestBin to the left.
    let i = start, k = end - 1;
    while (i <= k) {
      if (binned[rows[i] * p + bestFeature] <= bestBin) i++;
      else {
        swapRows(i, k--);
      }
    }
    const [l, rgt] = tree.split(node, bestFeature, edges[bestFeature][bestBin], bestGain);
    nodeW[l] = bestWL;
    nodeW[rgt] = W - bestWL;
    for (let k = 0; k < width; k++) {
      nodeTotals[l * width + k] = bestLeft[k];
      nodeTotals[rgt * width + k] = totals[k] - bestLeft[k];
    }
    stack.push(rgt, i, end, depth + 1, l, start, i, depth + 1);
  }
  return tree.done();
}

/** A node is pure when one class holds all its weight, or (regression) every target is equal. */
function isPure(
  totals: Float64Array,
  W: number,
  regression: boolean,
  rowTarget: Float64Array,
  start: number,
  end: number,
): boolean {
  if (!regression) {
    for (let k = 0; k < totals.length; k++) if (totals[k] >= W * (1 - 1e-12)) return true;
    return false;
  }
  for (let j = start + 1; j < end; j++) if (rowTarget[j] !== rowTarget[start]) return false;
  return true;
}

/** A tree being grown: node arrays, `split` to turn a leaf into a split with two new leaf children. */
export interface TreeStorage {
  /** Per node `width` leaf values (fill `value[node * width + k]`). */
  readonly value: Float64Array;
  /** Splits `node` on `feature ≤ threshold`, adding `gain` to the feature's importance; returns [left, right]. */
  split(node: number, feature: number, threshold: number, gain: number): [number, number];
  /** The grown tree, trimmed to its nodes. */
  done(): TreeArrays;
}

/**
 * Storage for a tree of at most `maxNodes` nodes with `width` values per node over `p` features; node 0
 * is the root, and children are allocated in pairs (right = left + 1, which prediction relies on).
 */
export function treeStorage(maxNodes: number, width: number, p: number): TreeStorage {
  const feature = new Int32Array(maxNodes).fill(-1);
  const threshold = new Float64Array(maxNodes);
  const left = new Int32Array(maxNodes).fill(-1);
  const right = new Int32Array(maxNodes).fill(-1);
  const value = new Float64Array(maxNodes * width);
  const importance = new Float64Array(p);
  let nNodes = 1;
  return {
    value,
    split(node, f, thr, gain) {
      const l = nNodes++, r = nNodes++;
      feature[node] = f;
      threshold[node] = thr;
      left[node] = l;
      right[node] = r;
      importance[f] += gain;
      return [l, r];
    },
    done: () => ({
      feature: feature.slice(0, nNodes),
      threshold: threshold.slice(0, nNodes),
      left: left.slice(0, nNodes),
      right: right.slice(0, nNodes),
      value: value.slice(0, nNodes * width),
      importance,
    }),
  };
}
