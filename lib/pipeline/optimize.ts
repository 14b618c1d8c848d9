/**
 * Optimisation jobs end to end: load the snapshot's panel and the signal, run a grid, random search
 * or walk-forward of the cross-sectional backtest over Web Workers (panel and signal in shared
 * memory) — or of a time-series rule, a registered strategy through the portfolio simulator, or an
 * event-driven rule — record the run (trials and windows as Parquet, a report page, the best trial as a preset)
 * and write the preset where asked. An identical earlier run (same snapshot, signal and settings) is
 * found BEFORE computing and returned as it is.
 */
import type { BacktestOptions } from "../engine/types.ts";
import { loadPanel } from "../panel/load.ts";
import { sharedPanel } from "../panel/shared.ts";
import type { Panel } from "../panel/types.ts";
import { BACKTEST_SPACE, backtestSource } from "../optimize/objectives/backtest.ts";
import {
  RULES,
  type SeriesBars,
  TIMESERIES_OBJECTIVE,
  type TimeseriesObjectiveSetup,
} from "../optimize/objectives/timeseries.ts";
import { loadObjective, type ObjectiveSource } from "../optimize/objective.ts";
import { barsFromPanel } from "../engine/timeseries/bars.ts";
import type { CostModel } from "../engine/timeseries/costs.ts";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { EVENT_RULES, EVENTS_OBJECTIVE, type EventsObjectiveSetup } from "../optimize/objectives/events.ts";
import {
  type StrategyObjectiveSetup,
  strategySimulation,
  strategySource,
  strategySpace,
} from "../optimize/objectives/strategy.ts";
import type { SimulationConfig, SimulationOptions } from "../portfolio/config.ts";
import { discoverStrategies } from "../strategy/registry.ts";
import type { StrategyEntry } from "../strategy/types.ts";
import { loadRunData, sourceHash } from "./strategy_run.ts";
import { runSearch, type SearchOptions, type SearchResult } from "../optimize/search.ts";
import type { Space, SpaceSpec, TrialParams } from "../optimize/space.ts";
import { trialReturnsTable, trialsTable, walkForwardTables } from "../optimize/tables.ts";
import { runWalkForward, type WalkForwardResult } from "../optimize/walk_forward.ts";
import type { WindowOptions } from "../optimize/windows.ts";
import { type Preset, presetDates, writePreset } from "../preset/preset.ts";
import { htmlPage } from "../report/html.ts";
import { searchView, walkForwardView } from "../report/optimize_views.ts";
import { formatReport } from "../signal/problem.ts";
import { knownMatrix, readSignal, validate } from "../signal/mod.ts";
import { readManifest } from "../snapshot/paths.ts";
import { getRun } from "../track/get_run.ts";
import { listRuns } from "../track/list_runs.ts";
import { recordRun, runConfigHash } from "../track/record_run.ts";
import { runId } from "../track/run_id.ts";
import type { RunInput, RunRecord } from "../track/types.ts";
import { sha256File, sha256Hex } from "../util/hash.ts";
import { toShared } from "../util/shared.ts";

