/**
 * `deno task optimize grid|random|walk-forward --snapshot ID --signal FILE [options]` — parameter
 * search and walk-forward optimisation of the cross-sectional backtest (or of a time-series rule, a
 * registered strategy through the portfolio simulator, an event-driven rule), recorded as a run.
 */
import type { BacktestOptions } from "../engine/types.ts";
import { progressTicker } from "../nb/ticker.ts";
import { renderTextTable } from "../nb/text_table.ts";
import { backtestOptions } from "../optimize/objectives/backtest.ts";
import type { SearchResult } from "../optimize/search.ts";
import { defineSpace, parseDimensionArgs, type SpaceSpec } from "../optimize/space.ts";
import { valueLabel } from "../optimize/surface.ts";
import type { WalkForwardResult } from "../optimize/walk_forward.ts";
import { isoDate } from "../panel/types.ts";
import { type OptimizeJobResult, runOptimizeJob } from "../pipeline/optimize.ts";
import { type Preset, readPreset } from "../preset/preset.ts";
import { stringifyJson } from "../util/json.ts";
import { COMMON_HELP, parseTaskArgs, runTask, UsageError } from "./args.ts";
import { SIMULATION_ARGS, SIMULATION_HELP, simulationOptions } from "./simulation_args.ts";

const HELP = `deno task optimize grid|random|walk-forward --snapshot ID --signal FILE [options]
       deno task optimize grid|random|walk-forward --engine timeseries --snapshot ID --security ID --rule RULE [options]
       deno task optimize grid|random|walk-forward --strategy NAME --snapshot ID [simulator options]
       deno task optimize grid|random|walk-forward --engine events --snapshot ID --security ID --rule RULE [options]

Searches the cross-sectional backtest's parameters (lag, residualize, tcBps, weight, fractile,
fromOpen, mincos) for the best value of an objective metric, over Web Workers (identical results for
any worker count), with the overfitting guards beside the best trial (probabilistic and deflated
Sharpe ratio over the trials run, probability of backtest overfitting by CSCV) and a plateau score.
walk-forward re-optimises on rolling or anchored in-sample windows and judges the chosen parameters
out of sample only. Every run is recorded under runs/ (trials as Parquet, report.html, preset.json).

With --strategy NAME (deno task strategies list) the trials are the strategy's parameters, checked
against its schema (deno task strategies show NAME); each is simulated as a portfolio exactly as
deno task run does, and the objective is a metric of the simulated NAV's daily net returns, after
commission, slippage and taxes. Without --param every schema parameter with a range is searched.

Options:
  --snapshot ID          snapshot to load (required unless --preset gives it)
  --signal FILE          signal file, CSV or Parquet (required unless --preset gives it)
  --preset FILE          start from a preset: its snapshot, signal, universe, dates and parameters
  --engine E             backtest (default: the cross-sectional backtest of --signal) | timeseries
                         (fromSignals on one security's bars, with --security and --rule) | strategy
                         (a registered strategy, with --strategy) | events (runEvents on one security's
                         bars, with --security and --rule)
  --strategy NAME        a registered strategy, simulated as a portfolio (implies --engine strategy);
                         --param names its parameters; the simulator options below apply
  --benchmark ID         strategy: the benchmark the strategy sees (an index of the snapshot, e.g. SPX)
  --security ID          timeseries: the security (or index, e.g. SPX) whose bars the rule trades
  --rule R               timeseries: ma_crossover (fast, slow, kind) | rsi (period, lower, upper) |
                         donchian (window) | a module exporting signals(params, bars); trade parameters
                         stopLoss, takeProfit, trailingStop, direction, fill may be searched too;
                         events: ma_crossover (fast, slow, kind) | channel_breakout (window, exit_window:
                         stop orders) | a module exporting strategy(params) (and space)
  --fees-bps X --slippage-bps X   timeseries and events costs (default 0)
  --param NAME=SPEC      a dimension, repeatable: MIN:MAX:STEP (range), MIN:MAX (continuous, random
                         only), A,B,C (choices), X (fixed); e.g. --param lag=0:4:1 --param fractile=5,10,20/80
                         (default space: lag 0:3:1 × fractile 3,5,10,20/80 × weight equal,signal × tcBps 0,10,20)
  --space FILE           the space as JSON: {"lag": {"min": 0, "max": 4, "step": 1}, "weight": ["equal", "cap"]}
  --objective METRIC     metric to optimise (default sharpe): any metric of deno task metrics (sortino,
                         calmar, cagr, max_drawdown, …) or an engine metric (ic, turnover, sharpe_gross)
  --direction max|min    override the metric's direction (volatility and turnover minimise by default)
  --constraint EXPR      repeatable, e.g. "turnover<0.5" "max_drawdown>-0.3": trials failing one are kept but not chosen
  --trials N             random search: number of distinct trials (default 100)
  --seed N               random search: seed (default 42)
  --workers N            Web Workers (default: one per core; 0 = in this process)
  --is SIZE --oos SIZE   walk-forward window sizes: bars (252) or calendar spans (3y, 6m, 1q, 4w, 30d)
  --step SIZE            walk-forward step (default: the out-of-sample size)
  --mode rolling|anchored  walk-forward windows (default rolling)
  --search grid|random   walk-forward: how each window searches (default grid)
  --start D --end D      restrict the data (YYYY-MM-DD, inclusive); strategy: simulate from / to
  --name NAME            signal name (default: the file's signal_name column, else the file name)
  --author NAME          recorded author (default $USER)
  --write-preset FILE    also write the best trial as a preset (any task reads it with --preset)
  --top N                trials to list (default 10)
  --runs DIR             run registry folder (default runs/)
  --force                record a new run even when an identical one exists
  --json                 print the result as JSON

Simulator options (with --strategy, as deno task run; --slippage-bps is the simulator's slippage):
${SIMULATION_HELP.replace(/^Portfolio:\n/, "")}
${COMMON_HELP}

Exit codes: 0 ok, 1 failure (invalid signal, bad space, …), 2 usage.`;

