/**
 * The research job as a library call (what `deno task research` and notebook 07 run): load the
 * snapshot's panel, run the pipeline, record the best variant's suite (a `suite` run with its tear
 * sheet) and the research itself as a `research` run — `run.json` with the config and the best
 * variant's metrics, `daily.parquet` (its backtest), the `leaderboard`, `metrics`, `importance` and
 * `predictions` tables (the best variant's out-of-sample predictions in the signal contract), and the
 * artifacts `model.json` (the final model), `pipeline.json` (its features, label and training end:
 * what `loadRunModel` reads for strategies) and `report.html`; and the study job
 * (`studyJob`), which tunes one model family and records an `ml_study` run. Orchestration: it sits
 * above the pipeline and the report builders. An identical config on the same snapshot is found by
 * its config hash before anything is computed, and reused.
 */
import { loadPanel } from "../panel/load.ts";
import { readManifest } from "../snapshot/paths.ts";
import { recordSuite } from "../pipeline/record_suite.ts";
import { getRun } from "../track/get_run.ts";
import { listRuns } from "../track/list_runs.ts";
import { recordRun, runConfigHash } from "../track/record_run.ts";
import { runId } from "../track/run_id.ts";
import type { RunRecord } from "../track/types.ts";
import { gitSha } from "../util/git.ts";
import { researchReport } from "../report/research.ts";
import {
  DEFAULT_RESEARCH,
  type ResearchConfig,
  researchParams,
  type ResearchResult,
  runResearch,
} from "./research.ts";
import { modelPipeline } from "./saved.ts";
import { join } from "node:path";
import { slugify } from "../track/run_id.ts";
import { DEFAULT_RUNS_DIR } from "../track/types.ts";
import { buildDataset } from "./dataset.ts";
import { BASE_FEATURES, computeFeatures, featureSetConfig, type FeatureSpec } from "./features/mod.ts";
import { computeLabel, labelName, type LabelSpec } from "./labels.ts";
import type { ModelType } from "./models/types.ts";
import { modelObjective, SEARCH_SPACES } from "./study/model_study.ts";
import type { Distribution } from "./study/space.ts";
import { runStudy, type StudyResult, type TrialRecord } from "./study/study.ts";

/** Which part of the snapshot a job reads (recorded in its params): securities and inclusive dates. */
export interface PanelSubset {
  readonly securities?: readonly string[];
  readonly start?: string;
  readonly end?: string;
}

/** What `researchJob` needs. */
export interface ResearchJobOptions {
  readonly snapshot: string;
  readonly snapshotsDir?: string;
  /** Research on part of the snapshot only (default: all of it). */
  readonly subset?: PanelSubset;
  readonly config?: ResearchConfig;
  /** Grouping of the run (default "ml_research"). */
  readonly experiment?: string;
  readonly runsDir?: string;
  readonly workers?: number;
  readonly author?: string;
  /** The command that reruns the job, recorded as a tag and shown in the report. */
  readonly command?: string;
  readonly onProgress?: (done: number, total: number, step: string) => void;
}

/** A research run: recorded (or reused), and the result when it was computed in this call. */
export interface ResearchJobResult {
  readonly run: RunRecord;
  readonly suiteRun?: RunRecord;
  readonly research?: ResearchResult;
}

/** The panel fields the job loads: what the base features, labels and the suite read. */
export const RESEARCH_FIELDS = ["close", "ret", "volume", "mcap", "value", "adv", "beta"] as const;

/**
 * Runs and records the research job; an identical earlier run (same snapshot and config) is returned
 * without computing (`run.reused`, no `research`).
 *
 * @example
 * ```ts
 * const { run, research } = await researchJob({ snapshot: "demo", config: { labels: [{ type: "B1", horizon: 5 }] } });
 * console.log(run.dir); // runs/20240102-101500-ml-research-…/ with report.html and model.json
 * ```
 */
