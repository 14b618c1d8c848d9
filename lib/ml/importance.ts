/**
 * Permutation feature importance (Breiman 2001; scikit-learn's `permutation_importance`): the drop in
 * a score when one feature's column is shuffled across the evaluated rows, breaking its link with the
 * target while keeping its distribution. Computed on held-out rows, it measures what the model uses
 * and does not favour high-cardinality features the way impurity importance does.
 */
import type { Matrix } from "./dataset.ts";
import { rocAuc, rocAucOvr } from "./evaluate/classification.ts";
import { r2 } from "./evaluate/regression.ts";
import type { Model } from "./models/types.ts";
import { createRng } from "../util/rng.ts";

/** Importance of each feature: mean and std (ddof 1) of the score drop over the repeats. */
export interface PermutationImportance {
  readonly feature: readonly string[];
  readonly importance: Float64Array;
  readonly std: Float64Array;
  /** The score without any permutation. */
  readonly baseline: number;
}

/**
 * The default score of a model on rows with targets `y`: ROC AUC of the score (binary), macro
 * one-vs-rest AUC (multiclass), R² (regression).
 */
export function defaultScore(model: Model, X: Matrix, y: Float64Array): number {
  if (model.task === "regression") return r2(y, model.predict(X));
  if (model.classes.length === 2) {
    return rocAuc(y.map((v) => (v === model.classes[1] ? 1 : 0)), model.score(X));
  }
  return rocAucOvr(y, model.predictProba(X), model.classes);
}

/**
 * Permutation importance of every feature on `(X, y)`: for each feature and repeat, the column is
 * shuffled (seeded Fisher–Yates) and the score recomputed; importance = baseline − permuted score.
 *
 * @example
 * ```ts
 * const pi = permutationImportance(model, Xtest, ytest, { repeats: 5, seed: 1 });
 * ```
 */
export function permutationImportance(
  model: Model,
  X: Matrix,
  y: Float64Array,
  options: { repeats?: number; seed?: number; score?: (model: Model, X: Matrix, y: Float64Array) => number } =
    {},
): PermutationImportance {
  const { repeats = 3, seed = 0, score = defaultScore } = options;
  const { nRows: n, nCols: p } = X;
  const baseline = score(model, X, y);
  const rng = createRng(seed);
  const work: Matrix = { data: X.data.slice(), nRows: n, nCols: p };
  const importance = new Float64Array(p), std = new Float64Array(p);
  const column = new Float32Array(n);
  for (let j = 0; j < p; j++) {
    const drops: number[] = [];
    for (let k = 0; k < repeats; k++) {
      for (let r = 0; r < n; r++) column[r] = X.data[r * p + j];
      for (let r = n - 1; r > 0; r--) {
        const s = rng.int(r + 1);
        [column[r], column[s]] = [column[s], column[r]];
      }
      for (let r = 0; r < n; r++) work.data[r * p + j] = column[r];
      drops.push(baseline - score(model, work, y));
    }
    for (let r = 0; r < n; r++) work.data[r * p + j] = X.data[r * p + j];
    const m = drops.reduce((a, b) => a + b, 0) / repeats;
    importance[j] = m;
    std[j] = repeats > 1 ? Math.sqrt(drops.reduce((a, b) => a + (b - m) ** 2, 0) / (repeats - 1)) : 0;
  }
  return { feature: model.featureNames, importance, std, baseline };
}