const MODES = ["grid", "random", "walk-forward"] as const;

/** Parses a whole number option, or undefined. */
function integer(values: Record<string, unknown>, name: string, min: number): number | undefined {
  const text = values[name];
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!(Number.isInteger(n) && n >= min)) {
    throw new UsageError(`--${name} must be an integer ≥ ${min}, found "${text}"`);
  }
  return n;
}

/** The preset's parameters as backtest config, without the ones the search varies. */
function presetBase(preset: Preset, space: SpaceSpec): BacktestOptions {
  const fixed = Object.fromEntries(Object.entries(preset.params).filter(([k]) => !(k in space)));
  return { ...backtestOptions(fixed), ...(!("tcBps" in space) ? { tcBps: preset.costs.tc_bps } : {}) };
}

/** `deno task optimize`: see `--help`. Returns the exit code. */
export async function main(args: string[]): Promise<number> {
  return await runTask(async () => {
    const { values, positionals } = parseTaskArgs(args, {
      snapshot: { type: "string" },
      signal: { type: "string" },
      preset: { type: "string" },
      engine: { type: "string", default: "backtest" },
      security: { type: "string" },
      rule: { type: "string" },
      "fees-bps": { type: "string" },
      strategy: { type: "string" },
      benchmark: { type: "string" },
      ...SIMULATION_ARGS,
      param: { type: "string", multiple: true },
      space: { type: "string" },
      objective: { type: "string" },
      direction: { type: "string" },
      constraint: { type: "string", multiple: true },
      trials: { type: "string" },
      seed: { type: "string" },
      workers: { type: "string" },
      is: { type: "string" },
      oos: { type: "string" },
      step: { type: "string" },
      mode: { type: "string" },
      search: { type: "string" },
      start: { type: "string" },
      end: { type: "string" },
      name: { type: "string" },
      author: { type: "string" },
      "write-preset": { type: "string" },
      top: { type: "string", default: "10" },
      runs: { type: "string", default: "runs" },
      force: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const mode = positionals[0] as typeof MODES[number];
    if (!MODES.includes(mode)) {
      throw new UsageError(`expected grid, random or walk-forward, found "${positionals[0] ?? ""}"`);
    }
    if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
    const preset = values.preset ? await readPreset(values.preset) : undefined;
    const snapshot = values.snapshot ?? preset?.universe.snapshot;
    const signalFile = values.signal ?? preset?.signal?.path;
    if (!snapshot) throw new UsageError("--snapshot ID is required (or --preset FILE)");
    const engine = (values.strategy && values.engine === "backtest" ? "strategy" : values.engine) as
      | "backtest"
      | "timeseries"
      | "strategy"
      | "events";
    if (!["backtest", "timeseries", "strategy", "events"].includes(engine)) {
      throw new UsageError(
        `--engine must be backtest, timeseries, strategy or events, found "${values.engine}"`,
      );
    }
    if (engine === "strategy" && !values.strategy) {
      throw new UsageError("--engine strategy needs --strategy NAME (deno task strategies list)");
    }
    if (values.strategy && engine !== "strategy") {
      throw new UsageError(`--strategy NAME runs the strategy engine, not --engine ${engine}`);
    }
    const simulatorFlags = Object.keys(SIMULATION_ARGS).filter((k) =>
      k !== "slippage-bps" && values[k as keyof typeof values] !== undefined &&
      values[k as keyof typeof values] !== false
    );
    if (engine !== "strategy" && (simulatorFlags.length || values.benchmark)) {
      throw new UsageError(
        `--${[...simulatorFlags, ...(values.benchmark ? ["benchmark"] : [])][0]} applies to --strategy only`,
      );
    }
    if (engine === "backtest" && !signalFile) {
      throw new UsageError("--signal FILE is required (or --preset FILE)");
    }
    if ((engine === "timeseries" || engine === "events") && (!values.security || !values.rule)) {
      throw new UsageError(`--engine ${engine} needs --security ID and --rule RULE`);
    }
    const bps = (name: string) => {
      const text = values[name as "fees-bps"];
      if (text === undefined) return undefined;
      const x = Number(text);
      if (!(x >= 0)) throw new UsageError(`--${name} must be a number ≥ 0, found "${text}"`);
      return x;
    };
    if (values.space && values.param?.length) {
      throw new UsageError("give the space with --param or --space, not both");
    }
    let space: SpaceSpec | undefined;
    if (values.space) space = JSON.parse(await Deno.readTextFile(values.space)) as SpaceSpec;
    else if (values.param?.length) space = parseDimensionArgs(values.param);
    if (space) defineSpace(space);
    if (values.direction !== undefined && !["max", "min"].includes(values.direction)) {
      throw new UsageError(`--direction must be max or min, found "${values.direction}"`);
    }
    if (values.search !== undefined && !["grid", "random"].includes(values.search)) {
      throw new UsageError(`--search must be grid or random, found "${values.search}"`);
    }
    if (values.mode !== undefined && !["rolling", "anchored"].includes(values.mode)) {
      throw new UsageError(`--mode must be rolling or anchored, found "${values.mode}"`);
    }
    if (mode === "walk-forward" && (!values.is || !values.oos)) {
      throw new UsageError("walk-forward needs --is SIZE and --oos SIZE (e.g. --is 3y --oos 1y)");
    }
    const top = integer(values, "top", 1)!;
    const ticker = progressTicker({ label: mode });
    const job = await runOptimizeJob({
      mode,
      snapshot,
      snapshotsDir: values.snapshots,
      signalFile: engine === "backtest" ? signalFile : undefined,
      engine,
      security: values.security,
      rule: values.rule,
      ...(engine === "strategy"
        ? {
          strategy: values.strategy,
          benchmark: values.benchmark ?? null,
          simulation: simulationOptions(values),
        }
        : {}),
      costs: {
        ...(bps("fees-bps") !== undefined ? { feesBps: bps("fees-bps") } : {}),
        ...(bps("slippage-bps") !== undefined ? { slippageBps: bps("slippage-bps") } : {}),
      },
      name: values.name,
      space,
      base: preset && engine === "backtest" ? presetBase(preset, space ?? {}) : undefined,
      securities: preset?.universe.securities,
      start: values.start ?? preset?.dates.start ?? undefined,
      end: values.end ?? preset?.dates.end ?? undefined,
      objective: values.objective,
      direction: values.direction as "max" | "min" | undefined,
      constraints: values.constraint,
      trials: integer(values, "trials", 1),
      seed: integer(values, "seed", 0),
      workers: integer(values, "workers", 0),
      searchMethod: (values.search ?? (mode === "random" ? "random" : "grid")) as "grid" | "random",
      ...(mode === "walk-forward"
        ? {
          windows: {
            mode: (values.mode ?? "rolling") as "rolling" | "anchored",
            inSample: values.is!,
            outOfSample: values.oos!,
            ...(values.step ? { step: values.step } : {}),
          },
        }
        : {}),
      runsDir: values.runs,
      author: values.author,
      force: values.force,
      writePreset: values["write-preset"],
      command: `deno task optimize ${args.join(" ")}`,
      onProgress: values.json ? undefined : ticker.onProgress,
      log: values.json ? undefined : (line) => console.log(line),
    });
    await ticker.done();
    if (values.json) console.log(stringifyJson(jobJson(job, top), 2));
    else printJob(job, top, values["write-preset"]);
    return 0;
  }, HELP);
}

/** The job as plain JSON: run, best, guards, top trials (or windows). */
export function jobJson(job: OptimizeJobResult, top = 10): Record<string, unknown> {
  const { run, result } = job;
  const out: Record<string, unknown> = {
    run_id: run.run_id,
    reused: job.reused,
    kind: run.kind,
    report: `${run.dir}/report.html`,
    metrics: run.metrics,
  };
  if (!result) return out;
  if (result.kind === "search") {
    const best = result.trials[result.best];
    return {
      ...out,
      method: result.method,
      objective: { metric: result.metric, direction: result.direction },
      trials: result.trials.length,
      best: best
        ? { trial: best.index, params: best.params, metrics: best.metrics, plateau: best.plateau }
        : null,
      robust: result.robust >= 0
        ? { trial: result.robust, params: result.trials[result.robust].params }
        : null,
      guards: result.guards
        ? {
          psr: result.guards.psr,
          dsr: result.guards.dsr,
          sr0: result.guards.sr0,
          trials: result.guards.trials,
          sharpe_std: result.guards.sharpeStd,
          min_track_record: result.guards.minTrackRecord,
          pbo: result.guards.pbo?.pbo ?? null,
          pbo_blocks: result.guards.pbo?.blocks ?? null,
        }
        : null,
      top: result.ranking.slice(0, top).map((k) => ({
        trial: k,
        rank: result.trials[k].rank,
        params: result.trials[k].params,
        [result.metric]: result.trials[k].metrics[result.metric],
        plateau: result.trials[k].plateau,
      })),
      warnings: result.warnings,
      preset: job.preset ?? null,
    };
  }
  return {
    ...out,
    objective: { metric: result.metric, direction: result.direction },
    efficiency: result.efficiency,
    oos_psr: result.oosPsr,
    oos_metrics: result.oosMetrics,
    windows: result.steps.map((s) => ({
      window: s.window.index,
      is: [isoDate(s.isFrom), isoDate(s.isTo)],
      oos: [isoDate(s.oosFrom), isoDate(s.oosTo)],
      params: s.params,
      is_metric: s.isMetric,
      oos_metric: s.oosMetric,
      efficiency: s.efficiency,
    })),
    warnings: result.warnings,
    preset: job.preset ?? null,
  };
}

function paramsText(params: Readonly<Record<string, unknown>> | null): string {
  return params ? Object.entries(params).map(([k, v]) => `${k}=${valueLabel(v as never)}`).join(" ") : "—";
}

function printJob(job: OptimizeJobResult, top: number, presetPath?: string): void {
  const { run, result } = job;
  if (!result) {
    console.log(`\nrun ${run.run_id} (identical run already recorded; reused — --force to run again)`);
    const m = run.metrics;
    console.log(`best ${run.tags.objective}: ${m.objective_value ?? m[run.tags.objective]}`);
    console.log(`report: ${run.dir}/report.html`);
    return;
  }
  if (result.kind === "search") printSearch(result, top);
  else printWalkForward(result);
  for (const w of result.warnings) console.log(`warning: ${w}`);
  console.log(`\nrun ${run.run_id}`);
  console.log(`report: ${run.dir}/report.html`);
  if (job.preset) console.log(`preset: ${presetPath ?? `${run.dir}/preset.json`}`);
}

function printSearch(result: SearchResult, top: number): void {
  const best = result.trials[result.best];
  console.log(
    `\n${result.method} search: ${result.trials.length} trials, ${result.direction}imise ${result.metric}`,
  );
  if (!best) return;
  console.log(
    `best: ${paramsText(best.params)}  ${result.metric} ${best.metrics[result.metric].toFixed(4)}  plateau ${
      best.plateau.toFixed(4)
    }`,
  );
  if (result.robust !== result.best) {
    console.log(`best plateau: ${paramsText(result.trials[result.robust].params)}`);
  }
  const g = result.guards!;
  console.log(
    `guards: PSR ${g.psr.toFixed(3)} · DSR ${g.dsr.toFixed(3)} (${g.trials} trials, SR0 ${
      g.sr0.toFixed(2)
    }) · ` +
      `PBO ${g.pbo ? g.pbo.pbo.toFixed(3) : "—"} · min track record ${
        Number.isFinite(g.minTrackRecord) ? Math.ceil(g.minTrackRecord) : "∞"
      } bars`,
  );
  const names = result.space.dimensions.map((d) => d.name);
  const rows = result.ranking.slice(0, top).map((k) => {
    const t = result.trials[k];
    return {
      rank: t.rank,
      ...Object.fromEntries(names.map((n) => [n, valueLabel(t.params[n])])),
      [result.metric]: t.metrics[result.metric],
      plateau: t.plateau,
      ...(result.metric !== "sharpe" ? { sharpe: t.metrics.sharpe } : {}),
      ...(t.metrics.turnover !== undefined ? { turnover: t.metrics.turnover } : {}),
    };
  });
  console.log("");
  console.log(renderTextTable(rows, { plain: ["turnover", "rank"], maxRows: top }));
}

function printWalkForward(wf: WalkForwardResult): void {
  const oos = wf.oosMetrics as unknown as Record<string, number>;
  console.log(`\nwalk-forward: ${wf.steps.length} windows × ${wf.plan.points.length} trials, ${wf.metric}`);
  console.log(
    `out of sample: ${wf.metric} ${oos[wf.metric].toFixed(4)} · Sharpe ${
      wf.oosMetrics.sharpe.toFixed(2)
    } · ` +
      `efficiency ${wf.efficiency.toFixed(2)} · PSR ${wf.oosPsr.toFixed(3)}`,
  );
  const rows = wf.steps.map((s) => ({
    window: s.window.index + 1,
    in_sample: `${isoDate(s.isFrom)}→${isoDate(s.isTo)}`,
    out_of_sample: `${isoDate(s.oosFrom)}→${isoDate(s.oosTo)}`,
    chosen: paramsText(s.params),
    is: s.isMetric,
    oos: s.oosMetric,
    efficiency: s.efficiency,
  }));
  console.log("");
  console.log(renderTextTable(rows, { maxRows: rows.length }));
}

if (import.meta.main) Deno.exit(await main(Deno.args));
