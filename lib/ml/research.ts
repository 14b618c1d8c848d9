/**
 * The research pipeline: features → labels → walk-forward out-of-sample predictions of every model ×
 * label variant → evaluation (classification metrics, rank IC, the variant's predictions traded as a
 * signal) → leaderboard and robustness table → for the best variant: feature importance (impurity and
 * permutation), a final model fitted on every labelled row (saved with the run, for strategies) and the
 * standard suite with its verdict. Plain data in (`ResearchConfig`), plain records out.
 */
import { createBacktester } from "../engine/backtest.ts";
import type { BacktestOptions, BacktestResult } from "../engine/types.ts";
import type { Panel } from "../panel/types.ts";
import { knownMatrix } from "../signal/align.ts";
import type { Signal } from "../signal/types.ts";
import { runSuite, type SuiteResult } from "../suite/run_suite.ts";
import { buildDataset, labelledRows, takeRows, takeValues, withLabel } from "./dataset.ts";
import { evaluatePredictions, type Evaluation } from "./evaluate/evaluate.ts";
import {
  BASE_FEATURES,
  computeFeatures,
  featureSetConfig,
  type FeatureSpec,
  type Standardize,
} from "./features/mod.ts";
import { type PermutationImportance, permutationImportance } from "./importance.ts";
import { computeLabel, labelName, type LabelSpec } from "./labels.ts";
import { leaderboard, type LeaderboardRow } from "./leaderboard.ts";
import { fitModel } from "./models/registry.ts";
import type { Model, ModelSpec } from "./models/types.ts";
import { ownRows } from "./own_rows.ts";
import { type OutOfSample, predictOutOfSample, sampleRows } from "./predict.ts";
import { predictionSignal } from "./signal.ts";
import { walkForward, type WalkForwardOptions } from "./splits.ts";
import { checkOptions, optionKeys } from "../util/options.ts";

/** What to research. Every field has a default (see `DEFAULT_RESEARCH`). */
export interface ResearchConfig {
  readonly features?: readonly FeatureSpec[];
  readonly standardize?: Standardize;
  readonly labels?: readonly LabelSpec[];
  readonly models?: readonly ModelSpec[];
  readonly split?: WalkForwardOptions;
  /** Training rows per fold at most (seeded subsample, time order kept). */
  readonly maxTrainRows?: number;
  /** How the predictions are traded for the Sharpe of the ranking score (engine options). */
  readonly backtest?: BacktestOptions;
  /** Permutation importance: repeats and held-out rows used at most. */
  readonly importance?: { readonly repeats: number; readonly maxRows: number };
  /** Suite preset the best variant's signal runs through. */
  readonly suitePreset?: string;
  readonly seed?: number;
}

/**
 * Defaults: the 19 base features; labels B1, T3 and R at 5 days and B1 at 21; logistic regression, the
 * fast forest (60 trees, depth 6) and boosted trees (150 rounds, depth 3); expanding walk-forward with
 * two years of training and yearly refits; 60,000 training rows per fold; the engine's default
 * trading (lag 0, deciles, 10 bps); the standard suite.
 */
export const DEFAULT_RESEARCH = {
  features: BASE_FEATURES,
  standardize: "none" as Standardize,
  labels: [
    { type: "B1", horizon: 5 },
    { type: "T3", horizon: 5 },
    { type: "R", horizon: 5 },
    { type: "B1", horizon: 21 },
  ] as readonly LabelSpec[],
  models: [
    { type: "logistic" },
    { type: "forest", params: { trees: 60, maxDepth: 6, maxFeatures: "sqrt" } },
    { type: "gbdt", params: { rounds: 150, maxDepth: 3, learningRate: 0.05 } },
  ] as readonly ModelSpec[],
  split: { mode: "expanding", window: 504, test: 252 } as WalkForwardOptions,
  maxTrainRows: 60_000,
  backtest: {} as BacktestOptions,
  importance: { repeats: 3, maxRows: 20_000 },
  suitePreset: "standard",
  seed: 0,
} as const;

/** The config with defaults filled in, as recorded (feature specs as data). */
export function researchParams(config: ResearchConfig = {}): Record<string, unknown> {
  const c = { ...DEFAULT_RESEARCH, ...config };
  return {
    features: featureSetConfig(c.features),
    standardize: c.standardize,
    labels: c.labels,
    models: c.models,
    split: c.split,
    maxTrainRows: c.maxTrainRows,
    backtest: c.backtest,
    importance: c.importance,
    suitePreset: c.suitePreset,
    seed: c.seed,
  };
}

