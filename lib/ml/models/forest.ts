/**
 * The fast random forest: histogram CART trees (`tree.ts`) on features binned once (`binning.ts`),
 * grown in parallel over Web Workers (`grow.ts`), with scikit-learn's `RandomForestClassifier` /
 * `RandomForestRegressor` semantics: bootstrap samples of n rows, `maxFeatures` features tried per
 * node ("sqrt" for classification, all for regression), probabilities = mean over trees of the leaf
 * class fractions, impurity importance = mean over trees of each tree's normalised MDI.
 */
import type { Matrix } from "../dataset.ts";
import { assembleModel, checkMatrix, classCodes, normalize, resolveParams } from "./_codec.ts";
import { binTraining } from "./binning.ts";
import { concatTrees, decodeEnsemble, encodeEnsemble, type Ensemble, sumLeaves } from "./ensemble.ts";
import { type GrowParams, openTreePool } from "./grow.ts";
import type { FitOptions, Model, ModelJson, TrainingSet } from "./types.ts";
import type { TreeArrays } from "./tree.ts";

/** Hyperparameters of the forest. */
export interface ForestParams extends Record<string, unknown> {
  /** Number of trees. */
  trees: number;
  /** Maximum depth (root = depth 0). */
  maxDepth: number;
  minSamplesLeaf: number;
  minSamplesSplit: number;
  /** Features tried per node: "sqrt" (⌊√p⌋), "log2", "all", or a fraction in (0, 1]. */
  maxFeatures: "sqrt" | "log2" | "all" | number;
  bootstrap: boolean;
  /** Bins per feature (≤ 256). */
  maxBins: number;
  /** Trees per training step (`FitOptions.onStep`). */
  stepTrees: number;
}

/** Defaults: 100 trees of depth 8 (scikit-learn's `max_features="sqrt"` for classification). */
export const FOREST_DEFAULTS: ForestParams = {
  trees: 100,
  maxDepth: 8,
  minSamplesLeaf: 1,
  minSamplesSplit: 2,
  maxFeatures: "sqrt",
  bootstrap: true,
  maxBins: 255,
  stepTrees: 10,
};

const RULES = {
  trees: { type: "number", min: 1, integer: true },
  maxDepth: { type: "number", min: 1, max: 40, integer: true },
  minSamplesLeaf: { type: "number", min: 1, integer: true },
  minSamplesSplit: { type: "number", min: 2, integer: true },
  maxFeatures: { type: "enum", values: ["sqrt", "log2", "all"] },
  bootstrap: { type: "enum", values: [true, false] },
  maxBins: { type: "number", min: 2, max: 256, integer: true },
  stepTrees: { type: "number", min: 1, integer: true },
} as const;

/** Number of features tried per node for `p` features. */
function featuresPerNode(maxFeatures: ForestParams["maxFeatures"], p: number): number {
  if (typeof maxFeatures === "number") return Math.max(1, Math.floor(maxFeatures * p));
  if (maxFeatures === "sqrt") return Math.max(1, Math.floor(Math.sqrt(p)));
  if (maxFeatures === "log2") return Math.max(1, Math.floor(Math.log2(p)));
  return p;
}

function forestParams(
  given: Readonly<Record<string, unknown>> | undefined,
  regression: boolean,
): ForestParams {
  const raw = { ...given };
  const fraction = typeof raw.maxFeatures === "number" ? raw.maxFeatures : undefined;
  if (fraction !== undefined) {
    if (!(fraction > 0 && fraction <= 1)) {
      throw new RangeError(`forest: maxFeatures as a number must be a fraction in (0, 1], found ${fraction}`);
    }
    delete raw.maxFeatures;
  }
  const defaults = { ...FOREST_DEFAULTS, maxFeatures: regression ? "all" as const : "sqrt" as const };
  const params = resolveParams("forest", defaults, RULES as never, raw);
  return fraction === undefined ? params : { ...params, maxFeatures: fraction };
}

