/**
 * A saved model in use: what a strategy (or a notebook) needs to score a panel with the model a
 * research run kept — the model (`model.json`), and in `pipeline.json` the feature set it reads, its
 * standardisation, its label and the last date whose data it was trained on.
 */
import { join } from "node:path";
import type { Panel } from "../panel/types.ts";
import { isoDate, parseIsoDate } from "../panel/types.ts";
import type { Signal } from "../signal/types.ts";
import { resolveRunDir } from "../track/get_run.ts";
import { DEFAULT_RUNS_DIR } from "../track/types.ts";
import { buildDataset } from "./dataset.ts";
import { computeFeatures, type FeatureSpec, type Standardize } from "./features/mod.ts";
import type { LabelMatrix, LabelSpec } from "./labels.ts";
import { loadModel } from "./models/registry.ts";
import type { Model } from "./models/types.ts";

/** The pipeline around a saved model (`pipeline.json`). */
export interface ModelPipeline {
  readonly features: readonly FeatureSpec[];
  readonly standardize: Standardize;
  readonly label: LabelSpec;
  /** `YYYY-MM-DD`: the last close whose data (labels included) the model was trained on. */
  readonly trained_through: string;
}

/** A loaded model with its pipeline. */
export interface SavedModel extends ModelPipeline {
  readonly model: Model;
}

/**
 * Loads `model.json` and `pipeline.json` of a research run (by id or folder). Custom features are
 * code, not data: pass them (by name) in `features`; a pipeline naming one that is not passed is
 * refused, naming it.
 *
 * @example
 * ```ts
 * const saved = await loadRunModel("20240102-101500-ml-research-3fa94c0e12d7");
 * const signal = modelSignal(panel, saved, "ml_forest");
 * ```
 */
export async function loadRunModel(
  run: string,
  options: { runsDir?: string; features?: readonly FeatureSpec[] } = {},
): Promise<SavedModel> {
  const dir = await resolveRunDir(run, options.runsDir ?? DEFAULT_RUNS_DIR);
  const read = async (file: string) => {
    try {
      return JSON.parse(await Deno.readTextFile(join(dir, file)));
    } catch (error) {
      throw new Error(`${join(dir, file)}: cannot read the saved model (${(error as Error).message})`);
    }
  };
  const pipeline = await read("pipeline.json") as ModelPipeline;
  const given = new Map((options.features ?? []).map((f) => [f.name, f]));
  const features = pipeline.features.map((f) => {
    if (f.kind !== "custom") return f;
    const own = given.get(f.name);
    if (!own) {
      throw new RangeError(
        `${
          join(dir, "pipeline.json")
        }: feature "${f.name}" is a custom feature (code); pass it in loadRunModel(run, { features: [...] })`,
      );
    }
    return own;
  });
  return { ...pipeline, features, model: await loadModel(await read("model.json")) };
}

/** The `pipeline.json` of a model trained on `features` for `label` through date `trainedThrough` (epoch ms). */
export function modelPipeline(
  features: readonly FeatureSpec[],
  standardize: Standardize,
  label: LabelSpec,
  trainedThrough: number,
): ModelPipeline {
  return { features, standardize, label, trained_through: isoDate(trainedThrough) };
}

/**
 * Scores every panel cell that has all the model's features, as a signal in the contract: `date_sig`
 * is the cell's date, and `date_avail` the later of that date and the close the model was trained
 * through — a prediction for a date the model was trained on is only usable once the model exists,
 * so a backtest over the training period is not silently in sample.
 *
 * @example
 * ```ts
 * const signal = modelSignal(panel, await loadRunModel(runId), "ml_model");
 * backtest(panel, signal, { lag: 1 });
 * ```
 */
export function modelSignal(panel: Panel, saved: SavedModel, name = "ml_model"): Signal {
  const features = computeFeatures(panel, saved.features, { standardize: saved.standardize });
  const cells = panel.dates.length * panel.securityIds.length;
  const none: LabelMatrix = {
    spec: saved.label,
    name: "none",
    task: saved.model.task,
    classes: saved.model.classes,
    value: new Float64Array(cells).fill(NaN),
    forward: new Float64Array(cells).fill(NaN),
    end: new Int32Array(cells).fill(-1),
  };
  const data = buildDataset(features, none);
  const names = features.names.join(", "), expected = saved.model.featureNames.join(", ");
  if (names !== expected) {
    throw new RangeError(`modelSignal: the pipeline's features (${names}) are not the model's (${expected})`);
  }
  const score = saved.model.score(data.X);
  const through = parseIsoDate(saved.trained_through);
  const n = data.t.length;
  const dateSig = Float64Array.from(data.t, (t) => panel.dates[t]);
  return {
    security_id: Array.from(data.i, (i) => panel.securityIds[i]),
    date_sig: dateSig,
    date_avail: dateSig.map((d) => Math.max(d, through)),
    signal: score.length === n ? score : new Float64Array(n),
    signal_name: name,
  };
}
