/**
 * A batch plugin's signal as a recorded backtest: the run's identity (plugin code hash, snapshot hash,
 * validated parameters, backtest config) is looked up in the registry BEFORE the plugin runs, so an
 * identical rerun returns the stored summary at once; otherwise the panel is loaded, the plugin's
 * `generate` answers, the cross-sectional backtest runs and the run is recorded (kind `backtest`:
 * summary per slice, daily series, tear sheet) — the same record a signal file's backtest gets.
 */
import { backtest } from "../engine/backtest.ts";
import { resolveConfig } from "../engine/config.ts";
import type { BacktestOptions, BacktestResult, BacktestSummary, SliceSummary } from "../engine/types.ts";
import { loadPanel, type PanelQuery } from "../panel/load.ts";
import { runBatchPlugin } from "../plugin/batch.ts";
import { pluginHash, type PluginManifest, requireMode } from "../plugin/manifest.ts";
import { htmlPage } from "../report/html.ts";
import { backtestView } from "../report/views.ts";
import { verifiedManifest } from "../snapshot/verify.ts";
import { type Params, validateParams } from "../strategy/params.ts";
import { recordOnce, type RunIdentity } from "../track/record_run.ts";
import type { LockHolder } from "../track/run_lock.ts";
import type { RunInput, RunRecord } from "../track/types.ts";

/** Options of `runPluginBacktest`. */
export interface PluginBacktestOptions {
  readonly snapshot: string;
  readonly snapshotsDir?: string;
  readonly runsDir?: string;
  /** Parameters given (typed or `k=v` strings), checked against the manifest's schema, defaults filled. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** Cross-sectional backtest options (`tcBps`, `lag`, …; default the engine's). */
  readonly backtest?: BacktestOptions;
  /** What to read from the snapshot beyond the defaults (part of the identity when given). */
  readonly panel?: Omit<PanelQuery, "fields">;
  /** Compute and record a new run even when an identical one is recorded. */
  readonly force?: boolean;
  /** Called as each stage starts ("loading panel", "running plugin", …), for progress. */
  readonly onStage?: (stage: string) => void;
  /** Called once when an identical run is being computed by another process (this one waits). */
  readonly onWait?: (holder: LockHolder | undefined) => void;
}

/** What the run stores (`result.bin`): the parameters used and the backtest's summary. */
export interface StoredPluginBacktest {
  readonly params: Params;
  readonly summary: BacktestSummary;
}

/** A planned batch-plugin backtest: the run it records and what its computation needs. */
export interface PluginBacktestPlan {
  /** The run's identity (`runConfigHash` of it is the run's config hash). */
  readonly identity: RunIdentity;
  readonly params: Params;
  readonly config: ReturnType<typeof resolveConfig>;
  readonly panelQuery?: Omit<PanelQuery, "fields">;
}

/**
 * Plans a batch plugin's backtest without starting the plugin: checks the manifest (output `signal`)
 * and the parameters (the registry's `ParamError`), verifies the snapshot and computes the identity
 * of the run `runPluginBacktest` records.
 *
 * @example
 * ```ts
 * const plan = await planPluginBacktest(await loadManifest("example_pandas"), { snapshot: "demo" });
 * await runConfigHash(plan.identity); // the config hash of the run it records
 * ```
 */
export async function planPluginBacktest(
  manifest: PluginManifest,
  options: PluginBacktestOptions,
): Promise<PluginBacktestPlan> {
  requireMode(manifest, "batch");
  if (manifest.output !== "signal") {
    throw new RangeError(
      `${manifest.name} returns target weights: simulate them with the portfolio simulator (lib/portfolio)`,
    );
  }
  const { snapshot, snapshotsDir, onStage = () => {} } = options;
  const params = validateParams(manifest.name, manifest.params, options.params);
  const config = resolveConfig(options.backtest ?? {});
  onStage("verifying snapshot");
  const snapshotManifest = await verifiedManifest(snapshot, snapshotsDir);
  const panelQuery = options.panel && Object.keys(options.panel).length ? options.panel : undefined;
  const identity: RunIdentity = {
    experiment: manifest.name,
    kind: "backtest",
    tags: {
      signal_name: manifest.name,
      strategy: manifest.name,
      snapshot_id: snapshot,
      snapshot_hash: snapshotManifest.hash,
      command: `deno task python strategy run ${manifest.name} --snapshot ${snapshot}`,
    },
    params: {
      plugin: manifest.name,
      plugin_params: params,
      config,
      ...(panelQuery ? { panel: panelQuery } : {}),
    },
    inputHash: await pluginHash(manifest),
  };
  return { identity, params, config, ...(panelQuery ? { panelQuery } : {}) };
}

