/**
 * The event-driven loop (`runEvents`, lib/engine/events) as a search objective: a rule turns a
 * trial's parameters into a stateful `EventStrategy` (`init`, `onBar`, orders that fill from the next
 * bar), `runEvents` trades it on the bars with the setup's costs and fill, and the returns are the
 * per-bar returns of its equity (0 while flat). Built-in rules: `ma_crossover` (all in on a fast/slow
 * moving-average cross up, out on the cross down, market orders) and `channel_breakout` (while flat, a
 * one-bar stop buy at the highest high of the last `window` bars; while long, a one-bar stop sell at the
 * lowest low of the last `exit_window` bars — orders only an event loop works; closes stand in for
 * highs and lows the bars lack); or any module exporting `strategy(params)` (and
 * optionally `space`). No look-ahead: a trial over `[start, end)` runs on the first `end` bars only.
 * Runs in Web Workers as `{ module: EVENTS_OBJECTIVE, setup }`.
 */
import type { EventContext, EventStrategy, RunEventsOptions } from "../../engine/events/types.ts";
import { runEvents } from "../../engine/events/run_events.ts";
import { donchian } from "../../indicators/bands.ts";
import { ema, sma } from "../../indicators/moving_average.ts";
import type { Objective, TrialOutput, Window } from "../objective.ts";
import type { ParamValue, SpaceSpec, TrialParams } from "../space.ts";
import { headBars, numberParam, RULES, type SeriesBars } from "./timeseries.ts";

/** URL of this module, for `ObjectiveSource.module`. */
export const EVENTS_OBJECTIVE: string = import.meta.url;

/** An event rule: parameters → a fresh stateful strategy (null for a combination that makes no sense). */
export interface EventRule {
  readonly space: SpaceSpec;
  strategy(params: Readonly<Record<string, ParamValue>>): EventStrategy | null;
}

/** Bars of one or more instruments (`T × K` date-major with `nInstruments: K`). */
export interface EventBars extends SeriesBars {
  readonly nInstruments?: number;
  readonly names?: readonly string[];
}

/** What the objective is built from (structured-cloneable). */
export interface EventsObjectiveSetup {
  /** The instrument(s), for labels. */
  readonly name: string;
  readonly bars: EventBars;
  /** A built-in rule's name, or the URL of a module exporting `strategy(params)` (and `space`). */
  readonly rule: string;
  /** Costs, fill and starting cash of every trial. */
  readonly base?: Omit<RunEventsOptions, "periodsPerYear">;
  readonly periodsPerYear?: number;
}

/** Engine metrics each trial reports besides the return-series ones. */
export const EVENTS_METRICS = ["exposure", "n_trades", "n_orders"];

/** A bar field's series, or the closes when the bars have no such field. */
function rangeSeries(ctx: EventContext, name: "high" | "low"): Float64Array {
  try {
    return ctx.series(name);
  } catch {
    return ctx.series("close");
  }
}

/** The built-in rules (see the module doc). */
export const EVENT_RULES: Readonly<Record<string, EventRule>> = {
  ma_crossover: {
    space: RULES.ma_crossover.space,
    strategy(params) {
      const fast = numberParam(params, "fast"), slow = numberParam(params, "slow");
      if (!(fast < slow)) return null;
      const ma = params.kind === "ema" ? ema : sma;
      return {
        init(ctx) {
          ctx.state.fast = ma(ctx.series("close", ctx.instrument), fast);
          ctx.state.slow = ma(ctx.series("close", ctx.instrument), slow);
        },
        onBar(bar, ctx) {
          const [a, b] = [ctx.state.fast as Float64Array, ctx.state.slow as Float64Array];
          const t = bar.t;
          if (t === 0) return;
          if (a[t] > b[t] && a[t - 1] <= b[t - 1] && ctx.position() === 0) ctx.buy();
          else if (a[t] < b[t] && a[t - 1] >= b[t - 1] && ctx.position() > 0) ctx.close();
        },
      };
    },
  },
  channel_breakout: {
    space: { window: { min: 10, max: 100, step: 10 }, exit_window: { min: 5, max: 50, step: 5 } },
    strategy(params) {
      const n = numberParam(params, "window"), m = numberParam(params, "exit_window");
      return {
        init(ctx) {
          const [high, low] = [rangeSeries(ctx, "high"), rangeSeries(ctx, "low")];
          ctx.state.high = donchian(high, low, n).upper;
          ctx.state.low = donchian(high, low, m).lower;
        },
        onBar(bar, ctx) {
          const [high, low] = [ctx.state.high as Float64Array, ctx.state.low as Float64Array];
          const t = bar.t;
          if (ctx.position() === 0 && high[t] === high[t]) {
            ctx.buy({ type: "stop", price: high[t], expiresAfter: 1 });
          } else if (ctx.position() > 0 && low[t] === low[t]) {
            ctx.sell({ type: "stop", price: low[t], size: { quantity: ctx.position() }, expiresAfter: 1 });
          }
        },
      };
    },
  },
};

/** Builds the objective (see the module doc); a rule module is imported here. */
export async function createObjective(setup: EventsObjectiveSetup): Promise<Objective> {
  const rule: EventRule = EVENT_RULES[setup.rule] ?? (await import(setup.rule).catch(() => {
    throw new RangeError(
      `unknown event rule "${setup.rule}": expected ${
        Object.keys(EVENT_RULES).join(", ")
      } or the URL of a module exporting strategy(params)`,
    );
  })) as EventRule;
  if (typeof rule.strategy !== "function") {
    throw new TypeError(`event rule module ${setup.rule} does not export strategy(params)`);
  }
  const { bars } = setup;
  const periodsPerYear = setup.periodsPerYear ?? 252;
  const K = bars.nInstruments ?? 1;
  const evaluate = (params: TrialParams, window: Window): TrialOutput => {
    const length = window.end - window.start;
    const strategy = rule.strategy(params);
    if (!strategy) {
      return {
        returns: new Float64Array(length).fill(NaN),
        metrics: { exposure: NaN, n_trades: NaN, n_orders: NaN },
      };
    }
    const result = runEvents(headBars(bars, window.end), strategy, { ...setup.base, periodsPerYear });
    let held = 0, trades = 0, orders = 0;
    for (let t = window.start; t < window.end; t++) {
      for (let k = 0; k < K; k++) {
        if (result.position[t * K + k] !== 0) {
          held++;
          break;
        }
      }
    }
    for (let j = 0; j < result.trades.length; j++) {
      const entry = result.trades.entryIndex[j];
      if (entry >= window.start && entry < window.end) trades++;
    }
    for (const o of result.orders) {
      if (o.status === "filled" && o.fill_index >= window.start && o.fill_index < window.end) orders++;
    }
    return {
      returns: result.returns.slice(window.start, window.end),
      metrics: { exposure: held / length, n_trades: trades, n_orders: orders },
    };
  };
  return {
    name: `events:${setup.rule.replace(/^.*\//, "")}:${setup.name}`,
    dates: bars.dates,
    periodsPerYear,
    space: rule.space,
    metricNames: EVENTS_METRICS,
    evaluate,
  };
}
