/**
 * The cross-sectional fractile backtest (`lib/engine`) as a search objective: parameters are the
 * backtest's config fields (`lag`, `residualize`, `tcBps`, `weight`, `fractile`, `fromOpen`,
 * `mincos`); the returns are the daily net returns on traded days (NaN on the others). Runs in Web
 * Workers as `{ module: BACKTEST_OBJECTIVE, setup }` with the panel and known matrix in shared memory.
 *
 * Speed: one engine run serves every cost level (net = gross − tcBps/1e4 · turnover, exactly as the
 * engine computes it), and a backtester is kept per cut of the data, so a grid over costs costs one
 * backtest per other combination.
 */
import {
  adoptPreparation,
  type Backtester,
  createBacktester,
  type PanelPreparation,
  preparePanel,
} from "../../engine/backtest.ts";
import type { RowOrders } from "../../engine/sort.ts";
import type { BacktestOptions, BacktestResult } from "../../engine/types.ts";
import { mean, sampleStd, sharpeRatio } from "../../metrics/core.ts";
import { panelHead } from "../../panel/head.ts";
import { sharedPanel } from "../../panel/shared.ts";
import type { Panel } from "../../panel/types.ts";
import { lowerBound } from "../../util/bisect.ts";
import { stableJson } from "../../util/hash.ts";
import { toShared } from "../../util/shared.ts";
import type { Objective, ObjectiveSource, TrialOutput, Window } from "../objective.ts";
import type { ParamValue, SpaceSpec, TrialParams } from "../space.ts";

/** URL of this module, for `ObjectiveSource.module`. */
export const BACKTEST_OBJECTIVE: string = import.meta.url;

/** What the objective is built from (structured-cloneable; share the matrices to save memory). */
export interface BacktestObjectiveSetup {
  readonly panel: Panel;
  /** `T × N` values known at each close (see `knownMatrix`). */
  readonly known: Float64Array;
  /** The signal's name, for labels. */
  readonly name: string;
  /** Config fields every trial starts from (a trial's parameters override them). */
  readonly base?: BacktestOptions;
  /** The panel's sorted returns and caps (`preparePanel`), so workers do not sort them again. */
  readonly preparation?: PanelPreparation;
}

/** Parameter names the objective takes (with the spellings it also accepts). */
const PARAMS: Readonly<Record<string, keyof BacktestOptions>> = {
  lag: "lag",
  residualize: "residualize",
  tcBps: "tcBps",
  tc_bps: "tcBps",
  tc: "tcBps",
  weight: "weight",
  fractile: "fractile",
  fromOpen: "fromOpen",
  from_open: "fromOpen",
  mincos: "mincos",
};

/** A default space: lag × fractile × weights × costs (4 × 4 × 2 × 3 = 96 trials). */
export const BACKTEST_SPACE: SpaceSpec = {
  lag: { min: 0, max: 3, step: 1 },
  fractile: [3, 5, 10, "20/80"],
  weight: ["equal", "signal"],
  tcBps: [0, 10, 20],
};

/** Engine metrics each trial reports besides the return-series ones. */
export const BACKTEST_METRICS = ["turnover", "ic", "ic_ir", "sharpe_gross", "n_long", "n_short", "coverage"];

/**
 * A fractile parameter: a bucket count (`5`) or percentiles written `"10/90"` (also `"10-90"`).
 *
 * @example
 * ```ts
 * fractileParam("10/90"); // => [10, 90]
 * fractileParam(5); // => 5
 * ```
 */
export function fractileParam(value: ParamValue): BacktestOptions["fractile"] {
  if (typeof value === "number") return value;
  const m = typeof value === "string" ? /^\s*([\d.]+)\s*[/-]\s*([\d.]+)\s*$/.exec(value) : null;
  if (!m) {
    throw new RangeError(
      `fractile: expected a bucket count or "LO/HI" percentiles, found ${JSON.stringify(value)}`,
    );
  }
  return [Number(m[1]), Number(m[2])];
}

/** The backtest options of a trial: the base config with the trial's parameters over it. */
export function backtestOptions(params: TrialParams, base: BacktestOptions = {}): BacktestOptions {
  const options: Record<string, unknown> = { ...base };
  for (const [name, value] of Object.entries(params)) {
    const field = PARAMS[name];
    if (!field) {
      throw new RangeError(
        `the backtest objective has no parameter "${name}"; expected one of lag, residualize, tcBps, weight, fractile, fromOpen, mincos`,
      );
    }
    options[field] = field === "fractile" ? fractileParam(value) : value;
  }
  return options as BacktestOptions;
}

/**
 * The backtest objective as a source for Web Workers: the panel's matrices, the known matrix and the
 * panel's sorted returns and caps in shared memory (copied or built there once), so every worker
 * reads them in place.
 *
 * @example
 * ```ts
 * const result = await runSearch(backtestSource(panel, known, "my_signal"), { space, workers: 2 });
 * ```
 */