/** What an optimisation job runs. */
export interface OptimizeJobOptions
  extends Pick<SearchOptions, "trials" | "seed" | "objective" | "direction" | "constraints" | "workers"> {
  readonly mode: "grid" | "random" | "walk-forward";
  readonly snapshot: string;
  readonly snapshotsDir?: string;
  /** The signal file (engine `backtest`). */
  readonly signalFile?: string;
  /**
   * `backtest` (default): the cross-sectional backtest of the signal; `timeseries`: `fromSignals` on one
   * security; `strategy`: a registered strategy through the portfolio simulator (implied by `strategy`);
   * `events`: an event rule through `runEvents` on one security.
   */
  readonly engine?: "backtest" | "timeseries" | "strategy" | "events";
  /** The security whose bars a time-series or event rule trades (engines `timeseries`, `events`). */
  readonly security?: string;
  /**
   * A built-in rule or a rule module's path: engine `timeseries` ma_crossover, rsi, donchian; engine
   * `events` ma_crossover, channel_breakout.
   */
  readonly rule?: string;
  /** Costs of the time-series and event engines (fees and slippage in bps, fixed fee). */
  readonly costs?: CostModel;
  /** Engine `strategy`: the registered strategy whose parameters are searched (its schema is the space). */
  readonly strategy?: string;
  /** Engine `strategy`: where strategies are discovered (default the repository's `strategies/`). */
  readonly strategiesDir?: string;
  /** Engine `strategy`: simulator settings (schedule, lots, costs, cash rate, taxes), as `deno task run`. */
  readonly simulation?: SimulationOptions;
  /** Engine `strategy`: the benchmark the strategy sees (an index or index-level series of the snapshot). */
  readonly benchmark?: string | null;
  /** Signal name (default: the file's `signal_name`, else its file name). */
  readonly name?: string;
  /**
   * The space (default: lag × fractile × weights × costs, `BACKTEST_SPACE`; a rule's own space; for a
   * strategy, its schema's ranges — with a space given, only those parameters vary).
   */
  readonly space?: SpaceSpec;
  /** Backtest config every trial starts from (e.g. a preset's parameters). */
  readonly base?: BacktestOptions;
  /** Inclusive `YYYY-MM-DD` bounds of the data (engine `strategy`: of the simulation, as `deno task run`). */
  readonly start?: string;
  readonly end?: string;
  /** Restrict the panel to these securities (e.g. a preset's universe). */
  readonly securities?: readonly string[];
  /** Walk-forward windows (mode `walk-forward`). */
  readonly windows?: WindowOptions;
  /** Random search without a method means "random"; walk-forward searches with `searchMethod`. */
  readonly searchMethod?: "grid" | "random";
  readonly runsDir?: string;
  readonly author?: string;
  /** Record a new run even when an identical one exists. */
  readonly force?: boolean;
  /** Also write the best trial's preset to this path. */
  readonly writePreset?: string;
  /** The command that reproduces the job (a tag). */
  readonly command?: string;
  readonly onProgress?: (done: number, total: number) => void;
  /** Stage messages (loading, searching, recording). */
  readonly log?: (line: string) => void;
}

/** What a job gives: the result (null when an identical run was reused), the run and its preset. */
export interface OptimizeJobResult {
  readonly result: SearchResult | WalkForwardResult | null;
  readonly run: RunRecord;
  readonly reused: boolean;
  readonly preset?: Preset;
}

/** The panel fields the backtest objective needs for a space and base config. */
function panelFields(space: SpaceSpec, base: BacktestOptions): string[] {
  const text = JSON.stringify(space) + JSON.stringify(base);
  return ["ret", "mcap", "value", "beta", ...(/fromOpen|from_open/.test(text) ? ["ret_oc", "adj_open"] : [])];
}

/**
 * Runs an optimisation job (see the module doc). Throws on an invalid signal (with every problem),
 * and on anything the search refuses (empty space, zero step, unknown objective, windows longer than
 * the data), before any trial runs.
 *
 * @example
 * ```ts
 * const job = await runOptimizeJob({ mode: "grid", snapshot: "demo", signalFile: "data/demo_signal.parquet" });
 * job.run.run_id; job.preset?.params;
 * ```
 */
