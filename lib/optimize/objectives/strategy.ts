/**
 * A registered strategy (`strategies/*.ts`, lib/strategy) run through the portfolio simulator
 * (lib/portfolio) as a search objective: a trial's parameters are the strategy's own (validated
 * against its schema), its target weights go through `simulatePortfolio` with the setup's settings
 * (schedule, lots, commission, slippage, cash rate, taxes), and the returns are the simulated NAV's
 * daily net returns, `nav[t] / nav[t − 1] − 1`, after every cost and tax — the series
 * `deno task run` records. Bars before the first decision are NaN.
 *
 * No look-ahead: a trial over a window `[start, end)` runs the strategy on the panel's first `end`
 * bars (`panelHead`), with series, benchmark and corporate actions cut at the same bar, and simulates
 * that prefix from the first decision; the window's bars are then read off the NAV. Runs in Web
 * Workers as `{ module: STRATEGY_OBJECTIVE, setup }`: each worker discovers the strategies itself.
 */
import { type Panel, parseIsoDate } from "../../panel/types.ts";
import { asOf, type Series } from "../../panel/series.ts";
import { sharedPanel } from "../../panel/shared.ts";
import type { CorporateEvents } from "../../portfolio/actions.ts";
import { resolveSimulation, type SimulationConfig, type SimulationOptions } from "../../portfolio/config.ts";
import { marketFromPanel, type PortfolioResult, simulatePortfolio } from "../../portfolio/simulate.ts";
import type { SecurityTerms } from "../../portfolio/security_terms.ts";
import { panelHead } from "../../panel/head.ts";
import { ParamError, type ParamProblem, validateParams } from "../../strategy/params.ts";
import { discoverStrategies, type Registry } from "../../strategy/registry.ts";
import { generateWeights } from "../../strategy/run.ts";
import type { StrategyEntry } from "../../strategy/types.ts";
import { lowerBound } from "../../util/bisect.ts";
import type { Objective, ObjectiveSource, TrialOutput, Window } from "../objective.ts";
import {
  dimensionValues,
  type ParamValue,
  type Space,
  spaceFromSchema,
  type SpaceSpec,
  type TrialParams,
} from "../space.ts";

/** URL of this module, for `ObjectiveSource.module`. */
export const STRATEGY_OBJECTIVE: string = import.meta.url;

/** Engine metrics each trial reports besides the return-series ones (over the window's bars). */
export const STRATEGY_METRICS = [
  "turnover",
  "avg_gross_exposure",
  "avg_net_exposure",
  "commission",
  "slippage",
  "tax_paid",
  "costs_total",
  "n_trades",
  "n_rebalances",
];

/** What the objective is built from (structured-cloneable; the panel's matrices shared). */
export interface StrategyObjectiveSetup {
  /** A registered strategy's name. */
  readonly strategy: string;
  /** Where the strategies are discovered (default: the repository's `strategies/`). */
  readonly strategiesDir?: string;
  /** The panel the strategy and the simulator read (raw `open` and `close` needed). */
  readonly panel: Panel;
  /** Rate and level series of the snapshot by id, on their own dates (cash rate, `ctx.series`). */
  readonly series?: Readonly<Record<string, Series>>;
  /** Corporate actions on the panel's bars (dividends credited, splits applied to shares). */
  readonly events?: CorporateEvents;
  /** Lots and tax classes of the panel's securities. */
  readonly terms?: SecurityTerms;
  /** The benchmark's close on the panel's dates (`ctx.benchmark` for trend filters). */
  readonly benchmark?: { readonly id: string; readonly close: Float64Array };
  /** Simulator settings; the schedule defaults to the strategy's own (else monthly), as `deno task run`. */
  readonly simulation?: SimulationOptions;
}

/**
 * The simulator settings a strategy runs with: the strategy's schedule (else monthly) under `options`,
 * validated (every problem in one `RangeError`) — the same defaults as `runStrategy`.
 *
 * @example
 * ```ts
 * strategySimulation(registry.get("momentum_12_1"), { commission: { bps: 5 } }).schedule; // => "monthly"
 * ```
 */
export function strategySimulation(entry: StrategyEntry, options: SimulationOptions = {}): SimulationConfig {
  return resolveSimulation({ schedule: entry.schedule ?? "monthly", ...options });
}

/** The values of a dimension a search may try: the grid's, or a continuous range's two ends. */
function searchedValues(space: Space, name: string): readonly ParamValue[] {
  const d = space.dimensions.find((x) => x.name === name)!;
  return d.kind === "range" && d.step === undefined ? [d.min, d.max] : dimensionValues(d);
}

