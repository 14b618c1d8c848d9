/**
 * Objectives: what a search evaluates. An objective maps a trial's parameters to its per-period
 * returns over a window of bars (plus any engine metrics such as turnover or IC); every metric of
 * the metrics library is then computed from those returns, so a search can optimise any of them by
 * name. Objectives that run in Web Workers are given as a module URL plus a structured-cloneable
 * setup (`ObjectiveSource`); the module exports `createObjective(setup)`.
 */
import { finite } from "../metrics/core.ts";
import { allMetrics } from "../metrics/summary.ts";
import type { Space, SpaceSpec, TrialParams } from "./space.ts";

/** Bars `[start, end)` of the objective's time axis. */
export interface Window {
  readonly start: number;
  readonly end: number;
}

/** What one evaluation gives. */
export interface TrialOutput {
  /** Per-period returns over the window's bars (length `end − start`); NaN = no position that bar. */
  readonly returns: Float64Array;
  /** Engine metrics beyond the return-series ones (e.g. `turnover`, `ic`), over the same window. */
  readonly metrics?: Readonly<Record<string, number>>;
}

/**
 * An objective. `evaluate(params, window)` may read data of bars before `window.end` only — the
 * walk-forward relies on it, and the objectives in `objectives/` guarantee it by cutting their
 * matrices at `end` (date-major rows, so a cut is a zero-copy prefix).
 */
export interface Objective {
  /** What is optimised, for labels and records (e.g. `backtest:vendor_sentiment`). */
  readonly name: string;
  /** The time axis (epoch ms per bar). */
  readonly dates: Float64Array;
  readonly periodsPerYear: number;
  /** The parameter space the engine describes (a strategy's schema), when it has one. */
  readonly space?: SpaceSpec | Space;
  /** Names of the engine metrics `evaluate` returns (so objectives and constraints can be checked up front). */
  readonly metricNames?: readonly string[];
  evaluate(params: TrialParams, window: Window): TrialOutput | Promise<TrialOutput>;
  /** The securities a parameter set actually held over the window (for presets), when known. */
  held?(params: TrialParams, window: Window): readonly string[] | Promise<readonly string[]>;
}

/** An objective that can be built in a Web Worker: `createObjective(setup)` exported by `module`. */
export interface ObjectiveSource {
  /** Module URL (e.g. `new URL("./objectives/backtest.ts", import.meta.url).href`). */
  readonly module: string;
  /** Structured-cloneable; typed arrays in SharedArrayBuffers are shared, not copied. */
  readonly setup: unknown;
}

/** The face of an objective module. */
export interface ObjectiveModule {
  createObjective(setup: unknown): Objective | Promise<Objective>;
}

/** Builds the objective of a source in this thread. */
export async function loadObjective(source: ObjectiveSource): Promise<Objective> {
  const mod = await import(source.module) as Partial<ObjectiveModule>;
  if (typeof mod.createObjective !== "function") {
    throw new TypeError(`objective module ${source.module} does not export createObjective(setup)`);
  }
  return await mod.createObjective(source.setup);
}

/**
 * A trial's metrics: every `allMetrics` number of its returns (missing bars dropped, so the series
 * is the bars it was invested, as the backtest summary counts them), then the engine's own metrics
 * on top (an engine's `turnover` or `ic` wins over nothing; an engine metric with a library name
 * replaces it).
 *
 * @example
 * ```ts
 * trialMetrics({ returns, metrics: { turnover: 0.4 } }, 252).sharpe;
 * ```
 */
export function trialMetrics(output: TrialOutput, periodsPerYear: number): Record<string, number> {
  const r = finite(output.returns);
  const base: Record<string, number> = { ...allMetrics(r, { periodsPerYear }) };
  return { ...base, ...(output.metrics ?? {}) };
}

/** Metric names people type, mapped to the library's keys. */
const ALIASES: Readonly<Record<string, string>> = {
  cagr: "annual_return",
  return: "annual_return",
  volatility: "annual_volatility",
  vol: "annual_volatility",
  drawdown: "max_drawdown",
  maxdd: "max_drawdown",
  mdd: "max_drawdown",
  psr: "probabilistic_sharpe",
};

/** Metrics where lower is better; every other metric is maximised (drawdowns and VaR are ≤ 0). */
const LOWER_IS_BETTER = new Set([
  "annual_volatility",
  "downside_risk",
  "max_drawdown_duration",
  "turnover",
  "ulcer_index",
  "risk_of_ruin",
  "tracking_error",
  "consecutive_losses",
]);

/**
 * The metric key a name refers to (case and `-`/space insensitive, with aliases such as `cagr` →
 * `annual_return`), checked against the metrics a trial produced; an unknown name is a `RangeError`
 * listing the available ones.
 *
 * @example
 * ```ts
 * resolveMetric("CAGR", ["sharpe", "annual_return"]); // => "annual_return"
 * ```
 */
export function resolveMetric(name: string, available: readonly string[]): string {
  const key = name.trim().toLowerCase().replace(/[\s-]+/g, "_");
  const resolved = ALIASES[key] ?? key;
  if (!available.includes(resolved)) {
    throw new RangeError(
      `unknown objective metric "${name}"; expected one of ${
        [...available].sort().join(", ")
      } (or cagr, volatility, drawdown)`,
    );
  }
  return resolved;
}

/** Whether a metric is maximised (`max`) or minimised (`min`) by default. */
export function metricDirection(metric: string): "max" | "min" {
  return LOWER_IS_BETTER.has(metric) ? "min" : "max";
}

/** One constraint on a trial's metrics, e.g. `turnover < 0.5`. */
export interface Constraint {
  readonly metric: string;
  readonly op: "<" | "<=" | ">" | ">=";
  readonly value: number;
  /** As written, for messages. */
  readonly text: string;
}

/**
 * Parses constraints such as `turnover<0.5`, `max_drawdown >= -0.3`, `n_long>=20` (metric names as
 * in `resolveMetric`, checked later against the trials' metrics).
 *
 * @example
 * ```ts
 * parseConstraint("turnover < 0.5"); // => { metric: "turnover", op: "<", value: 0.5, text: "turnover < 0.5" }
 * ```
 */
export function parseConstraint(text: string): Constraint {
  const m = /^\s*([A-Za-z_][\w -]*?)\s*(<=|>=|<|>)\s*(-?[\d.]+(?:e-?\d+)?%?)\s*$/.exec(text);
  if (!m) {
    throw new RangeError(
      `constraint "${text}": expected METRIC OP NUMBER with OP one of <, <=, >, >= (e.g. "turnover<0.5")`,
    );
  }
  const value = m[3].endsWith("%") ? Number(m[3].slice(0, -1)) / 100 : Number(m[3]);
  if (!Number.isFinite(value)) throw new RangeError(`constraint "${text}": "${m[3]}" is not a number`);
  return { metric: m[1].trim(), op: m[2] as Constraint["op"], value, text: text.trim() };
}

/** Whether a value satisfies a constraint (NaN never does). */
export function satisfies(value: number, c: Constraint): boolean {
  switch (c.op) {
    case "<":
      return value < c.value;
    case "<=":
      return value <= c.value;
    case ">":
      return value > c.value;
    default:
      return value >= c.value;
  }
}