export async function runOptimizeJob(options: OptimizeJobOptions): Promise<OptimizeJobResult> {
  const log = options.log ?? (() => {});
  const { mode, snapshot, snapshotsDir, signalFile, runsDir } = options;
  if (mode === "walk-forward" && !options.windows) {
    throw new RangeError(
      "walk-forward needs windows: in-sample and out-of-sample sizes (e.g. --is 3y --oos 1y)",
    );
  }
  const engine = options.engine ?? (options.strategy ? "strategy" : "backtest");
  if (engine === "backtest" && !signalFile) throw new RangeError("the backtest engine needs a signal file");
  if ((engine === "timeseries" || engine === "events") && !(options.security && options.rule)) {
    throw new RangeError(
      `the ${engine} engine needs a security and a rule (e.g. --security SPX --rule ma_crossover)`,
    );
  }
  if (engine === "strategy" && !options.strategy) {
    throw new RangeError("the strategy engine needs a registered strategy (e.g. --strategy momentum_12_1)");
  }
  const rules: Readonly<Record<string, { space: SpaceSpec }>> = engine === "events" ? EVENT_RULES : RULES;
  const rule = options.rule && !(options.rule in rules)
    ? pathToFileURL(resolve(options.rule)).href
    : options.rule;
  // Engine strategy: the entry, its space checked against the schema and its settings, before any I/O.
  const registry = engine === "strategy" ? await discoverStrategies(options.strategiesDir) : undefined;
  const entry = registry?.get(options.strategy!);
  const strategySpaceChecked = entry ? strategySpace(entry, options.space) : undefined;
  const simulation = entry
    ? strategySimulation(entry, {
      ...options.simulation,
      ...(options.start ? { start: options.start } : {}),
      ...(options.end ? { end: options.end } : {}),
    })
    : undefined;
  const manifest = await readManifest(snapshot, snapshotsDir);
  const signalHash = engine === "backtest"
    ? await sha256File(signalFile!)
    : entry
    ? await sourceHash(entry, namedValues(strategySpaceChecked!), registry!)
    : await sha256Hex(`${rule}\n${rule!.startsWith("file:") ? await Deno.readTextFile(new URL(rule!)) : ""}`);
  const space: SpaceSpec | Space | undefined = strategySpaceChecked ??
    options.space ?? (engine === "backtest" ? BACKTEST_SPACE : rules[rule!]?.space);
  const base = options.base ?? {};
  const kind = mode === "walk-forward" ? "walk_forward" : "optimize";
  const method = mode === "walk-forward" ? options.searchMethod ?? "grid" : mode;
  const params = {
    engine,
    ...(engine === "timeseries" || engine === "events"
      ? { security: options.security, rule, costs: options.costs ?? {} }
      : {}),
    ...(entry ? { strategy: entry.name, simulation, benchmark: options.benchmark ?? null } : {}),
    mode,
    method,
    space,
    base,
    objective: options.objective ?? "sharpe",
    direction: options.direction ?? null,
    constraints: options.constraints ?? [],
    trials: method === "random" ? options.trials ?? 100 : null,
    seed: method === "random" ? options.seed ?? 42 : null,
    windows: options.windows ?? null,
    start: options.start ?? null,
    end: options.end ?? null,
    securities: options.securities ?? null,
  };
  const identity = { kind, tags: { snapshot_hash: manifest.hash }, inputHash: signalHash, params } as const;
  const configHash = await runConfigHash(identity);
  if (!options.force) {
    const [existing] = await listRuns({ runsDir, configHash });
    if (existing) {
      log(`identical run already recorded: ${existing.run_id}`);
      return {
        result: null,
        run: { ...(await getRun(existing.run_id, { runsDir })), reused: true },
        reused: true,
      };
    }
  }
  log(`loading snapshot ${snapshot}${signalFile ? ` and ${signalFile}` : ""}…`);
  const loaded = engine === "backtest"
    ? await backtestInput(options, space as SpaceSpec, base)
    : entry
    ? await strategyInput(options, entry, simulation!)
    : await timeseriesInput(options, rule!, engine as "timeseries" | "events");
  const { panel, name, source } = loaded;
  const searchOptions = {
    method,
    space,
    objective: options.objective,
    direction: options.direction,
    constraints: options.constraints,
    trials: options.trials,
    seed: options.seed,
    workers: options.workers,
    onProgress: options.onProgress,
  };
  log(
    `${
      mode === "walk-forward" ? "walk-forward" : `${method} search`
    } on ${panel.securityIds.length} securities × ${panel.dates.length} days…`,
  );
  const result = mode === "walk-forward"
    ? await runWalkForward(source, { ...searchOptions, windows: options.windows! })
    : await runSearch(source, searchOptions);
  const now = new Date();
  const id = runId(now, name, configHash);
  const chosen = chosenTrial(result);
  const preset = engine === "events" ? undefined : bestPreset(result, {
    panel,
    name,
    signalFile,
    signalHash,
    manifest,
    base,
    runId: id,
    now,
    ...(engine === "timeseries" ? { rule, costs: options.costs ?? {} } : {}),
    ...(entry && chosen
      ? {
        strategy: {
          name: entry.name,
          simulation: simulation!,
          benchmark: options.benchmark ?? null,
          held: await heldBy(source, chosen.params, panel.dates.length),
        },
      }
      : {}),
  });
  log("recording the run…");
  const input: RunInput = {
    experiment: name,
    kind,
    tags: {
      signal_name: name,
      ...(entry ? { strategy: entry.name } : {}),
      snapshot_id: manifest.snapshot_id,
      snapshot_hash: manifest.hash,
      author: options.author,
      method,
      objective: result.metric,
      ...(options.command ? { command: options.command } : {}),
    },
    params,
    inputHash: signalHash,
    ...(result.kind === "search" ? searchRecord(result) : walkForwardRecord(result)),
    artifacts: {
      "report.html": htmlPage({
        title: `${kind === "optimize" ? "Search" : "Walk-forward"}: ${name}`,
        body: result.kind === "search"
          ? searchView(result, `Search: ${name}`)
          : walkForwardView(result, `Walk-forward: ${name}`),
      }),
      ...(preset ? { "preset.json": JSON.stringify(preset, null, 2) + "\n" } : {}),
    },
  };
  const run = await recordRun(input, { runsDir, force: options.force, now });
  if (preset && options.writePreset) await writePreset(options.writePreset, preset);
  return { result, run, reused: false, ...(preset ? { preset } : {}) };
}

