/**
 * The vectorized time-series backtest (`fromSignals`, lib/engine/timeseries) of one instrument as a
 * search objective: a rule turns the parameters into entry/exit signals on the bars, `fromSignals`
 * trades them with the trade parameters (stops, direction, fill) over the costs of the setup, and the
 * returns are the column's per-bar equity returns (0 while flat). Built-in rules: `ma_crossover`
 * (fast/slow moving averages), `rsi` (enter below a lower level, leave above an upper one) and
 * `donchian` (breakout of the prior N-bar high, exit below the prior N-bar low); or any module that
 * exports `signals(params, bars)` (and optionally `space`). Runs in Web Workers as
 * `{ module: TIMESERIES_OBJECTIVE, setup }`.
 */
import { donchian } from "../../indicators/bands.ts";
import { ema, sma } from "../../indicators/moving_average.ts";
import { rsi } from "../../indicators/oscillators.ts";
import type { Bars } from "../../engine/timeseries/bars.ts";
import type { CostModel } from "../../engine/timeseries/costs.ts";
import { crossSignals } from "../../engine/timeseries/crossover.ts";
import {
  columnPosition,
  columnReturns,
  fromSignals,
  type FromSignalsOptions,
} from "../../engine/timeseries/from_signals.ts";
import type { Objective, TrialOutput, Window } from "../objective.ts";
import type { ParamValue, SpaceSpec, TrialParams } from "../space.ts";

/** URL of this module, for `ObjectiveSource.module`. */
export const TIMESERIES_OBJECTIVE: string = import.meta.url;

/** One instrument's bars: closes and, optionally, opens, highs and lows, with their dates. */
export interface SeriesBars {
  readonly dates: Float64Array;
  readonly close: Float64Array;
  readonly open?: Float64Array;
  readonly high?: Float64Array;
  readonly low?: Float64Array;
}

/** Entry/exit masks of a rule (length T each). */
export interface RuleSignals {
  readonly entries: ArrayLike<number | boolean>;
  readonly exits: ArrayLike<number | boolean>;
}

/** A signal rule: parameters + bars → entry/exit masks, with the space it is usually searched over. */
export interface SignalRule {
  readonly space: SpaceSpec;
  signals(params: Readonly<Record<string, ParamValue>>, bars: SeriesBars): RuleSignals | null;
}

/** Trade parameters a trial may set besides the rule's (passed to `fromSignals`). */
const TRADE_PARAMS = ["stopLoss", "takeProfit", "trailingStop", "direction", "fill"] as const;

/** What the objective is built from (structured-cloneable). */
export interface TimeseriesObjectiveSetup {
  /** The instrument, for labels. */
  readonly name: string;
  readonly bars: SeriesBars;
  /** A built-in rule's name, or the URL of a module exporting `signals` (and `space`). */
  readonly rule: string;
  /** Costs and trade settings every trial starts from. */
  readonly base?:
    & CostModel
    & Pick<FromSignalsOptions, "direction" | "fill" | "stopLoss" | "takeProfit" | "trailingStop">;
  readonly periodsPerYear?: number;
}

/**
 * A rule's numeric parameter (or `fallback` when absent); anything else is a `RangeError` naming it.
 *
 * @example
 * ```ts
 * numberParam({ fast: 10 }, "fast"); // => 10
 * ```
 */
export function numberParam(
  params: Readonly<Record<string, ParamValue>>,
  name: string,
  fallback?: number,
): number {
  const v = params[name] ?? fallback;
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new RangeError(`parameter "${name}": expected a number, found ${JSON.stringify(v)}`);
  }
  return v;
}

