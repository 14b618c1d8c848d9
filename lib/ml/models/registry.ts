/** The model families by name: one `fitModel` and one `loadModel` for all of them. */
import { fitForest, loadForest } from "./forest.ts";
import { fitGbdt, loadGbdt } from "./gbdt.ts";
import { fitLogistic, loadLogistic } from "./logistic.ts";
import { fitMlRandomForest, loadMlRandomForest } from "./ml_rf.ts";
import type { FitOptions, Model, ModelJson, ModelSpec, ModelType, TrainingSet } from "./types.ts";

interface Family {
  fit(data: TrainingSet, params: Readonly<Record<string, unknown>>, options: FitOptions): Promise<Model>;
  load(json: ModelJson): Model | Promise<Model>;
}

const FAMILIES: Partial<Record<ModelType, Family>> = {
  forest: { fit: fitForest, load: loadForest },
  ml_random_forest: { fit: fitMlRandomForest, load: loadMlRandomForest },
  gbdt: { fit: fitGbdt, load: loadGbdt },
  logistic: { fit: fitLogistic, load: loadLogistic },
  // The tfjs nets load @tensorflow/tfjs only when one is fitted or loaded.
  ...Object.fromEntries((["mlp", "conv1d", "lstm"] as const).map((type) => [type, {
    fit: async (data: TrainingSet, params: Readonly<Record<string, unknown>>, options: FitOptions) =>
      await (await import("./nets.ts")).fitNet(type, data, params, options),
    load: async (json: ModelJson) => await (await import("./nets.ts")).loadNet(json),
  }])),
};

/** The model types that can be fitted, in a stable order. */
export function modelTypes(): ModelType[] {
  return Object.keys(FAMILIES) as ModelType[];
}

function family(type: string): Family {
  const f = FAMILIES[type as ModelType];
  if (!f) throw new RangeError(`unknown model type "${type}"; expected one of ${modelTypes().join(", ")}`);
  return f;
}

function checkTraining(data: TrainingSet): void {
  const { X, y, task, classes } = data;
  if (X.data.length !== X.nRows * X.nCols || y.length !== X.nRows) {
    throw new RangeError(
      `fitModel: X is ${X.nRows} × ${X.nCols} (${X.data.length} values) and y has ${y.length} rows`,
    );
  }
  if (X.nCols !== data.featureNames.length) {
    throw new RangeError(`fitModel: ${data.featureNames.length} feature names for ${X.nCols} columns`);
  }
  for (let k = 0; k < X.data.length; k++) {
    if (!Number.isFinite(X.data[k])) {
      throw new RangeError(
        `fitModel: X has a non-finite value at row ${Math.floor(k / X.nCols)}, feature "${
          data.featureNames[k % X.nCols]
        }"`,
      );
    }
  }
  for (let r = 0; r < y.length; r++) {
    if (!Number.isFinite(y[r])) {
      throw new RangeError(`fitModel: y is not finite at row ${r} (train on labelled rows only)`);
    }
  }
  if (task !== "regression" && classes.length < 2) {
    throw new RangeError(`fitModel: a ${task} task needs at least 2 classes, found ${classes.length}`);
  }
}

/**
 * Fits a model of any family on a training set.
 *
 * @example
 * ```ts
 * const model = await fitModel({ type: "forest", params: { trees: 200 } }, train, { seed: 7, workers: 2 });
 * const saved = JSON.stringify(model.toJSON());
 * ```
 */
export async function fitModel(spec: ModelSpec, data: TrainingSet, options: FitOptions = {}): Promise<Model> {
  const f = family(spec.type);
  checkTraining(data);
  return await f.fit(data, spec.params ?? {}, options);
}

/**
 * Restores a model saved with `toJSON()` (the parsed JSON); predictions are identical to the original's.
 *
 * @example
 * ```ts
 * const model = await loadModel(JSON.parse(await Deno.readTextFile("runs/…/model.json")));
 * ```
 */
export async function loadModel(json: ModelJson): Promise<Model> {
  if (json?.format !== "quantnb-model" || json.version !== 1) {
    throw new TypeError(
      `loadModel: expected a saved quantnb model (format "quantnb-model", version 1), found ${
        JSON.stringify({ format: json?.format, version: json?.version })
      }`,
    );
  }
  return await family(json.type).load(json);
}