export function backtestSource(
  panel: Panel,
  known: Float64Array,
  name: string,
  base: BacktestOptions = {},
): ObjectiveSource {
  const shared = sharedPanel(panel);
  const setup: BacktestObjectiveSetup = {
    panel: shared,
    known: toShared(known),
    name,
    base,
    preparation: preparePanel(shared, true),
  };
  return { module: BACKTEST_OBJECTIVE, setup };
}

/** Builds the objective (see the module doc). */
export function createObjective(setup: BacktestObjectiveSetup): Objective {
  const { panel, known, base = {} } = setup;
  const nS = panel.securityIds.length, nT = panel.dates.length;
  const preparation = setup.preparation ?? preparePanel(panel);
  // Per cut of the data: a backtester on the panel's first `end` bars and its recent runs.
  const cuts = new Map<number, { bt: Backtester; runs: Map<string, BacktestResult> }>();
  const cut = (end: number) => {
    let entry = cuts.get(end);
    if (!entry) {
      if (cuts.size >= 2) cuts.delete(cuts.keys().next().value!);
      // Rows are independent: a cut's sorted returns and caps are the first `end` rows of the panel's.
      const head = panelHead(panel, end);
      adoptPreparation(head, end === nT ? preparation : headPreparation(preparation, end, nS));
      entry = { bt: createBacktester(head, { known: known.subarray(0, end * nS) }), runs: new Map() };
      cuts.set(end, entry);
    }
    return entry;
  };
  const evaluate = (params: TrialParams, window: Window): TrialOutput => {
    const options = backtestOptions(params, base);
    const { tcBps = 10, ...rest } = options;
    const entry = cut(window.end);
    const key = stableJson(rest);
    let result = entry.runs.get(key);
    if (!result) {
      // Costs do not change positions: one run at 0 bps serves every cost level.
      result = entry.bt.run({ ...rest, tcBps: 0, slices: ["overall"] });
      if (entry.runs.size >= 8) entry.runs.delete(entry.runs.keys().next().value!);
      entry.runs.set(key, result);
    }
    return windowOutput(result, panel.dates, window, tcBps, panel.periodsPerYear);
  };
  return {
    name: `backtest:${setup.name}`,
    dates: panel.dates,
    periodsPerYear: panel.periodsPerYear,
    space: BACKTEST_SPACE,
    metricNames: BACKTEST_METRICS,
    evaluate,
  };
}

/** Per-row sort orders of the first `end` rows (positions are offsets from row 0, so a prefix). */
function headOrders(orders: RowOrders, end: number): RowOrders {
  const positions = orders.start[end];
  return {
    order: orders.order.subarray(0, positions),
    start: orders.start.subarray(0, end + 1),
    ties: orders.ties.subarray(0, positions),
    tiedRows: orders.tiedRows.subarray(0, end),
  };
}

/** The preparation of a panel's first `end` rows, as views of the whole panel's. */
function headPreparation(prep: PanelPreparation, end: number, nS: number): PanelPreparation {
  const r = prep.returns;
  return {
    returns: {
      earned: r.earned.subarray(0, end * nS),
      overnight: r.overnight ? r.overnight.subarray(0, end * nS) : null,
      orders: headOrders(r.orders, end),
      valid: r.valid.subarray(0, end * nS),
      withRet: r.withRet.subarray(0, end),
    },
    cap: prep.cap
      ? { mcap: prep.cap.mcap.subarray(0, end * nS), orders: headOrders(prep.cap.orders, end) }
      : null,
  };
}

/** Net returns on the window's bars (NaN where not traded) and the engine metrics over them. */
function windowOutput(
  result: BacktestResult,
  dates: Float64Array,
  window: Window,
  tcBps: number,
  periodsPerYear: number,
): TrialOutput {
  const { daily, ic } = result;
  const returns = new Float64Array(window.end - window.start).fill(NaN);
  const from = lowerBound(daily.date, dates[window.start]);
  const to = window.end < dates.length ? lowerBound(daily.date, dates[window.end]) : daily.date.length;
  const gross = daily.gross.subarray(from, to);
  let t = window.start, coverage = 0;
  for (let k = from; k < to; k++) {
    while (dates[t] < daily.date[k]) t++;
    returns[t - window.start] = daily.gross[k] - (tcBps / 1e4) * daily.turnover[k];
    coverage += result.diagnostics.coverage[t];
  }
  const icWindow = ic.ic.subarray(from, to);
  const icMean = mean(icWindow);
  return {
    returns,
    metrics: {
      turnover: mean(daily.turnover.subarray(from, to)),
      ic: icMean,
      ic_ir: icMean / sampleStd(icWindow),
      sharpe_gross: sharpeRatio(gross, 0, periodsPerYear),
      n_long: mean(daily.n_long.subarray(from, to)),
      n_short: mean(daily.n_short.subarray(from, to)),
      coverage: to > from ? coverage / (to - from) : NaN,
    },
  };
}