/** Metrics, daily series and tables of a search run. */
function searchRecord(result: SearchResult): Pick<RunInput, "metrics" | "daily" | "tables"> {
  const n = result.trials.length;
  const best = result.trials[result.best];
  const g = result.guards;
  const returns = best
    ? Float64Array.from(result.dates, (_, t) => result.returns[t * n + result.best])
    : new Float64Array(result.dates.length).fill(NaN);
  return {
    metrics: {
      ...(best?.metrics ?? {}),
      objective_value: best?.metrics[result.metric] ?? NaN,
      plateau: best?.plateau ?? NaN,
      trials: n,
      feasible_trials: result.ranking.length,
      best_trial: result.best,
      psr: g?.psr ?? NaN,
      dsr: g?.dsr ?? NaN,
      sr0: g?.sr0 ?? NaN,
      sharpe_std_trials: g?.sharpeStd ?? NaN,
      pbo: g?.pbo?.pbo ?? NaN,
      min_track_record: g?.minTrackRecord ?? NaN,
    },
    daily: { date: result.dates, ret: returns },
    tables: { trials: trialsTable(result), trial_returns: trialReturnsTable(result) },
  };
}

/** Metrics, daily series and tables of a walk-forward run. */
function walkForwardRecord(wf: WalkForwardResult): Pick<RunInput, "metrics" | "daily" | "tables"> {
  return {
    metrics: {
      ...(wf.oosMetrics as unknown as Record<string, number>),
      efficiency: wf.efficiency,
      is_metric_mean: wf.isMetricMean,
      oos_psr: wf.oosPsr,
      windows: wf.steps.length,
      trials_per_window: wf.plan.points.length,
    },
    daily: { date: wf.dates, ret: wf.returns },
    tables: walkForwardTables(wf),
  };
}

/** The chosen parameters: the best trial, or the last window's choice in a walk-forward (null: none). */
function chosenTrial(
  result: SearchResult | WalkForwardResult,
): { params: TrialParams; trial: number; value: number } | null {
  if (result.kind === "search") {
    if (result.best < 0) return null;
    const best = result.trials[result.best];
    return { params: best.params, trial: result.best, value: best.metrics[result.metric] };
  }
  const last = result.steps.at(-1);
  return last?.params ? { params: last.params, trial: last.search.best, value: last.isMetric } : null;
}

/** The securities a strategy's chosen parameters held over every bar (its objective, in this thread). */
async function heldBy(source: ObjectiveSource, params: TrialParams, bars: number): Promise<string[]> {
  const objective = await loadObjective(source);
  return [...(await objective.held!(params, { start: 0, end: bars }))];
}