/**
 * The space of a search over a strategy's parameters: `spaceFromSchema(entry.params, overrides)`
 * (without overrides every searchable schema range; with them only those, the rest at their
 * defaults), with every value it can try checked against the schema. A parameter the schema does
 * not know, or a value outside its range, off its step or not among its choices, is refused in one
 * `ParamError` naming the strategy and, per parameter, what is allowed and the values asked for.
 *
 * @example
 * ```ts
 * strategySpace(registry.get("momentum_12_1"), { top_n: { min: 10, max: 50, step: 10 } });
 * strategySpace(registry.get("momentum_12_1"), { top_n: [0, 10] });
 * // throws ParamError: strategy "momentum_12_1": 1 invalid parameter
 * //   - top_n: expected an integer in [1, 2000], found 0 (searched: 0, 10)
 * ```
 */
export function strategySpace(entry: StrategyEntry, overrides: SpaceSpec = {}): Space {
  const known = Object.keys(entry.params);
  const problems: ParamProblem[] = Object.keys(overrides).filter((name) => !(name in entry.params)).map((
    name,
  ) => ({
    param: name,
    expected: `a parameter of the strategy's schema (${known.join(", ") || "it takes none"})`,
    found: `unknown parameter "${name}"`,
  }));
  const space = spaceFromSchema(
    entry.params,
    Object.fromEntries(Object.entries(overrides).filter(([name]) => name in entry.params)),
  );
  for (const d of space.dimensions) {
    const values = searchedValues(space, d.name);
    const bad: ParamValue[] = [];
    let expected = "";
    for (const v of values) {
      try {
        validateParams(entry.name, { [d.name]: entry.params[d.name] }, { [d.name]: v });
      } catch (error) {
        if (!(error instanceof ParamError)) throw error;
        bad.push(v);
        expected = error.problems[0].expected;
      }
    }
    if (bad.length) {
      const listed = values.length > 8 ? [...values.slice(0, 4), "…", ...values.slice(-2)] : values;
      problems.push({
        param: d.name,
        expected,
        found: `${JSON.stringify(bad[0])} (searched: ${
          listed.map((v) => v === "…" ? v : JSON.stringify(v)).join(", ")
        })`,
      });
    }
  }
  if (problems.length) throw new ParamError(entry.name, problems);
  return space;
}

/**
 * The objective as a source for Web Workers: the panel in shared memory (copied there once when it
 * is not), everything else cloned (series, events and terms are small).
 *
 * @example
 * ```ts
 * const source = strategySource({ strategy: "momentum_12_1", panel, simulation: { lot: 100, tax: "brazil" } });
 * await runSearch(source, { space: { top_n: [10, 20, 50] }, workers: 2 });
 * ```
 */
export function strategySource(
  setup: StrategyObjectiveSetup,
): ObjectiveSource & { readonly setup: StrategyObjectiveSetup } {
  return { module: STRATEGY_OBJECTIVE, setup: { ...setup, panel: sharedPanel(setup.panel) } };
}

/** Series values on or before `last` (epoch ms), as views. */
function seriesThrough(series: Readonly<Record<string, Series>>, last: number): Record<string, Series> {
  const out: Record<string, Series> = {};
  for (const [id, s] of Object.entries(series)) {
    const n = lowerBound(s.dates, last + 1);
    out[id] = { ...s, dates: s.dates.subarray(0, n), values: s.values.subarray(0, n) };
  }
  return out;
}

/** Corporate actions on bars before `end`, as views (events are sorted by bar). */
function eventsBefore(events: CorporateEvents, end: number): CorporateEvents {
  let n = 0;
  while (n < events.t.length && events.t[n] < end) n++;
  return {
    t: events.t.subarray(0, n),
    i: events.i.subarray(0, n),
    split: events.split.subarray(0, n),
    dividend: events.dividend.subarray(0, n),
  };
}

/** First row of a `T × N` matrix with a finite value (−1: none). */
function firstDecision(weights: Float64Array, nS: number): number {
  for (let c = 0; c < weights.length; c++) if (weights[c] === weights[c]) return Math.floor(c / nS);
  return -1;
}

/** A simulation of the panel's first `end` bars with one trial's parameters (null: nothing to simulate). */
export interface StrategyTrial {
  readonly weights: Float64Array;
  readonly result: PortfolioResult | null;
  /** Bar of the panel where `result.dates` starts. */
  readonly offset: number;
}

