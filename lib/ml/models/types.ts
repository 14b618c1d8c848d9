/**
 * The one model interface every family implements (scikit-learn's estimator surface, as functions
 * and records): `fitModel(spec, data)` returns a fitted `Model` with `predictProba` / `predict` /
 * `score` / `importance` / `toJSON`; `loadModel(json)` restores it with identical predictions.
 */
import type { Matrix } from "../dataset.ts";
import type { Task } from "../labels.ts";

/** The model families. */
export type ModelType = "forest" | "ml_random_forest" | "gbdt" | "logistic" | "mlp" | "conv1d" | "lstm";

/** What a model is trained on: features, targets and what they mean. */
export interface TrainingSet {
  readonly X: Matrix;
  /** Class values (classification) or targets (regression), one per row, finite. */
  readonly y: Float64Array;
  readonly task: Task;
  /** Class values in ascending order (classification); `[]` for regression. */
  readonly classes: readonly number[];
  readonly featureNames: readonly string[];
}

/** A model to fit: its family and hyperparameters (plain data; unknown keys are refused). */
export interface ModelSpec {
  readonly type: ModelType;
  /** Display name in leaderboards (default: the type); tells two specs of one type apart. */
  readonly name?: string;
  readonly params?: Readonly<Record<string, unknown>>;
}

/** Options of `fitModel`. */
export interface FitOptions {
  /** Seed of every random choice (bootstrap, features, initial weights, batches). Default 0. */
  readonly seed?: number;
  /** Web Workers for families that fan out (the forests); 0 = this thread. Default: one per core. */
  readonly workers?: number;
  /**
   * Called at each training step (a chunk of trees, a boosting round block, an epoch) with the model
   * as fitted so far; resolving `false` stops training there (a pruned trial). Steps count from 1.
   */
  readonly onStep?: (step: number, partial: Model) => boolean | void | Promise<boolean | void>;
}

/** A fitted model, serialisable with `toJSON` and restored with `loadModel`. */
export interface Model {
  readonly type: ModelType;
  readonly task: Task;
  readonly classes: readonly number[];
  readonly featureNames: readonly string[];
  /** The hyperparameters in effect (defaults filled in). */
  readonly params: Readonly<Record<string, unknown>>;
  /** Class probabilities, row-major `nRows × classes.length` (classification only). */
  predictProba(X: Matrix): Float64Array;
  /** The most probable class value (classification) or the predicted target (regression). */
  predict(X: Matrix): Float64Array;
  /**
   * One number per row for ranking securities: P(classes[last]) for binary, the expected class value
   * `Σ_k classes[k] · p_k` for multiclass, the prediction for regression.
   */
  score(X: Matrix): Float64Array;
  /** Impurity (trees), gain (boosting) or |standardised coefficient| importance per feature, summing to 1; undefined for nets. */
  importance(): Float64Array | undefined;
  toJSON(): ModelJson;
}

/** A saved model: JSON-ready, with typed arrays encoded (see `_codec.ts`). */
export interface ModelJson {
  readonly format: "quantnb-model";
  readonly version: 1;
  readonly type: ModelType;
  readonly task: Task;
  readonly classes: readonly number[];
  readonly featureNames: readonly string[];
  readonly params: Readonly<Record<string, unknown>>;
  readonly state: unknown;
}
