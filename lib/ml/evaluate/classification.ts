/**
 * Classification metrics on typed arrays, with scikit-learn's conventions (`sklearn.metrics` 1.2):
 * labels are numbers (class values such as 0/1 or −1/0/+1), probabilities are row-major `n × K`
 * matrices whose columns follow an explicit `classes` list. Rows whose truth or prediction is NaN are
 * skipped by every metric, so out-of-sample vectors with gaps can be passed as they are.
 */
import { sortByKey } from "../../engine/sort.ts";

/** Counts of (true class, predicted class) pairs: `counts[a * K + b]` = rows of class `classes[a]` predicted `classes[b]`. */
export interface ConfusionMatrix {
  readonly classes: readonly number[];
  /** Row-major `K × K`: rows are the true class, columns the predicted class (sklearn's layout). */
  readonly counts: Float64Array;
}

function checkLengths(name: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) {
    throw new RangeError(`${name}: yTrue has ${a.length} rows but the predictions have ${b.length}`);
  }
}

/**
 * Confusion matrix over `classes` (default: the sorted distinct values of both vectors). Rows with a
 * class outside `classes` are refused with a `RangeError` naming the value.
 *
 * @example
 * ```ts
 * confusionMatrix([0, 1, 1], [0, 0, 1]).counts; // => [1, 0, 1, 1] (true 0→pred 0; true 1→pred 0, 1)
 * ```
 */
export function confusionMatrix(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  classes?: readonly number[],
): ConfusionMatrix {
  checkLengths("confusionMatrix", yTrue, yPred);
  const list = classes ?? distinctClasses(yTrue, yPred);
  const index = new Map(list.map((c, k) => [c, k]));
  const K = list.length;
  const counts = new Float64Array(K * K);
  for (let r = 0; r < yTrue.length; r++) {
    const t = yTrue[r], p = yPred[r];
    if (Number.isNaN(t) || Number.isNaN(p)) continue;
    const a = index.get(t), b = index.get(p);
    if (a === undefined || b === undefined) {
      throw new RangeError(
        `confusionMatrix: row ${r} has class ${a === undefined ? t : p}, expected one of ${list.join(", ")}`,
      );
    }
    counts[a * K + b]++;
  }
  return { classes: list, counts };
}

/** Sorted distinct non-NaN values of the given vectors. */
export function distinctClasses(...vectors: ArrayLike<number>[]): number[] {
  const seen = new Set<number>();
  for (const v of vectors) for (let r = 0; r < v.length; r++) if (!Number.isNaN(v[r])) seen.add(v[r]);
  return [...seen].sort((a, b) => a - b);
}

/**
 * Share of rows predicted correctly: `mean(yPred == yTrue)`.
 *
 * @example
 * ```ts
 * accuracy([0, 1, 1, 1], [0, 1, 0, 1]); // => 0.75
 * ```
 */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkLengths("accuracy", yTrue, yPred);
  let n = 0, hit = 0;
  for (let r = 0; r < yTrue.length; r++) {
    if (Number.isNaN(yTrue[r]) || Number.isNaN(yPred[r])) continue;
    n++;
    if (yTrue[r] === yPred[r]) hit++;
  }
  return n ? hit / n : NaN;
}

/**
 * Balanced accuracy: the mean over the classes present in `yTrue` of each class's recall
 * (`sklearn.metrics.balanced_accuracy_score`, `adjusted=False`). 0.5 for any constant prediction in a
 * binary problem, however imbalanced the data.
 *
 * @example
 * ```ts
 * balancedAccuracy([0, 0, 0, 1], [0, 0, 0, 0]); // => 0.5 (recall 1 for class 0, 0 for class 1)
 * ```
 */
export function balancedAccuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const { classes, counts } = confusionMatrix(yTrue, yPred);
  const K = classes.length;
  let sum = 0, present = 0;
  for (let a = 0; a < K; a++) {
    let row = 0;
    for (let b = 0; b < K; b++) row += counts[a * K + b];
    if (row === 0) continue;
    sum += counts[a * K + a] / row;
    present++;
  }
  return present ? sum / present : NaN;
}