/** Builds the objective (see the module doc). */
export async function createObjective(setup: StrategyObjectiveSetup): Promise<
  Objective & {
    /** The simulation behind a trial (the panel's first `end` bars). */
    simulate(params: TrialParams, end: number): Promise<StrategyTrial>;
  }
> {
  const registry: Registry = await discoverStrategies(setup.strategiesDir);
  const entry = registry.get(setup.strategy);
  const config = strategySimulation(entry, setup.simulation);
  const { panel } = setup;
  const nS = panel.securityIds.length;
  const simulate = async (params: TrialParams, end: number): Promise<StrategyTrial> => {
    const head = panelHead(panel, end);
    const last = head.dates[end - 1];
    const series = seriesThrough(setup.series ?? {}, last);
    const { weights } = await generateWeights(entry, head, params, {
      series: Object.fromEntries(Object.entries(series).map(([id, s]) => [id, asOf(s, head.dates)])),
      benchmark: setup.benchmark
        ? { id: setup.benchmark.id, close: setup.benchmark.close.subarray(0, end) }
        : undefined,
      registry,
    });
    const first = firstDecision(weights, nS);
    const from = config.start ? Math.max(first, lowerBound(head.dates, parseIsoDate(config.start))) : first;
    if (first < 0 || from >= end - 1) return { weights, result: null, offset: end };
    const market = marketFromPanel(head, {
      events: setup.events ? eventsBefore(setup.events, end) : undefined,
      series,
      ...setup.terms,
    });
    const result = simulatePortfolio(market, weights, config);
    return { weights, result, offset: lowerBound(head.dates, result.dates[0]) };
  };
  const evaluate = async (params: TrialParams, window: Window): Promise<TrialOutput> => {
    const { result, offset } = await simulate(params, window.end);
    return windowOutput(result, offset, window);
  };
  return {
    name: `strategy:${entry.name}`,
    dates: panel.dates,
    periodsPerYear: panel.periodsPerYear,
    space: spaceFromSchema(entry.params),
    metricNames: STRATEGY_METRICS,
    evaluate,
    simulate,
    async held(params, window) {
      const { result, offset } = await simulate(params, window.end);
      if (!result) return [];
      const N = result.securityIds.length, ever = new Uint8Array(N);
      for (let k = Math.max(0, window.start - offset); k < result.dates.length; k++) {
        for (let i = 0; i < N; i++) if (result.shares[k * N + i] !== 0) ever[i] = 1;
      }
      return result.securityIds.filter((_, i) => ever[i]);
    },
  };
}

/**
 * The window's daily net returns of a simulation (NaN before it starts) and its engine metrics over
 * the window's bars: mean Σ|Δweight| per rebalance (`turnover`), mean gross and net exposure, the
 * commission, slippage and taxes paid (currency), their total with borrow and withholding, and the
 * trades and rebalances counted.
 */
function windowOutput(result: PortfolioResult | null, offset: number, window: Window): TrialOutput {
  const length = window.end - window.start;
  const returns = new Float64Array(length).fill(NaN);
  const sums = { turnover: 0, gross: 0, net: 0, commission: 0, slippage: 0, tax: 0, costs: 0, bars: 0 };
  let rebalances = 0, trades = 0;
  if (result) {
    const d = result.daily;
    const from = Math.max(window.start, offset), to = Math.min(window.end, offset + d.date.length);
    for (let t = from; t < to; t++) {
      const k = t - offset;
      returns[t - window.start] = d.ret[k];
      sums.gross += d.gross_exposure[k];
      sums.net += d.net_exposure[k];
      sums.commission += d.commission[k];
      sums.slippage += d.slippage[k];
      sums.tax += d.tax_paid[k];
      sums.costs += d.commission[k] + d.slippage[k] + d.borrow[k] + d.tax_paid[k] + d.withholding[k];
      sums.bars++;
    }
    for (const k of result.rebalances) {
      if (k + offset >= from && k + offset < to) (rebalances++, sums.turnover += d.turnover[k]);
    }
    for (const k of result.trades.t) if (k + offset >= from && k + offset < to) trades++;
  }
  const n = sums.bars;
  return {
    returns,
    metrics: {
      turnover: rebalances ? sums.turnover / rebalances : n ? 0 : NaN,
      avg_gross_exposure: n ? sums.gross / n : NaN,
      avg_net_exposure: n ? sums.net / n : NaN,
      commission: sums.commission,
      slippage: sums.slippage,
      tax_paid: sums.tax,
      costs_total: sums.costs,
      n_trades: trades,
      n_rebalances: rebalances,
    },
  };
}