/** The preset of the chosen parameters: the best trial, or the last window's choice in a walk-forward. */
function bestPreset(
  result: SearchResult | WalkForwardResult,
  context: {
    panel: Panel;
    name: string;
    signalFile?: string;
    signalHash: string;
    manifest: { snapshot_id: string; hash: string };
    base: BacktestOptions;
    runId: string;
    now: Date;
    /** Engine `timeseries`: the rule and the costs. */
    rule?: string;
    costs?: CostModel;
    /** Engine `strategy`: the strategy, its simulator settings and benchmark, and what it held. */
    strategy?: {
      name: string;
      simulation: SimulationConfig;
      benchmark: string | null;
      held: readonly string[];
    };
  },
): Preset | undefined {
  const chosen = chosenTrial(result);
  if (!chosen) return undefined;
  const { params, trial, value } = chosen;
  const merged: Record<string, TrialParams[string]> = {};
  for (const [k, v] of Object.entries(context.base)) {
    if (typeof v !== "object" || v === null) merged[k] = v as TrialParams[string];
    else if (Array.isArray(v)) merged[k] = v.join("/");
  }
  Object.assign(merged, params);
  const sim = context.strategy?.simulation;
  const tc = sim
    ? sim.commission.bps + sim.slippage.bps
    : context.rule
    ? context.costs?.feesBps ?? 0
    : merged.tcBps ?? merged.tc_bps ?? merged.tc ?? 10;
  const exposure = result.kind === "search" ? result.trials[trial]?.metrics.exposure : undefined;
  return {
    quantnb_preset: 1,
    name: `${context.name} · best ${result.metric}`,
    ...(context.strategy
      ? {
        engine: "strategy" as const,
        strategy: context.strategy.name,
        simulation: context.strategy.simulation,
        benchmark: context.strategy.benchmark,
      }
      : context.rule
      ? { engine: "timeseries" as const, strategy: context.rule }
      : { engine: "backtest" as const, signal: { path: context.signalFile!, sha256: context.signalHash } }),
    params: merged,
    universe: {
      snapshot: context.manifest.snapshot_id,
      snapshot_hash: context.manifest.hash,
      securities: [...context.panel.securityIds],
      // One instrument: held when the chosen parameters were ever in the market.
      ...(context.rule && exposure !== undefined
        ? { held: exposure > 0 ? [...context.panel.securityIds] : [] }
        : {}),
      ...(context.strategy ? { held: [...context.strategy.held] } : {}),
    },
    dates: presetDates(context.panel.dates),
    costs: { tc_bps: Number(tc) },
    source: {
      run_id: context.runId,
      trial,
      objective: result.metric,
      value: Number.isFinite(value) ? value : NaN,
      created_at: context.now.toISOString(),
    },
  };
}

/** What an engine contributes to a job: the panel read, the run's name and the objective source. */
interface EngineInput {
  readonly panel: Panel;
  readonly name: string;
  readonly source: ObjectiveSource;
}