/** Precision, recall and F1 of one class or their macro average. */
export interface PrecisionRecallF1 {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/**
 * Precision `tp / (tp + fp)`, recall `tp / (tp + fn)` and F1 (their harmonic mean) of the class
 * `positive` (default 1, sklearn's `average="binary"`), or with `average: "macro"` the unweighted mean
 * of each class's three numbers over `classes` (default: every class seen). A ratio with a zero
 * denominator is 0 (sklearn's `zero_division=0`).
 *
 * @example
 * ```ts
 * precisionRecallF1([0, 1, 1, 1], [1, 1, 0, 1]); // => { precision: 2/3, recall: 2/3, f1: 2/3 }
 * ```
 */
export function precisionRecallF1(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: { positive?: number; average?: "binary" | "macro"; classes?: readonly number[] } = {},
): PrecisionRecallF1 {
  const { positive = 1, average = "binary" } = options;
  const { classes, counts } = confusionMatrix(
    yTrue,
    yPred,
    options.classes ?? [...new Set([...distinctClasses(yTrue, yPred), positive])].sort((a, b) => a - b),
  );
  const K = classes.length;
  const one = (k: number): PrecisionRecallF1 => {
    let predicted = 0, actual = 0;
    for (let j = 0; j < K; j++) {
      predicted += counts[j * K + k];
      actual += counts[k * K + j];
    }
    const tp = counts[k * K + k];
    const precision = predicted ? tp / predicted : 0;
    const recall = actual ? tp / actual : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1 };
  };
  if (average === "binary") return one(classes.indexOf(positive));
  const all = classes.map((_, k) => one(k));
  const avg = (key: keyof PrecisionRecallF1) => all.reduce((s, x) => s + x[key], 0) / (K || NaN);
  return { precision: avg("precision"), recall: avg("recall"), f1: avg("f1") };
}

/**
 * Area under the ROC curve of `score` for the binary truth `yTrue` (1 = positive, anything else
 * negative), by the Mann–Whitney statistic with midranks: tied scores count one half, exactly as
 * `sklearn.metrics.roc_auc_score`'s trapezoids. NaN when only one class is present.
 * `AUC = (Σ rank(positives) − n₁(n₁ + 1)/2) / (n₁ n₀)`.
 *
 * @example
 * ```ts
 * rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // => 0.75
 * rocAuc([0, 1], [0.5, 0.5]); // => 0.5 (a tie counts one half)
 * ```
 */
