import type { Manifest } from "../snapshot/manifest.ts";
import { recordRun, runConfigHash } from "../track/record_run.ts";
import { runId } from "../track/run_id.ts";
import type { RunRecord } from "../track/types.ts";
import { gitSha } from "../util/git.ts";
import { tearsheet, type TearsheetContext } from "../report/tearsheet.ts";
import type { SuiteResult } from "./run_suite.ts";

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
  /** Extra tear-sheet context: `capacity` (see `capacityStats`), `signal_source` (the file). */
  tearsheetExtras?: Pick<TearsheetContext, "capacity" | "signal_source">;
}

/**
 * Records a suite as a run: `runs/<run_id>/` with `run.json` (tags: signal, author, git sha,
 * snapshot id and hash; params: preset and variants; metrics: the best variant's summary and the
 * verdict), `daily.parquet` (the best variant's daily series), `summary.csv` (one row per signal ×
 * variant) and `tearsheet.html`. An identical rerun (same snapshot, signal and preset) is recognised
 * and returned with `reused: true`.
 *
 * @example
 * ```ts
 * const run = await recordSuite(suite, { signalName: "my_signal", signalHash, manifest });
 * console.log(run.dir); // runs/20240102-101500-my-signal-0123456789ab
 * ```
 */
export async function recordSuite(suite: SuiteResult, options: RecordSuiteOptions): Promise<RunRecord> {
  const best = suite.signal.best;
  const overall = best.result.summary.overall;
  const params = { preset: suite.preset, variants: suite.signal.variants.map((v) => v.result.config) };
  const experiment = options.experiment ?? options.signalName;
  const now = new Date();
  const hash = await runConfigHash({
    kind: "suite",
    tags: { snapshot_hash: options.manifest.hash },
    inputHash: options.signalHash,
    params,
  });
  const id = runId(now, experiment, hash);
  const sha = await gitSha();
  const html = tearsheet(suite, {
    run_id: id,
    snapshot_id: options.manifest.snapshot_id,
    snapshot_hash: options.manifest.hash,
    git_sha: sha,
    created_at: now.toISOString(),
    signal_name: options.signalName,
    author: options.author,
    ...options.tearsheetExtras,
  });
  const summaryRows = [suite.signal, ...suite.baselines].flatMap((run) =>
    run.variants.map((v) => {
      const s = v.result.summary.overall;
      return {
        signal: run.name,
        variant: v.label,
        sharpe: s.sharpe,
        sharpe_gross: s.sharpe_gross,
        annual_return: s.annual_return,
        annual_volatility: s.annual_volatility,
        max_drawdown: s.max_drawdown,
        turnover: s.turnover,
        hit_rate: s.hit_rate,
        ic_mean: v.result.ic.mean,
      };
    })
  );
  const { date, net, gross, long, short, cumulative, drawdown, turnover } = best.result.daily;
  return await recordRun({
    experiment,
    kind: "suite",
    tags: {
      signal_name: options.signalName,
      snapshot_id: options.manifest.snapshot_id,
      snapshot_hash: options.manifest.hash,
      verdict: suite.verdict.color,
      best_variant: best.label,
      ...(options.author ? { author: options.author } : {}),
      ...options.tags,
    },
    params,
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
    inputHash: options.signalHash,
    artifacts: { "tearsheet.html": html },
  }, { runsDir: options.runsDir, now });
}