/** The built-in rules. `signals` returns null for a combination that makes no sense (fast ≥ slow). */
export const RULES: Readonly<Record<string, SignalRule>> = {
  ma_crossover: {
    space: {
      fast: { min: 5, max: 50, step: 5 },
      slow: { min: 20, max: 200, step: 20 },
      kind: ["sma", "ema"],
    },
    signals(params, bars) {
      const fast = numberParam(params, "fast"), slow = numberParam(params, "slow");
      if (!(fast < slow)) return null;
      const ma = params.kind === "ema" ? ema : sma;
      return crossSignals(ma(bars.close, fast), ma(bars.close, slow));
    },
  },
  rsi: {
    space: { period: { min: 5, max: 30, step: 5 }, lower: [20, 25, 30, 35], upper: [60, 65, 70, 75, 80] },
    signals(params, bars) {
      const lower = numberParam(params, "lower", 30), upper = numberParam(params, "upper", 70);
      if (!(lower < upper)) return null;
      const r = rsi(bars.close, numberParam(params, "period", 14));
      return { entries: r.map((v) => (v < lower ? 1 : 0)), exits: r.map((v) => (v > upper ? 1 : 0)) };
    },
  },
  donchian: {
    space: { window: { min: 10, max: 100, step: 10 } },
    signals(params, bars) {
      const n = numberParam(params, "window");
      const { upper, lower } = donchian(bars.high ?? bars.close, bars.low ?? bars.close, n);
      const entries = new Uint8Array(bars.close.length), exits = new Uint8Array(bars.close.length);
      for (let t = 1; t < bars.close.length; t++) {
        entries[t] = bars.close[t] > upper[t - 1] ? 1 : 0;
        exits[t] = bars.close[t] < lower[t - 1] ? 1 : 0;
      }
      return { entries, exits };
    },
  },
};

/** Engine metrics each trial reports besides the return-series ones. */
export const TIMESERIES_METRICS = ["exposure", "n_trades"];

/**
 * The first `end` bars as views (with `nInstruments: K`, date-major `T × K` fields cut at `end · K`).
 *
 * @example
 * ```ts
 * headBars({ dates, close }, 100).close.length; // => 100
 * ```
 */
export function headBars<B extends SeriesBars & { readonly nInstruments?: number }>(bars: B, end: number): B {
  const k = bars.nInstruments ?? 1;
  const cut = (x?: Float64Array) => x?.subarray(0, end * k);
  return {
    ...bars,
    dates: bars.dates.subarray(0, end),
    close: cut(bars.close),
    ...(bars.open ? { open: cut(bars.open) } : {}),
    ...(bars.high ? { high: cut(bars.high) } : {}),
    ...(bars.low ? { low: cut(bars.low) } : {}),
  };
}

/** Builds the objective (see the module doc); a rule module is imported here. */
export async function createObjective(setup: TimeseriesObjectiveSetup): Promise<Objective> {
  const rule: SignalRule = RULES[setup.rule] ?? (await import(setup.rule).catch(() => {
    throw new RangeError(
      `unknown rule "${setup.rule}": expected ${
        Object.keys(RULES).join(", ")
      } or the URL of a module exporting signals(params, bars)`,
    );
  })) as SignalRule;
  if (typeof rule.signals !== "function") {
    throw new TypeError(`rule module ${setup.rule} does not export signals(params, bars)`);
  }
  const { bars } = setup;
  const periodsPerYear = setup.periodsPerYear ?? 252;
  const evaluate = (params: TrialParams, window: Window): TrialOutput => {
    const ruleParams: Record<string, ParamValue> = {}, trade: Record<string, ParamValue> = {};
    for (const [k, v] of Object.entries(params)) {
      if ((TRADE_PARAMS as readonly string[]).includes(k)) trade[k] = v;
      else ruleParams[k] = v;
    }
    const head = headBars(bars, window.end);
    const length = window.end - window.start;
    const signals = rule.signals(ruleParams, head);
    if (!signals) {
      return { returns: new Float64Array(length).fill(NaN), metrics: { exposure: NaN, n_trades: NaN } };
    }
    const result = fromSignals(head as Bars, signals.entries, signals.exits, {
      ...setup.base,
      ...(trade as Partial<FromSignalsOptions>),
      periodsPerYear,
      output: "full",
    });
    const returns = columnReturns(result, 0).slice(window.start, window.end);
    const position = columnPosition(result, 0);
    let held = 0, entries = 0;
    for (let t = window.start; t < window.end; t++) {
      if (position[t] !== 0) held++;
      if (
        position[t] !== 0 &&
        (t === 0 || position[t - 1] === 0 || Math.sign(position[t]) !== Math.sign(position[t - 1]))
      ) {
        entries++;
      }
    }
    return { returns, metrics: { exposure: held / length, n_trades: entries } };
  };
  return {
    name: `timeseries:${setup.rule.replace(/^.*\//, "")}:${setup.name}`,
    dates: bars.dates,
    periodsPerYear,
    space: rule.space,
    metricNames: TIMESERIES_METRICS,
    evaluate,
  };
}
