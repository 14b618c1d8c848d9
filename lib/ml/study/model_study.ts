/**
 * Hyperparameter studies of the model families on a dataset: search spaces as data, an objective that
 * fits on the older rows and scores on the most recent ones (purged: no training label reaches the
 * validation dates), reporting the validation score at every training step so the median pruner can
 * stop a weak trial early, and the study job that records the study as an `ml_study` run.
 */
import { type Dataset, labelledRows, takeRows, takeValues } from "../dataset.ts";
import { defaultScore } from "../importance.ts";
import { fitModel } from "../models/registry.ts";
import type { ModelType } from "../models/types.ts";
import { sampleRows } from "../predict.ts";
import type { Distribution, ParamValue } from "./space.ts";
import { type Trial, TrialPruned } from "./study.ts";

/** Default search spaces per family. */
export const SEARCH_SPACES: Readonly<Record<ModelType, Readonly<Record<string, Distribution>>>> = {
  forest: {
    trees: { type: "int", low: 20, high: 200 },
    maxDepth: { type: "int", low: 3, high: 12 },
    minSamplesLeaf: { type: "int", low: 1, high: 500, log: true },
    maxFeatures: { type: "categorical", choices: ["sqrt", "log2", "all"] },
  },
  ml_random_forest: {
    trees: { type: "int", low: 10, high: 100 },
    maxFeatures: { type: "float", low: 0.2, high: 1 },
  },
  gbdt: {
    rounds: { type: "int", low: 50, high: 400 },
    learningRate: { type: "float", low: 0.01, high: 0.3, log: true },
    maxDepth: { type: "int", low: 2, high: 6 },
    minSamplesLeaf: { type: "int", low: 10, high: 1000, log: true },
    l2: { type: "float", low: 1e-3, high: 10, log: true },
    subsample: { type: "float", low: 0.5, high: 1 },
  },
  logistic: { C: { type: "float", low: 1e-4, high: 100, log: true } },
  mlp: {
    hidden: { type: "categorical", choices: ["16", "32", "32,16", "64,32"] },
    learningRate: { type: "float", low: 1e-4, high: 1e-2, log: true },
    l2: { type: "float", low: 1e-6, high: 1e-2, log: true },
  },
  conv1d: {
    units: { type: "int", low: 4, high: 32 },
    kernel: { type: "int", low: 2, high: 8 },
    learningRate: { type: "float", low: 1e-4, high: 1e-2, log: true },
  },
  lstm: {
    units: { type: "int", low: 4, high: 32 },
    learningRate: { type: "float", low: 1e-4, high: 1e-2, log: true },
  },
};

/** Options of `modelObjective`. */
export interface ModelObjectiveOptions {
  readonly type: ModelType;
  /** Default: `SEARCH_SPACES[type]`. */
  readonly space?: Readonly<Record<string, Distribution>>;
  /** Hyperparameters fixed for every trial (e.g. `stepTrees`). */
  readonly fixed?: Readonly<Record<string, unknown>>;
  /** Share of the dates (the most recent) used for validation (default 0.2). */
  readonly validationFraction?: number;
  readonly maxTrainRows?: number;
  readonly seed?: number;
  readonly workers?: number;
}

/**
 * The objective of a model study: the trial's hyperparameters, fitted on the labelled rows dated
 * before the last `validationFraction` of the dates whose labels end before them, scored on the
 * labelled rows of those last dates with `defaultScore` (AUC, macro AUC or R²). Every training step
 * reports the validation score; a pruned trial stops training there.
 *
 * @example
 * ```ts
 * const study = await runStudy(modelObjective(data, { type: "forest" }), { dir, trials: 30 });
 * ```
 */
export function modelObjective(
  data: Dataset,
  options: ModelObjectiveOptions,
): (trial: Trial) => Promise<number> {
  const { type, validationFraction = 0.2, seed = 0 } = options;
  const space = options.space ?? SEARCH_SPACES[type];
  const labelled = labelledRows(data, Int32Array.from({ length: data.t.length }, (_, r) => r));
  const first = data.t[labelled[0]], last = data.t[labelled[labelled.length - 1]];
  const cut = Math.round(last - (last - first + 1) * validationFraction) + 1;
  const train = sampleRows(labelled.filter((r) => data.end[r] < cut), options.maxTrainRows, seed);
  const valid = labelled.filter((r) => data.t[r] >= cut);
  if (train.length < 10 || valid.length < 10) {
    throw new RangeError(
      `modelObjective: ${train.length} training and ${valid.length} validation rows are too few`,
    );
  }
  const set = {
    X: takeRows(data.X, train),
    y: takeValues(data.y, train),
    task: data.task,
    classes: data.classes,
    featureNames: data.featureNames,
  };
  const Xv = takeRows(data.X, valid), yv = takeValues(data.y, valid);
  return async (trial) => {
    const params: Record<string, ParamValue> = {};
    for (const [name, d] of Object.entries(space)) {
      params[name] = d.type === "float"
        ? trial.suggestFloat(name, d.low, d.high, { log: d.log })
        : d.type === "int"
        ? trial.suggestInt(name, d.low, d.high, { log: d.log })
        : trial.suggestCategorical(name, d.choices);
    }
    const model = await fitModel({ type, params: { ...options.fixed, ...params } }, set, {
      seed,
      workers: options.workers,
      onStep: (step, partial) => {
        trial.report(defaultScore(partial, Xv, yv), step);
        if (trial.shouldPrune()) throw new TrialPruned(step);
      },
    });
    return defaultScore(model, Xv, yv);
  };
}