/** The cross-sectional backtest's input: the panel, the validated signal and its known matrix. */
async function backtestInput(
  options: OptimizeJobOptions,
  space: SpaceSpec,
  base: BacktestOptions,
): Promise<EngineInput> {
  const signalFile = options.signalFile!;
  const panel = sharedPanel(
    await loadPanel({
      snapshot: options.snapshot,
      snapshotsDir: options.snapshotsDir,
      fields: panelFields(space, base),
      ...(options.start ? { start: options.start } : {}),
      ...(options.end ? { end: options.end } : {}),
      ...(options.securities ? { securities: options.securities } : {}),
    }),
  );
  const parsed = await readSignal(signalFile);
  const validation = validate(parsed, { panel });
  if (!validation.ok) throw new Error(`${signalFile}: invalid signal\n${formatReport(validation)}`);
  const name = options.name ?? parsed.signal.signal_name ??
    signalFile.replace(/^.*\//, "").replace(/\.[^.]+$/, "");
  return { panel, name, source: backtestSource(panel, knownMatrix(panel, parsed.signal), name, base) };
}

/**
 * The time-series or event engine's input: one security's (adjusted) bars, equity first, else an
 * index.
 */
async function timeseriesInput(
  options: OptimizeJobOptions,
  rule: string,
  engine: "timeseries" | "events",
): Promise<EngineInput> {
  const security = options.security!;
  let panel: Panel | undefined;
  for (const assetClass of ["equity", "index"] as const) {
    panel = await loadPanel({
      snapshot: options.snapshot,
      snapshotsDir: options.snapshotsDir,
      fields: ["open", "high", "low", "close", "adj_close", "adj_open"],
      securities: [security],
      assetClass,
      ...(options.start ? { start: options.start } : {}),
      ...(options.end ? { end: options.end } : {}),
    });
    if (panel.securityIds.length) break;
  }
  if (!panel?.securityIds.length) {
    throw new RangeError(`security "${security}" is not in snapshot ${options.snapshot}`);
  }
  const b = barsFromPanel(panel, { securityIds: [security] });
  const f64 = (x?: ArrayLike<number>) => (x ? toShared(Float64Array.from(x)) : undefined);
  const bars: SeriesBars = {
    dates: toShared(Float64Array.from(panel.dates)),
    close: f64(b.close)!,
    ...(b.open ? { open: f64(b.open) } : {}),
    ...(b.high ? { high: f64(b.high) } : {}),
    ...(b.low ? { low: f64(b.low) } : {}),
  };
  const name = options.name ?? security;
  const setup: TimeseriesObjectiveSetup | EventsObjectiveSetup = {
    name,
    bars,
    rule,
    base: options.costs,
    periodsPerYear: panel.periodsPerYear,
  };
  return {
    panel,
    name,
    source: { module: engine === "events" ? EVENTS_OBJECTIVE : TIMESERIES_OBJECTIVE, setup },
  };
}

/** The strategy engine's input: what `deno task run` reads from the snapshot, the panel shared. */
async function strategyInput(
  options: OptimizeJobOptions,
  entry: StrategyEntry,
  simulation: SimulationOptions,
): Promise<EngineInput> {
  const source = await strategyObjectiveSource({ ...options, strategy: entry.name, simulation });
  return { panel: source.setup.panel, name: options.name ?? entry.name, source };
}

/**
 * A registered strategy simulated as a portfolio, as a search objective over a snapshot: reads what
 * `deno task run` reads (the whole panel, series, corporate actions, lots and tax classes, the
 * benchmark) and returns the source for `runSearch` / `runWalkForward` (panel in shared memory).
 *
 * @example
 * ```ts
 * const source = await strategyObjectiveSource({ strategy: "momentum_12_1", snapshot: "demo", simulation: { tax: "brazil" } });
 * await runSearch(source, { space: { top_n: [20, 50, 100] }, workers: 2 });
 * ```
 */
export async function strategyObjectiveSource(options: {
  readonly strategy: string;
  readonly snapshot: string;
  readonly snapshotsDir?: string;
  readonly benchmark?: string | null;
  readonly simulation?: SimulationOptions;
  readonly strategiesDir?: string;
}): Promise<ObjectiveSource & { readonly setup: StrategyObjectiveSetup }> {
  const data = await loadRunData({
    snapshot: options.snapshot,
    snapshotsDir: options.snapshotsDir,
    benchmark: options.benchmark ?? null,
  });
  return strategySource({
    strategy: options.strategy,
    strategiesDir: options.strategiesDir,
    panel: data.panel,
    series: data.series,
    events: data.events,
    terms: data.terms,
    ...(options.benchmark && data.benchmarkClose
      ? { benchmark: { id: options.benchmark, close: data.benchmarkClose } }
      : {}),
    simulation: options.simulation,
  });
}

/** Every string value a space can take, by position: what `sourceHash` looks for strategy names in. */
function namedValues(space: Space): Record<string, string> {
  const values = space.dimensions
    .flatMap((d) => (d.kind === "choice" ? d.values : d.kind === "fixed" ? [d.value] : []))
    .filter((v): v is string => typeof v === "string");
  return Object.fromEntries(values.map((v, k) => [`v${k}`, v]));
}
