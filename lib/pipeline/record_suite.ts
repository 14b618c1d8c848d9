/**
 * A suite as a recorded run: the run's identity (before computing) and its full input (after), with
 * the tear sheet rendered for the run id the registry gives it.
 */
import type { Manifest } from "../snapshot/manifest.ts";
import { resolveConfig } from "../engine/config.ts";
import { recordRun } from "../track/record_run.ts";
import type { RunIdentity } from "../track/record_run.ts";
import type { RunInput, RunJson, RunRecord } from "../track/types.ts";
import type { CapacityStats } from "../report/capacity.ts";
import { tearsheet, type TearsheetBenchmark, type TearsheetContext } from "../report/tearsheet.ts";
import { expandPreset, type SuitePreset } from "../suite/preset.ts";
import { type SuiteResult, suiteRows } from "../suite/run_suite.ts";

/**
 * What a suite run stores as its result (`result.bin`): the suite, its best variant's capacity and the
 * benchmark of its tear sheet's returns sections.
 */
export interface StoredSuite {
  readonly suite: SuiteResult;
  readonly capacity?: CapacityStats;
  readonly benchmark?: TearsheetBenchmark;
}

/** Who and what a suite run is recorded under. */
export interface RecordSuiteOptions {
  signalName: string;
  signalHash: string;
  manifest: Pick<Manifest, "snapshot_id" | "hash">;
  /** Grouping (MLflow's experiment); defaults to the signal name. */
  experiment?: string;
  author?: string;
  runsDir?: string;
  /** Extra tags, e.g. the command that reproduces the run. */
  tags?: Record<string, string>;
  /**
   * Extra tear-sheet context: `capacity` (see `capacityStats`), `signal_source` (the file),
   * `benchmark` (see `universeBenchmark`).
   */
  tearsheetExtras?: Pick<TearsheetContext, "capacity" | "signal_source" | "benchmark">;
}

/**
 * The identity of a suite run, known before running it: kind `suite`, the snapshot, the signal
 * file's hash and the params `{ preset, variants }` (each variant's fully resolved backtest config,
 * as the engine will run it), labelled with the signal name, experiment and author.
 *
 * @example
 * ```ts
 * const identity = suiteIdentity(PRESETS.standard, { signalName: "mom", signalHash, manifest });
 * ```
 */
export function suiteIdentity(preset: SuitePreset, options: RecordSuiteOptions): RunIdentity {
  return {
    experiment: options.experiment ?? options.signalName,
    kind: "suite",
    tags: {
      signal_name: options.signalName,
      snapshot_id: options.manifest.snapshot_id,
      snapshot_hash: options.manifest.hash,
      ...(options.author !== undefined ? { author: options.author } : {}),
    },
    params: { preset, variants: expandPreset(preset).map((v) => resolveConfig(v.options)) },
    inputHash: options.signalHash,
  };
}

/**
 * The run input of a computed suite: tags (signal, snapshot, verdict, best variant, author, extra
 * tags), params (preset and variants), metrics (the best variant's summary, IC and each baseline's
 * PnL correlation), the best variant's daily series, one summary row per signal × variant, and
 * `tearsheet.html` rendered with the run's own id and time.
 *
 * @example
 * ```ts
 * const input = suiteRunInput(suite, { signalName: "mom", signalHash, manifest });
 * ```
 */
export function suiteRunInput(suite: SuiteResult, options: RecordSuiteOptions): RunInput {
  const identity = suiteIdentity(suite.preset, options);
  const best = suite.signal.best;
  const overall = best.result.summary.overall;
  const summaryRows = suiteRows(suite).map((row) => ({ ...row }));
  const { date, net, gross, long, short, cumulative, drawdown, turnover } = best.result.daily;
  const sheet = (run: RunJson) =>
    tearsheet(suite, {
      run_id: run.run_id,
      snapshot_id: options.manifest.snapshot_id,
      snapshot_hash: options.manifest.hash,
      git_sha: run.tags.git_sha,
      created_at: run.created_at,
      signal_name: options.signalName,
      author: run.tags.author,
      ...options.tearsheetExtras,
    });
  return {
    ...identity,
    tags: { ...identity.tags, verdict: suite.verdict.color, best_variant: best.label, ...options.tags },
    metrics: {
      sharpe: overall.sharpe,
      sharpe_gross: overall.sharpe_gross,
      annual_return: overall.annual_return,
      annual_volatility: overall.annual_volatility,
      max_drawdown: overall.max_drawdown,
      hit_rate: overall.hit_rate,
      turnover: overall.turnover,
      ic_mean: best.result.ic.mean,
      ic_ir: best.result.ic.ir,
      ...Object.fromEntries(suite.uniqueness.map((u) => [`pnl_corr_${u.baseline}`, u.pnl_correlation])),
    },
    daily: { date, net, gross, long, short, cumulative, drawdown, turnover },
    summaryRows,
    artifacts: { "tearsheet.html": sheet },
  };
}

/**
 * Records an already computed suite as a run: `runs/<run_id>/` with `run.json`, `daily.parquet`,
 * `summary.csv`, `tearsheet.html` and `result.bin` (the whole suite, so an identical rerun through
 * `runSuiteFile` returns it without computing). An identical rerun (same snapshot, signal and preset,
 * same labels) is recognised and returned with `reused: true`; to skip the computing as well, use
 * `runSuiteFile`, which checks first.
 *
 * @example
 * ```ts
 * const run = await recordSuite(suite, { signalName: "my_signal", signalHash, manifest });
 * console.log(run.dir); // runs/20240102-101500-my-signal-0123456789ab
 * ```
 */
export async function recordSuite(suite: SuiteResult, options: RecordSuiteOptions): Promise<RunRecord> {
  const result: StoredSuite = {
    suite,
    capacity: options.tearsheetExtras?.capacity,
    benchmark: options.tearsheetExtras?.benchmark,
  };
  return await recordRun({ ...suiteRunInput(suite, options), result }, { runsDir: options.runsDir });
}