/**
 * Fits the forest. `onStep` is called after every `stepTrees` trees with the forest so far.
 *
 * @example
 * ```ts
 * const model = await fitForest(train, { trees: 100, maxDepth: 8 }, { seed: 1, workers: 2 });
 * model.predictProba(Xtest);
 * ```
 */
export async function fitForest(
  data: TrainingSet,
  given: Readonly<Record<string, unknown>> = {},
  options: FitOptions = {},
): Promise<Model> {
  const regression = data.task === "regression";
  const params = forestParams(given, regression);
  const { X } = data;
  if (X.nRows < 2) throw new RangeError(`forest: need at least 2 training rows, found ${X.nRows}`);
  const seed = options.seed ?? 0;
  const { bins, binned } = binTraining(X, params.maxBins, 200_000, seed);
  const treeData = {
    binned,
    nRows: X.nRows,
    nFeatures: X.nCols,
    edges: bins.edges,
    nClasses: regression ? 0 : data.classes.length,
    codes: regression ? undefined : classCodes("forest", data.y, data.classes),
    targets: regression ? data.y : undefined,
  };
  const grow: GrowParams = {
    maxDepth: params.maxDepth,
    minSamplesLeaf: params.minSamplesLeaf,
    minSamplesSplit: params.minSamplesSplit,
    maxFeatures: featuresPerNode(params.maxFeatures, X.nCols),
    bootstrap: params.bootstrap,
  };
  const workers = Math.min(options.workers ?? navigator.hardwareConcurrency ?? 1, params.trees);
  const pool = openTreePool(treeData, grow, seed, workers);
  const trees: TreeArrays[] = [];
  const meta = { task: data.task, classes: data.classes, featureNames: data.featureNames, params };
  try {
    for (let step = 1; trees.length < params.trees; step++) {
      const from = trees.length, to = Math.min(params.trees, from + params.stepTrees);
      trees.push(...await pool.grow(Array.from({ length: to - from }, (_, k) => from + k)));
      if (options.onStep && to < params.trees) {
        const keepGoing = await options.onStep(step, forestModel(meta, forestState(trees, regression, data)));
        if (keepGoing === false) break;
      }
    }
  } finally {
    pool.close();
  }
  return forestModel(meta, forestState(trees, regression, data));
}

interface ForestState {
  ensemble: Ensemble;
  importance: Float64Array;
}

function forestState(trees: readonly TreeArrays[], regression: boolean, data: TrainingSet): ForestState {
  const width = regression ? 1 : data.classes.length;
  const importance = new Float64Array(data.X.nCols);
  for (const t of trees) {
    const own = normalize(t.importance);
    for (let f = 0; f < importance.length; f++) importance[f] += own[f] / trees.length;
  }
  return { ensemble: concatTrees(trees, width), importance: normalize(importance) };
}

function forestModel(
  meta: Pick<ModelJson, "task" | "classes" | "featureNames" | "params">,
  state: ForestState,
): Model {
  const { ensemble } = state;
  const nTrees = ensemble.roots.length;
  const mean = (X: Matrix) => {
    checkMatrix("forest", X, meta.featureNames.length);
    const sums = sumLeaves(ensemble, X);
    for (let k = 0; k < sums.length; k++) sums[k] /= nTrees;
    return sums;
  };
  return assembleModel("forest", meta, {
    proba: mean,
    regress: mean,
    importance: () => state.importance.slice(),
    state: () => ({ ...encodeEnsemble(ensemble), importance: Array.from(state.importance) }),
  });
}

/** Restores a forest saved with `toJSON`. */
export function loadForest(json: ModelJson): Model {
  const state = json.state as Record<string, unknown>;
  return forestModel(json, {
    ensemble: decodeEnsemble(state),
    importance: Float64Array.from(state.importance as number[]),
  });
}