export async function researchJob(options: ResearchJobOptions): Promise<ResearchJobResult> {
  const { snapshot, snapshotsDir, runsDir, config = {} } = options;
  const experiment = options.experiment ?? "ml_research";
  const manifest = await readManifest(snapshot, snapshotsDir);
  const params = { snapshot, subset: options.subset ?? {}, ...researchParams(config) };
  const tags = { snapshot_id: manifest.snapshot_id, snapshot_hash: manifest.hash };
  const hash = await runConfigHash({ kind: "research", tags, inputHash: "", params });
  const [existing] = await listRuns({ runsDir, configHash: hash });
  if (existing) return { run: { ...(await getRun(existing.run_id, { runsDir })), reused: true } };

  const panel = await loadPanel({ snapshot, snapshotsDir, fields: RESEARCH_FIELDS, ...options.subset });
  const research = await runResearch(panel, config, {
    workers: options.workers,
    onProgress: options.onProgress,
  });
  const { best } = research;
  const suiteRun = await recordSuite(best.suite, {
    signalName: best.variant.name,
    signalHash: hash,
    manifest,
    experiment,
    author: options.author,
    runsDir,
    tags: { research_config_hash: hash },
  });
  const now = new Date();
  const id = runId(now, experiment, hash);
  const report = researchReport(research, {
    run_id: id,
    snapshot_id: manifest.snapshot_id,
    snapshot_hash: manifest.hash,
    git_sha: await gitSha(),
    created_at: now.toISOString(),
    command: options.command,
    suite_run_id: suiteRun.run_id,
  });
  const o = best.variant.backtest.summary.overall;
  const m = best.variant.evaluation.metrics;
  const { daily } = best.variant.backtest;
  const oos = best.variant.oos;
  const signal = best.variant.signal;
  const board = research.leaderboard;
  const run = await recordRun({
    experiment,
    kind: "research",
    tags: {
      ...tags,
      signal_name: best.variant.name,
      best_variant: best.variant.name,
      verdict: best.suite.verdict.color,
      suite_run: suiteRun.run_id,
      ...(options.author ? { author: options.author } : {}),
      ...(options.command ? { command: options.command } : {}),
    },
    params,
    metrics: {
      score: best.row.score,
      kept: board.filter((r) => r.kept).length,
      variants: board.length,
      sharpe: o.sharpe,
      annual_return: o.annual_return,
      max_drawdown: o.max_drawdown,
      turnover: o.turnover,
      accuracy: m.accuracy,
      balanced_accuracy: m.balanced_accuracy,
      roc_auc: m.roc_auc,
      rank_ic: m.rank_ic,
      log_loss: m.log_loss,
      brier: m.brier,
    },
    daily: {
      date: daily.date,
      net: daily.net,
      cumulative: daily.cumulative,
      drawdown: daily.drawdown,
      turnover: daily.turnover,
    },
    tables: {
      leaderboard: {
        rank: Float64Array.from(board, (r) => r.rank),
        variant: board.map((r) => r.variant),
        model: board.map((r) => r.model),
        label: board.map((r) => r.label),
        horizon: Float64Array.from(board, (r) => r.horizon),
        balanced_accuracy: Float64Array.from(board, (r) => r.balanced_accuracy),
        roc_auc: Float64Array.from(board, (r) => r.roc_auc),
        rank_ic: Float64Array.from(board, (r) => r.rank_ic),
        sharpe: Float64Array.from(board, (r) => r.sharpe),
        annual_return: Float64Array.from(board, (r) => r.annual_return),
        turnover: Float64Array.from(board, (r) => r.turnover),
        score: Float64Array.from(board, (r) => r.score),
        kept: board.map((r) => String(r.kept)),
      },
      metrics: {
        variant: research.variants.map((v) => v.name),
        ...Object.fromEntries(
          (Object.keys(m) as (keyof typeof m)[]).map((
            k,
          ) => [k, Float64Array.from(research.variants, (v) => v.evaluation.metrics[k])]),
        ),
      },
      importance: {
        feature: [...research.featureNames],
        impurity: best.impurity ?? new Float64Array(research.featureNames.length).fill(NaN),
        permutation: best.permutation.importance,
        permutation_std: best.permutation.std,
      },
      predictions: {
        security_id: signal.security_id,
        date_sig: signal.date_sig,
        date_avail: signal.date_avail!,
        signal: signal.signal,
        predicted: oos.predicted,
        fold: Float64Array.from(oos.fold),
      },
    },
    inputHash: "",
    artifacts: {
      "model.json": JSON.stringify(best.model.toJSON()),
      "pipeline.json": JSON.stringify(
        modelPipeline(
          config.features ?? DEFAULT_RESEARCH.features,
          config.standardize ?? DEFAULT_RESEARCH.standardize,
          best.variant.label,
          panel.dates[best.trainedThrough],
        ),
        null,
        2,
      ),
      "report.html": report,
    },
  }, { runsDir, now });
  return { run, suiteRun, research };
}

/** What `studyJob` needs. */
export interface StudyJobOptions {
  readonly snapshot: string;
  readonly snapshotsDir?: string;
  readonly subset?: PanelSubset;
  /** The model family to tune. */
  readonly model: ModelType;
  readonly label: LabelSpec;
  readonly features?: readonly FeatureSpec[];
  readonly space?: Readonly<Record<string, Distribution>>;
  readonly fixed?: Readonly<Record<string, unknown>>;
  readonly trials: number;
  readonly sampler?: "tpe" | "random";
  readonly seed?: number;
  readonly maxTrainRows?: number;
  readonly validationFraction?: number;
  readonly experiment?: string;
  readonly runsDir?: string;
  readonly workers?: number;
  readonly onTrial?: (trial: TrialRecord, done: number, total: number) => void;
}

