/**
 * Leakage-safe train/test splits over dataset rows. A row is a (date t, security) pair whose label
 * spans the dates `[t, end]` (`end` = the date index at which the label is known, see `labels.ts`).
 *
 * Purging (López de Prado, AFML ch. 7): with a test fold covering rows dated `[a, b)` whose labels
 * reach `E` (the latest `end` among them), a training row is kept only when its label window is
 * wholly before the test period (`end < a`) or it starts after the test labels are known (`t > E`).
 * The embargo then also drops training rows starting within `embargo` dates after `E`
 * (`E < t ≤ E + embargo`), whose features still overlap the test period's serially correlated data.
 * Rows without a label (`end < 0`) never train; they are still predicted when they fall in a test fold.
 */

/** The row attributes splits need: each row's date index and label end (−1 = no label). */
export interface SplitRows {
  readonly t: Int32Array;
  readonly end: Int32Array;
}

/** One fold: row indices to train on and to test on, and the test fold's date range. */
export interface Fold {
  readonly train: Int32Array;
  readonly test: Int32Array;
  /** First test date index (inclusive). */
  readonly testStart: number;
  /** Last test date index + 1. */
  readonly testEnd: number;
  /** Date index at which every training label is known: the model can be fitted after its close. */
  readonly fittedAt: number;
}

/** Options of `walkForward`. */
export interface WalkForwardOptions {
  /** "expanding" (train on everything before the test fold) or "rolling" (the last `window` dates). */
  readonly mode?: "expanding" | "rolling";
  /** Dates in the first training window (and the rolling window's length). */
  readonly window: number;
  /** Dates per test fold. */
  readonly test: number;
  /** Dates between successive test folds' starts (default `test`: folds tile the period). */
  readonly step?: number;
}

/** Options of `purgedKFold`. */
export interface PurgedKFoldOptions {
  /** Number of folds (≥ 2). */
  readonly k: number;
  /** Dates after the test labels are known whose rows may not train (default 0). */
  readonly embargo?: number;
}

function checkRows(rows: SplitRows): { first: number; last: number } {
  if (rows.t.length !== rows.end.length) {
    throw new RangeError(`splits: t has ${rows.t.length} rows but end has ${rows.end.length}`);
  }
  let first = Infinity, last = -Infinity;
  for (let r = 0; r < rows.t.length; r++) {
    if (rows.t[r] < first) first = rows.t[r];
    if (rows.t[r] > last) last = rows.t[r];
  }
  if (!Number.isFinite(first)) throw new RangeError("splits: the dataset has no rows");
  return { first, last };
}

function positiveInteger(name: string, value: number, min = 1): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`splits: ${name} must be an integer ≥ ${min}, found ${value}`);
  }
}

/**
 * Builds a fold for test dates `[a, b)`, training on the rows dated `[trainFrom, trainTo)` that survive
 * purging and the embargo (see the module doc).
 */
function makeFold(
  rows: SplitRows,
  a: number,
  b: number,
  trainFrom: number,
  trainTo: number,
  embargo: number,
) {
  const { t, end } = rows;
  const test: number[] = [];
  let E = b - 1;
  for (let r = 0; r < t.length; r++) {
    if (t[r] >= a && t[r] < b) {
      test.push(r);
      if (end[r] > E) E = end[r];
    }
  }
  const train: number[] = [];
  let fittedAt = -1;
  for (let r = 0; r < t.length; r++) {
    if (end[r] < 0 || t[r] < trainFrom || t[r] >= trainTo) continue;
    if (!(end[r] < a || t[r] > E + embargo)) continue;
    train.push(r);
    if (end[r] > fittedAt) fittedAt = end[r];
  }
  return {
    train: Int32Array.from(train),
    test: Int32Array.from(test),
    testStart: a,
    testEnd: b,
    fittedAt,
  };
}

/**
 * Walk-forward folds: test folds of `test` dates every `step` dates, from the date `window` dates after
 * the first row's date to the last row's date; each trains on the earlier rows (all of them, or the
 * last `window` dates when `mode: "rolling"`) whose labels are known before the fold starts
 * (`end < testStart`). Out-of-sample predictions of the test folds never saw their own future.
 *
 * @example
 * ```ts
 * const folds = walkForward(dataset, { window: 504, test: 63 }); // 2 years, then quarterly refits
 * folds[0].train.length; // rows dated in the first 504 dates whose label ended before fold 1
 * ```
 */
export function walkForward(rows: SplitRows, options: WalkForwardOptions): Fold[] {
  const { first, last } = checkRows(rows);
  const { mode = "expanding", window, test } = options;
  const step = options.step ?? test;
  positiveInteger("window", window);
  positiveInteger("test", test);
  positiveInteger("step", step);
  if (mode !== "expanding" && mode !== "rolling") {
    throw new RangeError(`walkForward: mode must be "expanding" or "rolling", found "${mode}"`);
  }
  const folds: Fold[] = [];
  for (let a = first + window; a <= last; a += step) {
    const b = Math.min(a + test, last + 1);
    folds.push(makeFold(rows, a, b, mode === "rolling" ? a - window : first, a, 0));
  }
  if (folds.length === 0) {
    throw new RangeError(
      `walkForward: a training window of ${window} dates leaves no test dates (the rows span ${
        last - first + 1
      } dates)`,
    );
  }
  return folds;
}

/**
 * Purged k-fold cross-validation with an embargo: the dates spanned by the rows are cut into `k`
 * contiguous folds of (near) equal length; each fold is tested by a model trained on every other row
 * that survives purging and the embargo (module doc). For model selection and importance, not for a
 * tradable signal: a fold's model has seen the future of the dates it predicts.
 *
 * @example
 * ```ts
 * const folds = purgedKFold(dataset, { k: 5, embargo: 5 });
 * ```
 */
export function purgedKFold(rows: SplitRows, options: PurgedKFoldOptions): Fold[] {
  const { first, last } = checkRows(rows);
  const { k, embargo = 0 } = options;
  positiveInteger("k", k, 2);
  positiveInteger("embargo", embargo, 0);
  const span = last - first + 1;
  if (span < k) {
    throw new RangeError(`purgedKFold: ${k} folds need at least ${k} dates, the rows span ${span}`);
  }
  return Array.from({ length: k }, (_, f) => {
    const a = first + Math.floor((f * span) / k), b = first + Math.floor(((f + 1) * span) / k);
    return makeFold(rows, a, b, first, last + 1, embargo);
  });
}