/** One model × label variant's out-of-sample results. */
export interface ResearchVariant {
  readonly model: ModelSpec;
  readonly label: LabelSpec;
  readonly name: string;
  readonly evaluation: Evaluation;
  readonly oos: OutOfSample;
  readonly signal: Signal;
  readonly backtest: BacktestResult;
}

/** The best variant, explained and judged. */
export interface ResearchBest {
  readonly variant: ResearchVariant;
  readonly row: LeaderboardRow;
  /** Impurity (trees), gain (boosting) or |coefficient| importance of the last fold's model. */
  readonly impurity?: Float64Array;
  /** Permutation importance on the last fold's held-out rows. */
  readonly permutation: PermutationImportance;
  /** Fitted on every labelled row (what a strategy loads). */
  readonly model: Model;
  /** Date index of the last label end among the final model's training rows. */
  readonly trainedThrough: number;
  readonly suite: SuiteResult;
}

/** Everything `runResearch` produces. */
export interface ResearchResult {
  readonly params: Record<string, unknown>;
  readonly featureNames: readonly string[];
  readonly variants: readonly ResearchVariant[];
  readonly leaderboard: readonly LeaderboardRow[];
  readonly best: ResearchBest;
  /** Rows of the dataset and folds, for the report. */
  readonly rows: number;
  readonly folds: number;
}

/** Options of `runResearch`. */
export interface ResearchOptions {
  /** Web Workers for the forests and the suite (default: one per core). */
  readonly workers?: number;
  /** Progress over the pipeline's steps: (done, total, what is running). */
  readonly onProgress?: (done: number, total: number, step: string) => void;
}

const RESEARCH_CONFIG_KEYS = optionKeys<ResearchConfig>({
  features: true,
  standardize: true,
  labels: true,
  models: true,
  split: true,
  maxTrainRows: true,
  backtest: true,
  importance: true,
  suitePreset: true,
  seed: true,
});
const RESEARCH_OPTION_KEYS = optionKeys<ResearchOptions>({ workers: true, onProgress: true });

/** The variant's name: `<model name or type>_<label>` (e.g. `forest_B1_5`). */
export function variantName(model: ModelSpec, label: LabelSpec): string {
  return `${modelName(model)}_${labelName(label)}`;
}

/** A model spec's display name: its `name`, else its type. */
export function modelName(model: ModelSpec): string {
  return model.name ?? model.type;
}

/**
 * Runs the research pipeline on a panel (needs `ret`, `close`, and the fields the features read; the
 * suite needs `mcap`, `value` for its slices and baselines).
 *
 * @example
 * ```ts
 * const research = await runResearch(panel, { labels: [{ type: "B1", horizon: 5 }], models: [{ type: "forest" }] });
 * research.leaderboard[0]; // the best variant: score, kept, sharpe, balanced accuracy
 * ```
 */