/**
 * Runs a batch plugin (output `signal`) on a snapshot, backtests its signal and records the run, or
 * returns the identical recorded run (`run.reused`) without starting the plugin. Planned by
 * `planPluginBacktest` (or by the caller: `plan`). Invalid parameters throw the registry's
 * `ParamError` before anything is read; a signal that trades no day is an error and records nothing.
 *
 * @example
 * ```ts
 * const { run, result } = await runPluginBacktest(await loadManifest("example_pandas"), {
 *   snapshot: "demo", params: { lookback: 60 }, backtest: { tcBps: 5 },
 * });
 * result.summary.overall.sharpe; run.run_id; run.reused;
 * ```
 */
export async function runPluginBacktest(
  manifest: PluginManifest,
  options: PluginBacktestOptions,
  plan?: PluginBacktestPlan,
): Promise<{ run: RunRecord; result: StoredPluginBacktest }> {
  const { snapshot, snapshotsDir, onStage = () => {} } = options;
  const { identity, params, config, panelQuery } = plan ?? await planPluginBacktest(manifest, options);
  return await recordOnce<StoredPluginBacktest>(identity, async () => {
    onStage("loading panel");
    const panel = await loadPanel({ ...panelQuery, snapshot, snapshotsDir });
    onStage(`running ${manifest.name}`);
    const { matrix } = await runBatchPlugin(manifest, panel, { params });
    onStage("backtesting");
    const result = backtest(panel, { known: matrix }, config);
    if (result.summary.overall.n_days === 0) {
      throw new Error(
        `the backtest of ${manifest.name}'s signal traded 0 days on snapshot "${snapshot}": no value it ` +
          `returned is held on a day with a return (check its dates, or --mincos / --fractile)`,
      );
    }
    onStage("recording run");
    return {
      input: backtestRunInput(identity, result, `Backtest: ${manifest.name}`),
      result: { params, summary: result.summary },
    };
  }, { runsDir: options.runsDir, force: options.force, onWait: options.onWait });
}

/**
 * A cross-sectional backtest as a run's record: metrics = the overall slice plus IC mean / IR / t and
 * fractile monotonicity, the daily series (net, gross, legs, cumulative, drawdown, turnover), one
 * summary row per slice (overall, each year, each mcap tercile) and `tearsheet.html`.
 *
 * @example
 * ```ts
 * await recordRun(backtestRunInput(identity, backtest(panel, signal), "Backtest: momentum"));
 * ```
 */
export function backtestRunInput(identity: RunIdentity, result: BacktestResult, title: string): RunInput {
  const o = result.summary.overall;
  const { date, net, gross, long, short, cumulative, drawdown, turnover } = result.daily;
  const slices: [string, SliceSummary][] = [
    ["overall", o],
    ...Object.entries(result.summary.year),
    ...Object.entries(result.summary.cap ?? {}).map(([k, s]) => [`cap ${k}`, s] as [string, SliceSummary]),
  ];
  return {
    ...identity,
    metrics: {
      ...o,
      ic_mean: result.ic.mean,
      ic_ir: result.ic.ir,
      ic_t_stat: result.ic.t_stat,
      monotonicity: result.fractiles.monotonicity,
    },
    daily: { date, net, gross, long, short, cumulative, drawdown, turnover },
    summaryRows: slices.map(([slice, s]) => ({ slice, ...s })),
    artifacts: { "tearsheet.html": htmlPage({ title, body: backtestView(result, title) }) },
  };
}
