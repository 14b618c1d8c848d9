/**
 * Tree ensembles as flat arrays (every tree's nodes concatenated, children as global node indices)
 * and the prediction kernel the forest and the boosted trees share.
 */
import type { Matrix } from "../dataset.ts";
import { decodeArray, encodeArray, type EncodedArray } from "./_codec.ts";
import type { TreeArrays } from "./tree.ts";

/** Trees in flat arrays; tree `k`'s root is node `roots[k]`; each node holds `width` values. */
export interface Ensemble {
  readonly roots: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
  readonly width: number;
}

/** Concatenates trees into one ensemble (child indices shifted to global node indices). */
export function concatTrees(trees: readonly TreeArrays[], width: number): Ensemble {
  let total = 0;
  for (const t of trees) total += t.feature.length;
  const roots = new Int32Array(trees.length);
  const feature = new Int32Array(total), left = new Int32Array(total), right = new Int32Array(total);
  const threshold = new Float64Array(total), value = new Float64Array(total * width);
  let at = 0;
  trees.forEach((t, k) => {
    roots[k] = at;
    feature.set(t.feature, at);
    threshold.set(t.threshold, at);
    value.set(t.value, at * width);
    for (let j = 0; j < t.feature.length; j++) {
      left[at + j] = t.left[j] < 0 ? -1 : t.left[j] + at;
      right[at + j] = t.right[j] < 0 ? -1 : t.right[j] + at;
    }
    at += t.feature.length;
  });
  return { roots, feature, threshold, left, right, value, width };
}

/**
 * The ensemble laid out for branch-free prediction: every internal node's children are adjacent
 * (right = left + 1, as the trees are grown), so a step is `node = child[node] + (x > threshold)`;
 * a leaf points to itself with threshold +∞, so every row takes exactly `depth[tree]` steps and
 * the rows of a block advance together (independent loads instead of one chain of mispredicted
 * branches).
 */
interface Walk {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly child: Int32Array;
  readonly depth: Int32Array;
}

const walks = new WeakMap<Ensemble, Walk>();

function walkOf(e: Ensemble): Walk {
  let walk = walks.get(e);
  if (walk) return walk;
  const n = e.feature.length;
  const feature = new Int32Array(n), threshold = new Float64Array(n), child = new Int32Array(n);
  const level = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    if (e.feature[k] < 0) {
      threshold[k] = Infinity;
      child[k] = k;
      continue;
    }
    if (e.right[k] !== e.left[k] + 1) {
      throw new RangeError(
        `tree ensemble: node ${k}'s children are not adjacent (${e.left[k]}, ${e.right[k]})`,
      );
    }
    feature[k] = e.feature[k];
    threshold[k] = e.threshold[k];
    child[k] = e.left[k];
  }
  const depth = new Int32Array(e.roots.length);
  e.roots.forEach((root, t) => {
    const end = t + 1 < e.roots.length ? e.roots[t + 1] : n;
    for (let k = root; k < end; k++) {
      if (e.feature[k] >= 0) level[e.left[k]] = level[e.right[k]] = level[k] + 1;
      if (level[k] > depth[t]) depth[t] = level[k];
    }
  });
  walk = { feature, threshold, child, depth };
  walks.set(e, walk);
  return walk;
}

/** Rows per block: each tree is walked for a block of rows while it sits in cache. */
const BLOCK = 128;

/**
 * Sums the leaf values of trees `[0, nTrees)` for every row: `out[r * width + k] = Σ_trees leaf_k`.
 * A row goes left when `x[feature] ≤ threshold`, right when greater (NaN goes left).
 */
export function sumLeaves(e: Ensemble, X: Matrix, nTrees = e.roots.length): Float64Array {
  const { roots, value, width } = e;
  const { feature, threshold, child, depth } = walkOf(e);
  const { data, nRows, nCols: p } = X;
  const out = new Float64Array(nRows * width);
  const at = new Int32Array(BLOCK);
  for (let from = 0; from < nRows; from += BLOCK) {
    const size = Math.min(nRows, from + BLOCK) - from;
    for (let k = 0; k < nTrees; k++) {
      at.fill(roots[k], 0, size);
      for (let d = depth[k]; d > 0; d--) {
        for (let j = 0, base = from * p; j < size; j++, base += p) {
          const node = at[j];
          at[j] = child[node] + +(data[base + feature[node]] > threshold[node]); // unary + : no branch
        }
      }
      if (width === 1) { for (let j = 0; j < size; j++) out[from + j] += value[at[j]]; }
      else {
        for (let j = 0; j < size; j++) {
          const o = (from + j) * width, v = at[j] * width;
          for (let c = 0; c < width; c++) out[o + c] += value[v + c];
        }
      }
    }
  }
  return out;
}

/** The ensemble's arrays encoded for a saved model. */
export function encodeEnsemble(e: Ensemble): Record<string, EncodedArray | number> {
  return {
    width: e.width,
    roots: encodeArray(e.roots),
    feature: encodeArray(e.feature),
    threshold: encodeArray(e.threshold),
    left: encodeArray(e.left),
    right: encodeArray(e.right),
    value: encodeArray(e.value),
  };
}

/** Restores `encodeEnsemble`'s output. */
export function decodeEnsemble(state: Record<string, unknown>): Ensemble {
  const a = (key: string) => state[key] as EncodedArray;
  return {
    width: state.width as number,
    roots: decodeArray(a("roots"), "i32"),
    feature: decodeArray(a("feature"), "i32"),
    threshold: decodeArray(a("threshold"), "f64"),
    left: decodeArray(a("left"), "i32"),
    right: decodeArray(a("right"), "i32"),
    value: decodeArray(a("value"), "f64"),
  };
}