export async function runResearch(
  panel: Panel,
  config: ResearchConfig = {},
  options: ResearchOptions = {},
): Promise<ResearchResult> {
  checkOptions("runResearch config", config, RESEARCH_CONFIG_KEYS);
  checkOptions("runResearch", options, RESEARCH_OPTION_KEYS);
  const c = { ...DEFAULT_RESEARCH, ...config };
  if (c.labels.length === 0 || c.models.length === 0) {
    throw new RangeError("runResearch: at least one label and one model are needed");
  }
  const names = c.models.map(modelName);
  if (new Set(names).size !== names.length) {
    throw new RangeError(
      `runResearch: model names must be unique (give specs a name); found ${names.join(", ")}`,
    );
  }
  const nS = panel.securityIds.length;
  const own = ownRows(panel);
  const features = computeFeatures(panel, c.features, { standardize: c.standardize });
  const labels = c.labels.map((spec) => computeLabel(panel, spec, own));
  const first = buildDataset(features, labels[0]);
  const datasets = labels.map((label, k) => (k === 0 ? first : withLabel(first, label, nS)));
  const folds = datasets.map((data) => walkForward(data, c.split));
  const suiteUnits = 8; // progress weight of the suite
  const total = 1 + c.models.length * folds.reduce((s, f) => s + f.length, 0) + 2 + suiteUnits;
  let done = 1;
  const tick = (step: string, n = 1) => options.onProgress?.(done += n, total, step);
  options.onProgress?.(done, total, "features and labels");

  const variants: ResearchVariant[] = [];
  for (const model of c.models) {
    for (let l = 0; l < labels.length; l++) {
      const data = datasets[l];
      const name = variantName(model, c.labels[l]);
      const oos = await predictOutOfSample(data, model, folds[l], {
        seed: c.seed,
        workers: options.workers,
        maxTrainRows: c.maxTrainRows,
        onFold: () => tick(name),
      });
      const y = takeValues(data.y, oos.rows);
      const evaluation = evaluatePredictions({
        task: data.task,
        classes: data.classes,
        y,
        predicted: oos.predicted,
        proba: oos.proba,
        score: oos.score,
        forward: takeValues(data.forward, oos.rows),
        t: Int32Array.from(oos.rows, (r) => data.t[r]),
        dates: panel.dates,
      });
      const signal = predictionSignal(panel, data, oos, name);
      const backtest = createBacktester(panel, { known: knownMatrix(panel, signal) }).run(c.backtest);
      variants.push({ model, label: c.labels[l], name, evaluation, oos, signal, backtest });
    }
  }
  const board = leaderboard(variants.map((v) => {
    const s = v.backtest.summary.overall;
    return {
      model: modelName(v.model),
      label: v.label.type,
      horizon: v.label.horizon,
      balanced_accuracy: v.evaluation.metrics.balanced_accuracy,
      roc_auc: v.evaluation.metrics.roc_auc,
      rank_ic: v.evaluation.metrics.rank_ic,
      sharpe: s.sharpe,
      annual_return: s.annual_return,
      turnover: s.turnover,
    };
  }));
  const row = board[0];
  const variant = variants.find((v) => v.name === row.variant)!;
  const data = datasets[c.labels.indexOf(variant.label)];

  // Importance: impurity of the last fold's model; permutation on that fold's held-out rows.
  const lastFold = variant.oos.fold[variant.oos.fold.length - 1]; // rows (and folds) ascend
  const held = sampleRows(
    labelledRows(data, variant.oos.rows.filter((_, k) => variant.oos.fold[k] === lastFold)),
    c.importance.maxRows,
    c.seed,
  );
  const permutation = permutationImportance(
    variant.oos.lastModel,
    takeRows(data.X, held),
    takeValues(data.y, held),
    {
      repeats: c.importance.repeats,
      seed: c.seed,
    },
  );
  tick("importance");
  // The model to keep: every row whose label is known by the last date.
  const all = sampleRows(
    labelledRows(data, Int32Array.from({ length: data.t.length }, (_, r) => r)),
    c.maxTrainRows,
    c.seed,
  );
  const trainedThrough = all.reduce((m, r) => Math.max(m, data.end[r]), 0);
  const model = await fitModel(variant.model, {
    X: takeRows(data.X, all),
    y: takeValues(data.y, all),
    task: data.task,
    classes: data.classes,
    featureNames: data.featureNames,
  }, { seed: c.seed, workers: options.workers });
  tick("final model");
  const suite = await runSuite(panel, { name: variant.name, signal: variant.signal }, c.suitePreset, {
    workers: options.workers,
    onProgress: (d, n) => options.onProgress?.(done + Math.round((suiteUnits * d) / n), total, "suite"),
  });
  done += suiteUnits;
  options.onProgress?.(total, total, "done");
  return {
    params: researchParams(config),
    featureNames: features.names,
    variants,
    leaderboard: board,
    best: {
      variant,
      row,
      impurity: variant.oos.lastModel.importance(),
      permutation,
      model,
      trainedThrough,
      suite,
    },
    rows: first.t.length,
    folds: folds[0].length,
  };
}

/**
 * The robustness table: one row per model, one column per label, each cell the variant's ranking
 * score (or another leaderboard number), so a model that only works for one label and horizon shows.
 *
 * @example
 * ```ts
 * robustnessTable(research.leaderboard, "sharpe"); // { rows: ["forest", …], cols: ["B1_5", …], values }
 * ```
 */
export function robustnessTable(
  board: readonly LeaderboardRow[],
  metric: "score" | "balanced_accuracy" | "sharpe" | "rank_ic" | "roc_auc" = "score",
): { rows: string[]; cols: string[]; values: Float64Array } {
  const rows = [...new Set(board.map((r) => r.model))];
  const cols = [...new Set(board.map((r) => `${r.label}_${r.horizon}`))];
  const values = new Float64Array(rows.length * cols.length).fill(NaN);
  for (const r of board) {
    values[rows.indexOf(r.model) * cols.length + cols.indexOf(`${r.label}_${r.horizon}`)] = r[metric];
  }
  return { rows, cols, values };
}
