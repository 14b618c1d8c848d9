/**
 * `ml-random-forest` (the design card's package) behind the model interface: the reference forest on
 * small data. Its trees are ml-cart CARTs; each tree sees a bootstrap sample and a random subset of
 * `maxFeatures` of the features (chosen per tree, not per node). Class probabilities are the share of
 * trees voting for each class (the package's own `predictProbability` rounds and miscounts the first
 * vote, so votes are counted here from `predictionValues`). Slow beyond a few thousand rows: use
 * `forest` for research scale.
 */
import { RandomForestClassifier, RandomForestRegression } from "ml-random-forest";
import type { Matrix } from "../dataset.ts";
import { assembleModel, checkMatrix, normalize, resolveParams } from "./_codec.ts";
import type { FitOptions, Model, ModelJson, TrainingSet } from "./types.ts";

/** Hyperparameters (the package's option names where they exist). */
export interface MlRandomForestParams extends Record<string, unknown> {
  trees: number;
  /** Fraction of the features each tree sees. */
  maxFeatures: number;
  /** ml-cart's `maxDepth`. */
  maxDepth: number;
  /** ml-cart's `minNumSamples`: a node with fewer rows is a leaf. */
  minNumSamples: number;
  /** ml-cart's `gainThreshold`: a split must reduce the impurity by more than this. */
  gainThreshold: number;
}

/**
 * Defaults: 50 trees (the package's default), every feature per tree, trees grown out (no gain
 * threshold, where ml-cart's default 0.01 stops early) as scikit-learn and `forest` grow them.
 */
export const ML_RANDOM_FOREST_DEFAULTS: MlRandomForestParams = {
  trees: 50,
  maxFeatures: 1,
  maxDepth: 1000,
  minNumSamples: 3,
  gainThreshold: 0,
};

const RULES = {
  trees: { type: "number", min: 1, integer: true },
  maxFeatures: { type: "number", min: 0.01, max: 1 },
  maxDepth: { type: "number", min: 1, integer: true },
  minNumSamples: { type: "number", min: 1, integer: true },
  gainThreshold: { type: "number", min: 0 },
} as const;

/** Rows of a matrix as number arrays (the package's input). */
function rowsOf(X: Matrix): number[][] {
  return Array.from(
    { length: X.nRows },
    (_, r) => Array.from(X.data.subarray(r * X.nCols, (r + 1) * X.nCols)),
  );
}

type Forest = RandomForestClassifier | RandomForestRegression;

/**
 * Fits an `ml-random-forest` model (`seed` is the package's seed). Steps are not reported.
 *
 * @example
 * ```ts
 * const ref = await fitMlRandomForest(train, { trees: 50 }, { seed: 3 });
 * ```
 */
export function fitMlRandomForest(
  data: TrainingSet,
  given: Readonly<Record<string, unknown>> = {},
  options: FitOptions = {},
): Promise<Model> {
  const params = resolveParams("ml_random_forest", ML_RANDOM_FOREST_DEFAULTS, RULES as never, given);
  const regression = data.task === "regression";
  const settings = {
    nEstimators: params.trees,
    maxFeatures: params.maxFeatures,
    seed: options.seed ?? 0,
    replacement: false, // features per tree drawn without replacement (with it, duplicates hide features)
    useSampleBagging: true,
    noOOB: true,
    treeOptions: {
      maxDepth: params.maxDepth,
      minNumSamples: params.minNumSamples,
      gainThreshold: params.gainThreshold,
    },
  };
  const forest = regression ? new RandomForestRegression(settings) : new RandomForestClassifier(settings);
  forest.train(rowsOf(data.X), Array.from(data.y));
  return Promise.resolve(
    wrap({ task: data.task, classes: data.classes, featureNames: data.featureNames, params }, forest),
  );
}

function wrap(meta: Pick<ModelJson, "task" | "classes" | "featureNames" | "params">, forest: Forest): Model {
  const p = meta.featureNames.length;
  const proba = (X: Matrix) => {
    checkMatrix("ml_random_forest", X, p);
    const votes = (forest as unknown as {
      predictionValues(x: number[][]): { rows: number; getRow(r: number): number[] };
    })
      .predictionValues(rowsOf(X));
    const K = meta.classes.length;
    const out = new Float64Array(X.nRows * K);
    for (let r = 0; r < X.nRows; r++) {
      const row = votes.getRow(r);
      for (const v of row) out[r * K + meta.classes.indexOf(v)] += 1 / row.length;
    }
    return out;
  };
  const regress = (X: Matrix) => {
    checkMatrix("ml_random_forest", X, p);
    return Float64Array.from(forest.predict(rowsOf(X)));
  };
  return assembleModel("ml_random_forest", meta, {
    proba,
    regress,
    importance: () =>
      normalize(
        Float64Array.from((forest as unknown as { featureImportance(): number[] }).featureImportance()),
      ),
    state: () => JSON.parse(JSON.stringify(forest.toJSON())),
  });
}

/** Restores a saved `ml_random_forest` model. */
export function loadMlRandomForest(json: ModelJson): Model {
  const state = json.state as never;
  const forest = json.task === "regression"
    ? RandomForestRegression.load(state)
    : RandomForestClassifier.load(state);
  return wrap(json, forest);
}
