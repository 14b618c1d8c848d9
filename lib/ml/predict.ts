/**
 * Out-of-sample predictions: every fold's model is fitted on the fold's training rows and predicts
 * its test rows, so each predicted row comes from a model that never saw its label. Also records, per
 * row, the date at which its model could be fitted (every training label known) — what makes the
 * predictions' `date_avail` honest.
 */
import { type Dataset, labelledRows, takeRows, takeValues } from "./dataset.ts";
import type { Fold } from "./splits.ts";
import { fitModel } from "./models/registry.ts";
import type { FitOptions, Model, ModelSpec } from "./models/types.ts";
import { createRng } from "../util/rng.ts";

/** Predictions of the test rows of every fold. */
export interface OutOfSample {
  /** Dataset rows predicted, ascending (each in one fold). */
  readonly rows: Int32Array;
  /** `Model.score` per row. */
  readonly score: Float64Array;
  /** Predicted class or value per row. */
  readonly predicted: Float64Array;
  /** Row-major `rows × classes` probabilities (classification). */
  readonly proba?: Float64Array;
  /** Fold index of each row. */
  readonly fold: Int32Array;
  /** Date index at whose close the row's model could be fitted. */
  readonly fittedAt: Int32Array;
  /** The last fold's model (fitted on the most data). */
  readonly lastModel: Model;
}

/** Options of `predictOutOfSample`. */
export interface OutOfSampleOptions extends Pick<FitOptions, "seed" | "workers"> {
  /** Fit on a seeded random subset of at most this many training rows per fold (time order kept). */
  readonly maxTrainRows?: number;
  /** Called after each fold with (done, total). */
  readonly onFold?: (done: number, total: number) => void;
}

/**
 * Seeded subset of at most `max` rows, in their original order.
 *
 * @example
 * ```ts
 * sampleRows(Int32Array.of(5, 6, 7, 8), 2, 1); // two of them, ascending
 * ```
 */
export function sampleRows(rows: Int32Array, max: number | undefined, seed: number): Int32Array {
  if (max === undefined || rows.length <= max) return rows;
  const rng = createRng(seed);
  const pick = rows.slice();
  for (let k = 0; k < max; k++) {
    const j = k + rng.int(pick.length - k);
    [pick[k], pick[j]] = [pick[j], pick[k]];
  }
  return pick.subarray(0, max).sort();
}

/**
 * Fits `spec` on each fold's (labelled) training rows and predicts the fold's test rows.
 *
 * @example
 * ```ts
 * const oos = await predictOutOfSample(data, { type: "forest" }, walkForward(data, { window: 504, test: 126 }));
 * ```
 */
export async function predictOutOfSample(
  data: Dataset,
  spec: ModelSpec,
  folds: readonly Fold[],
  options: OutOfSampleOptions = {},
): Promise<OutOfSample> {
  const seed = options.seed ?? 0;
  const K = data.task === "regression" ? 0 : data.classes.length;
  const parts: {
    rows: Int32Array;
    score: Float64Array;
    predicted: Float64Array;
    proba?: Float64Array;
    fold: number;
    fittedAt: number;
  }[] = [];
  let lastModel: Model | undefined;
  for (let f = 0; f < folds.length; f++) {
    const fold = folds[f];
    const train = sampleRows(labelledRows(data, fold.train), options.maxTrainRows, seed + f);
    if (train.length < 2 || fold.test.length === 0) continue;
    const model = await fitModel(spec, {
      X: takeRows(data.X, train),
      y: takeValues(data.y, train),
      task: data.task,
      classes: data.classes,
      featureNames: data.featureNames,
    }, { seed: seed + f, workers: options.workers });
    const Xtest = takeRows(data.X, fold.test);
    const proba = K ? model.predictProba(Xtest) : undefined;
    parts.push({
      rows: fold.test,
      score: model.score(Xtest),
      predicted: model.predict(Xtest),
      proba,
      fold: f,
      fittedAt: fold.fittedAt,
    });
    lastModel = model;
    options.onFold?.(f + 1, folds.length);
  }
  if (!lastModel) throw new RangeError("predictOutOfSample: no fold had training and test rows");
  const n = parts.reduce((s, p) => s + p.rows.length, 0);
  const out = {
    rows: new Int32Array(n),
    score: new Float64Array(n),
    predicted: new Float64Array(n),
    proba: K ? new Float64Array(n * K) : undefined,
    fold: new Int32Array(n),
    fittedAt: new Int32Array(n),
  };
  let at = 0;
  for (const p of parts) {
    out.rows.set(p.rows, at);
    out.score.set(p.score, at);
    out.predicted.set(p.predicted, at);
    if (K) out.proba!.set(p.proba!, at * K);
    out.fold.fill(p.fold, at, at + p.rows.length);
    out.fittedAt.fill(p.fittedAt, at, at + p.rows.length);
    at += p.rows.length;
  }
  return { ...out, lastModel };
}
