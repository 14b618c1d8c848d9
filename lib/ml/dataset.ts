/**
 * The design matrix: the panel cells that have every feature, as rows (date-major, so rows are in
 * time order), with the label's value, forward return and end date of each row. Models train on the
 * labelled rows of a split; every row can be predicted.
 */
import type { FeatureMatrix } from "./features/compute.ts";
import type { LabelMatrix, Task } from "./labels.ts";
import type { SplitRows } from "./splits.ts";

/** A row-major `nRows × nCols` float32 matrix: row r, column j at `data[r * nCols + j]`. */
export interface Matrix {
  readonly data: Float32Array;
  readonly nRows: number;
  readonly nCols: number;
}

/** Rows of the panel with all features known, and their label. */
export interface Dataset extends SplitRows {
  readonly featureNames: readonly string[];
  /** The features, row-major float32 (finite everywhere). */
  readonly X: Matrix;
  /** Panel date index of each row (ascending). */
  readonly t: Int32Array;
  /** Panel security index of each row. */
  readonly i: Int32Array;
  /** Label value (NaN when the label is unknown, e.g. the last `horizon` dates). */
  readonly y: Float64Array;
  /** Simple forward return over the label horizon (NaN when unknown). */
  readonly forward: Float64Array;
  /** Date index at which the label is known (−1 when unknown). */
  readonly end: Int32Array;
  readonly label: string;
  readonly task: Task;
  readonly classes: readonly number[];
}

/**
 * Builds the dataset of a feature matrix and a label: one row per cell `(t, i)` where every feature
 * is finite, in date-major order. Features become float32.
 *
 * @example
 * ```ts
 * const data = buildDataset(computeFeatures(panel, BASE_FEATURES), computeLabel(panel, { type: "B1", horizon: 5 }));
 * data.X.nRows; // cells with all 19 features
 * ```
 */
export function buildDataset(features: FeatureMatrix, label: LabelMatrix): Dataset {
  const { columns, nDates, nSecurities: nS } = features;
  const cells = nDates * nS;
  if (label.value.length !== cells) {
    throw new RangeError(`buildDataset: the label has ${label.value.length} cells, the features ${cells}`);
  }
  const p = columns.length;
  if (p === 0) throw new RangeError("buildDataset: the feature set is empty");
  const keep = new Uint8Array(cells).fill(1);
  for (const column of columns) {
    for (let c = 0; c < cells; c++) if (!Number.isFinite(column[c])) keep[c] = 0;
  }
  let n = 0;
  for (let c = 0; c < cells; c++) n += keep[c];
  const data = new Float32Array(n * p);
  const t = new Int32Array(n), i = new Int32Array(n), end = new Int32Array(n);
  const y = new Float64Array(n), forward = new Float64Array(n);
  let r = 0;
  for (let c = 0; c < cells; c++) {
    if (!keep[c]) continue;
    t[r] = Math.floor(c / nS);
    i[r] = c % nS;
    y[r] = label.value[c];
    forward[r] = label.forward[c];
    end[r] = label.end[c];
    r++;
  }
  for (let j = 0; j < p; j++) {
    const column = columns[j];
    r = 0;
    for (let c = 0; c < cells; c++) if (keep[c]) data[r++ * p + j] = column[c];
  }
  return {
    featureNames: features.names,
    X: { data, nRows: n, nCols: p },
    t,
    i,
    y,
    forward,
    end,
    label: label.name,
    task: label.task,
    classes: label.classes,
  };
}

/**
 * The same rows and features with another label (same feature matrix, no copy): datasets of several
 * labels over one feature set share their `X`.
 *
 * @example
 * ```ts
 * const t3 = withLabel(b1Data, computeLabel(panel, { type: "T3", horizon: 5 }), panel.securityIds.length);
 * ```
 */
export function withLabel(data: Dataset, label: LabelMatrix, nSecurities: number): Dataset {
  const n = data.t.length;
  const y = new Float64Array(n), forward = new Float64Array(n), end = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const c = data.t[r] * nSecurities + data.i[r];
    y[r] = label.value[c];
    forward[r] = label.forward[c];
    end[r] = label.end[c];
  }
  return { ...data, y, forward, end, label: label.name, task: label.task, classes: label.classes };
}

/**
 * The rows `rows` of a matrix, as a new matrix.
 *
 * @example
 * ```ts
 * const Xtest = takeRows(data.X, fold.test);
 * ```
 */
export function takeRows(X: Matrix, rows: Int32Array): Matrix {
  const p = X.nCols;
  const data = new Float32Array(rows.length * p);
  for (let k = 0; k < rows.length; k++) data.set(X.data.subarray(rows[k] * p, rows[k] * p + p), k * p);
  return { data, nRows: rows.length, nCols: p };
}

/** The entries `rows` of a vector. */
export function takeValues(values: Float64Array, rows: Int32Array): Float64Array {
  return Float64Array.from(rows, (r) => values[r]);
}

/** The labelled rows among `rows` (finite label). */
export function labelledRows(data: Pick<Dataset, "y">, rows: Int32Array): Int32Array {
  return rows.filter((r) => Number.isFinite(data.y[r]));
}