/** A study run: recorded (or reused) with its trials. */
export interface StudyJobResult {
  readonly run: RunRecord;
  readonly study?: StudyResult;
  /** The folder the trials are stored in as they finish (resume reads it). */
  readonly dir: string;
}

/**
 * Runs a hyperparameter study of one model family on a snapshot and records it as an `ml_study` run
 * (params: the whole setting; metrics: best validation score, trial counts; `trials` table: one row
 * per trial with its state, score, steps and parameters; artifact `best_params.json`). Trials are
 * stored as they finish under `<runs>/.studies/<id>/`, so an interrupted study picks up where it
 * stopped when started again; asking for more trials extends it.
 *
 * @example
 * ```ts
 * const { run, study } = await studyJob({ snapshot: "demo", model: "forest", label: { type: "B1", horizon: 5 }, trials: 20 });
 * ```
 */
export async function studyJob(options: StudyJobOptions): Promise<StudyJobResult> {
  const runsDir = options.runsDir ?? DEFAULT_RUNS_DIR;
  const manifest = await readManifest(options.snapshot, options.snapshotsDir);
  const features = options.features ?? BASE_FEATURES;
  const space = options.space ?? SEARCH_SPACES[options.model];
  const setting = {
    snapshot: options.snapshot,
    subset: options.subset ?? {},
    model: options.model,
    label: options.label,
    features: featureSetConfig(features),
    space,
    fixed: options.fixed ?? {},
    sampler: options.sampler ?? "tpe",
    seed: options.seed ?? 0,
    maxTrainRows: options.maxTrainRows ?? 60_000,
    validationFraction: options.validationFraction ?? 0.2,
  };
  const tags = { snapshot_id: manifest.snapshot_id, snapshot_hash: manifest.hash };
  const studyId = await runConfigHash({ kind: "ml_study", tags, inputHash: "", params: setting });
  const dir = join(
    runsDir,
    ".studies",
    `${slugify(`${options.model}-${labelName(options.label)}`)}-${studyId}`,
  );
  const params = { ...setting, trials: options.trials };
  const hash = await runConfigHash({ kind: "ml_study", tags, inputHash: "", params });
  const [existing] = await listRuns({ runsDir, configHash: hash });
  if (existing) return { run: { ...(await getRun(existing.run_id, { runsDir })), reused: true }, dir };

  const panel = await loadPanel({
    snapshot: options.snapshot,
    snapshotsDir: options.snapshotsDir,
    fields: RESEARCH_FIELDS,
  });
  const data = buildDataset(computeFeatures(panel, features), computeLabel(panel, options.label));
  const objective = modelObjective(data, {
    type: options.model,
    space,
    fixed: options.fixed,
    validationFraction: setting.validationFraction,
    maxTrainRows: setting.maxTrainRows,
    seed: setting.seed,
    workers: options.workers,
  });
  const study = await runStudy(objective, {
    dir,
    trials: options.trials,
    sampler: setting.sampler,
    seed: setting.seed,
    onTrial: options.onTrial,
  });
  const names = Object.keys(space);
  const t = study.trials;
  const run = await recordRun({
    experiment: options.experiment ?? `study_${options.model}`,
    kind: "ml_study",
    tags: { ...tags, model: options.model, label: labelName(options.label), study_dir: dir },
    params,
    metrics: {
      best_value: study.best?.value ?? NaN,
      best_trial: study.best?.number ?? NaN,
      trials_complete: t.filter((x) => x.state === "complete").length,
      trials_pruned: t.filter((x) => x.state === "pruned").length,
      trials_failed: t.filter((x) => x.state === "failed").length,
    },
    tables: {
      trials: {
        number: Float64Array.from(t, (x) => x.number),
        state: t.map((x) => x.state),
        value: Float64Array.from(t, (x) => x.value),
        steps: Float64Array.from(t, (x) => x.intermediate.length),
        last_intermediate: Float64Array.from(t, (x) => x.intermediate.at(-1)?.[1] ?? NaN),
        ...Object.fromEntries(names.map((name) => {
          const numeric = space[name].type !== "categorical";
          return [
            `param_${name}`,
            numeric
              ? Float64Array.from(t, (x) => (x.params[name] as number) ?? NaN)
              : t.map((x) => (x.params[name] === undefined ? null : String(x.params[name]))),
          ];
        })),
      },
    },
    inputHash: "",
    artifacts: { "best_params.json": JSON.stringify(study.best?.params ?? null, null, 2) + "\n" },
  }, { runsDir });
  return { run, study, dir };
}