export function rocAuc(yTrue: ArrayLike<number>, score: ArrayLike<number>): number {
  checkLengths("rocAuc", yTrue, score);
  const keys = new Float64Array(yTrue.length);
  const ids = new Int32Array(yTrue.length);
  let n = 0;
  for (let r = 0; r < yTrue.length; r++) {
    if (Number.isNaN(yTrue[r]) || !Number.isFinite(score[r])) continue;
    keys[n] = score[r];
    ids[n] = r;
    n++;
  }
  sortByKey(keys, ids, n);
  let rankSum = 0, positives = 0;
  for (let j = 0; j < n;) {
    let k = j + 1;
    while (k < n && keys[k] === keys[j]) k++;
    const rank = (j + 1 + k) / 2;
    for (let m = j; m < k; m++) {
      if (yTrue[ids[m]] === 1) {
        rankSum += rank;
        positives++;
      }
    }
    j = k;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Macro one-vs-rest ROC AUC of an `n × K` probability matrix: the mean over classes of
 * `rocAuc(yTrue == classes[k], proba[:, k])` (sklearn's `multi_class="ovr", average="macro"`); with
 * two classes, the AUC of the second column.
 *
 * @example
 * ```ts
 * rocAucOvr([-1, 0, 1], Float64Array.of(0.8, 0.1, 0.1, 0.2, 0.6, 0.2, 0.1, 0.2, 0.7), [-1, 0, 1]); // => 1
 * ```
 */
export function rocAucOvr(yTrue: ArrayLike<number>, proba: Float64Array, classes: readonly number[]): number {
  const K = classes.length;
  checkProba("rocAucOvr", yTrue, proba, K);
  const n = yTrue.length;
  const column = (k: number) => Float64Array.from({ length: n }, (_, r) => proba[r * K + k]);
  const member = (k: number) =>
    Float64Array.from(
      { length: n },
      (_, r) => Number.isNaN(yTrue[r]) ? NaN : yTrue[r] === classes[k] ? 1 : 0,
    );
  if (K === 2) return rocAuc(member(1), column(1));
  let sum = 0;
  for (let k = 0; k < K; k++) sum += rocAuc(member(k), column(k));
  return sum / K;
}

function checkProba(name: string, yTrue: ArrayLike<number>, proba: Float64Array, K: number): void {
  if (proba.length !== yTrue.length * K) {
    throw new RangeError(
      `${name}: proba has ${proba.length} values, expected rows × classes = ${yTrue.length} × ${K}`,
    );
  }
}

/**
 * Brier score of an `n × K` probability matrix: binary (K = 2) `mean((p₁ − [y = classes[1]])²)`
 * (`sklearn.metrics.brier_score_loss`); multiclass the original Brier sum
 * `mean(Σ_k (p_k − [y = classes[k]])²)`.
 *
 * @example
 * ```ts
 * brierScore([0, 1], Float64Array.of(0.9, 0.1, 0.2, 0.8), [0, 1]); // => ((0.1)² + (0.2)²) / 2 = 0.025
 * ```
 */
export function brierScore(
  yTrue: ArrayLike<number>,
  proba: Float64Array,
  classes: readonly number[],
): number {
  const K = classes.length;
  checkProba("brierScore", yTrue, proba, K);
  let sum = 0, n = 0;
  for (let r = 0; r < yTrue.length; r++) {
    if (Number.isNaN(yTrue[r]) || Number.isNaN(proba[r * K])) continue;
    n++;
    if (K === 2) {
      const d = proba[r * K + 1] - (yTrue[r] === classes[1] ? 1 : 0);
      sum += d * d;
    } else {
      for (let k = 0; k < K; k++) {
        const d = proba[r * K + k] - (yTrue[r] === classes[k] ? 1 : 0);
        sum += d * d;
      }
    }
  }
  return n ? sum / n : NaN;
}

/**
 * Log loss (cross-entropy) `−mean(log p_{true class})` with probabilities clipped to
 * `[eps, 1 − eps]` and each row renormalised, as `sklearn.metrics.log_loss` 1.2 (`eps = 1e-15`).
 *
 * @example
 * ```ts
 * logLoss([0, 1], Float64Array.of(0.8, 0.2, 0.4, 0.6), [0, 1]); // => −(ln 0.8 + ln 0.6) / 2 ≈ 0.3670
 * ```
 */
export function logLoss(
  yTrue: ArrayLike<number>,
  proba: Float64Array,
  classes: readonly number[],
  eps = 1e-15,
): number {
  const K = classes.length;
  checkProba("logLoss", yTrue, proba, K);
  const index = new Map(classes.map((c, k) => [c, k]));
  let sum = 0, n = 0;
  for (let r = 0; r < yTrue.length; r++) {
    if (Number.isNaN(yTrue[r]) || Number.isNaN(proba[r * K])) continue;
    const k = index.get(yTrue[r]);
    if (k === undefined) {
      throw new RangeError(`logLoss: row ${r} has class ${yTrue[r]}, expected one of ${classes.join(", ")}`);
    }
    let total = 0;
    for (let j = 0; j < K; j++) total += Math.min(1 - eps, Math.max(eps, proba[r * K + j]));
    sum -= Math.log(Math.min(1 - eps, Math.max(eps, proba[r * K + k])) / total);
    n++;
  }
  return n ? sum / n : NaN;
}
