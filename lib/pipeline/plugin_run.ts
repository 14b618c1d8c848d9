/**
 * A stream plugin's time-series backtest as a recorded run (kind `timeseries`), in two steps so a
 * batch can tell which run a job records before running the plugin: `planStreamPluginRun` reads the
 * bars (the bundled sample, or one security of a snapshot at an interval) and says which run it is
 * (plugin code hash, snapshot hash, validated parameters, costs, fill, data, bars per year, initial
 * cash); `runStreamPluginRun` calls the plugin bar by bar over the JSON protocol, simulates its
 * signals with `fromSignals` and records the run (`recordTimeseriesRun`).
 */
import type { Interval } from "../bars/session.ts";
import { type Bars, barsFromPanel, periodsPerYearOf, resolveBars } from "../engine/timeseries/bars.ts";
import type { FromSignalsResult } from "../engine/timeseries/from_signals.ts";
import {
  recordTimeseriesRun,
  timeseriesIdentity,
  type TimeseriesRunMeta,
} from "../engine/timeseries/record.ts";
import { sampleBars } from "../engine/timeseries/sample.ts";
import { readPanel } from "../panel/load.ts";
import { pluginHash, type PluginManifest, requireMode } from "../plugin/manifest.ts";
import { backtestStreamPlugin, type StreamSignals } from "../plugin/stream.ts";
import { openSnapshot } from "../snapshot/catalog.ts";
import { validateParams } from "../strategy/params.ts";
import { runConfigHash, type RunIdentity } from "../track/record_run.ts";
import type { RunRecord } from "../track/types.ts";

/** The equity a stream plugin's backtest starts with (`fromSignals`' `initialCash`). */
export const STREAM_INITIAL_CASH = 100_000;

/** Options of `planStreamPluginRun` / `runStreamPluginRun` (those of `deno task python strategy run`). */
export interface StreamPluginRunOptions {
  /** The bundled S&P 500 sample's bars (when no `snapshot` is given). */
  readonly sample?: boolean;
  /** A snapshot whose security's bars the plugin trades. */
  readonly snapshot?: string;
  readonly snapshotsDir?: string;
  /** The security (default: the snapshot panel's first). */
  readonly security?: string;
  /** Bar size of the snapshot's bars (default daily). */
  readonly interval?: Interval;
  /** Parameters given (typed or `k=v` strings), checked against the manifest's schema, defaults filled. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** Fees and slippage per fill, in bps (default 0). */
  readonly feesBps?: number;
  readonly slippageBps?: number;
  /** When a signal fills (default `nextClose`). */
  readonly fill?: "nextOpen" | "nextClose";
  readonly runsDir?: string;
  /** Called every 250 bars and at the end with (bars done, bars). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** A planned stream plugin run: its bars, the run it records, and how it is labelled. */
export interface StreamPluginPlan {
  readonly bars: Bars;
  /** The run's identity (`runConfigHash` of it is the run's config hash). */
  readonly identity: RunIdentity;
  readonly meta: TimeseriesRunMeta;
}

/** The bars the plugin trades, with the tags and `data` label that say where they come from. */
async function streamBars(options: StreamPluginRunOptions) {
  if (!options.snapshot) {
    if (!options.sample) {
      throw new RangeError("a stream plugin runs on bars: give sample (the bundled S&P 500) or a snapshot");
    }
    return { bars: sampleBars() as Bars, tags: {}, data: "sample:SPX" };
  }
  const snapshot = await openSnapshot(options.snapshot, options.snapshotsDir);
  try {
    const panel = await readPanel(snapshot.conn, {
      ...(options.security ? { securities: [options.security] } : {}),
      interval: options.interval,
    });
    const security = options.security ?? panel.securityIds[0];
    if (security === undefined) throw new RangeError(`snapshot "${options.snapshot}" has no securities`);
    return {
      bars: barsFromPanel(panel, { securityIds: [security] }),
      tags: { snapshot_id: options.snapshot, snapshot_hash: snapshot.manifest.hash },
      data: `snapshot:${options.snapshot}:${security}${options.interval ? `:${options.interval}` : ""}`,
    };
  } finally {
    snapshot.close();
  }
}

/**
 * Plans a stream plugin's run without starting the plugin: reads its bars and computes the identity
 * of the run `runStreamPluginRun` records. Invalid parameters throw the registry's `ParamError`.
 *
 * @example
 * ```ts
 * const plan = await planStreamPluginRun(await loadManifest("example_sma"), { sample: true, params: { fast: 5 } });
 * await runConfigHash(plan.identity); // the config hash of the run it records
 * ```
 */
export async function planStreamPluginRun(
  manifest: PluginManifest,
  options: StreamPluginRunOptions,
): Promise<StreamPluginPlan> {
  requireMode(manifest, "stream");
  const params = validateParams(manifest.name, manifest.params, options.params);
  const { bars, tags, data } = await streamBars(options);
  const costs = { feesBps: options.feesBps, slippageBps: options.slippageBps };
  const meta: TimeseriesRunMeta = {
    experiment: manifest.name,
    strategy: manifest.name,
    params: { plugin: manifest.name, ...params, ...costs, fill: options.fill ?? "nextClose", data },
    tags,
    inputHash: await pluginHash(manifest),
  };
  const resolved = resolveBars(bars);
  const periodsPerYear = resolved.dates ? periodsPerYearOf(resolved.dates) : 252;
  const identity = timeseriesIdentity(meta, resolved.names[0], periodsPerYear, STREAM_INITIAL_CASH);
  return { bars, identity, meta };
}

/**
 * Runs a stream plugin over its planned bars (`plan`, else planned here), backtests its signals with
 * `fromSignals` and records the run (an identical recorded run is returned with `reused: true`).
 * Throws when the recorded run is not the planned one.
 *
 * @example
 * ```ts
 * const { run, result } = await runStreamPluginRun(manifest, { snapshot: "demo", security: "SYN0001" });
 * result.stats.sharpe[0]; run.run_id;
 * ```
 */
export async function runStreamPluginRun(
  manifest: PluginManifest,
  options: StreamPluginRunOptions,
  plan?: StreamPluginPlan,
): Promise<{ run: RunRecord; result: FromSignalsResult; signals: StreamSignals }> {
  const { bars, identity, meta } = plan ?? await planStreamPluginRun(manifest, options);
  const { signals, result } = await backtestStreamPlugin(manifest, bars, {
    params: options.params,
    feesBps: options.feesBps,
    slippageBps: options.slippageBps,
    fill: options.fill,
    initialCash: STREAM_INITIAL_CASH,
    onProgress: options.onProgress,
  });
  const run = await recordTimeseriesRun(result, 0, meta, { runsDir: options.runsDir });
  const planned = await runConfigHash(identity);
  if (run.config_hash !== planned) {
    throw new Error(`${manifest.name}: the recorded run ${run.run_id} is not the planned one (${planned})`);
  }
  return { run, result, signals };
}
