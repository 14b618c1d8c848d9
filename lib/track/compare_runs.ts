/** Comparing two runs: metrics side by side, params that differ, equity curves on one date axis. */
import { stableJson } from "../util/hash.ts";
import { getRun, type RunsDirOptions } from "./get_run.ts";
import { readDaily } from "./read_daily.ts";
import type { Daily, RunRecord } from "./types.ts";

/** One metric of both runs; NaN where a run lacks it. `diff = b - a`. */
export interface MetricComparison {
  readonly name: string;
  readonly a: number;
  readonly b: number;
  readonly diff: number;
}

/** A param (dotted path into nested objects) whose value differs; `undefined` where a run lacks it. */
export interface ParamDifference {
  readonly key: string;
  readonly a: unknown;
  readonly b: unknown;
}

/** Both equity curves (wealth, starting from 1) on the union of their dates; NaN where a run has no row. */
export interface EquityComparison {
  readonly date: Float64Array;
  readonly a: Float64Array;
  readonly b: Float64Array;
  /** The daily column each curve was compounded from (`""` when the run has none). */
  readonly columns: { readonly a: string; readonly b: string };
}

/** Result of `compareRuns`. */
export interface RunComparison {
  readonly a: RunRecord;
  readonly b: RunRecord;
  readonly metrics: MetricComparison[];
  readonly params: ParamDifference[];
  readonly equity: EquityComparison;
}

/** Flattens nested plain objects to dotted keys; arrays and scalars are leaves. */
function flatten(value: unknown, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, out);
  } else {
    out.set(prefix, value);
  }
  return out;
}

/** Wealth path `prod_{s<=t}(1 + r_s)` of the `net` column (else the first numeric one); NaN returns add nothing. */
function equityCurve(daily: Daily): { column: string; wealth: Float64Array } {
  const columns = Object.keys(daily).filter((c) => c !== "date");
  const column = columns.includes("net") ? "net" : columns[0] ?? "";
  const wealth = new Float64Array(daily.date.length).fill(NaN);
  if (column === "") return { column, wealth };
  const r = daily[column];
  let w = 1;
  for (let t = 0; t < r.length; t++) {
    if (!Number.isNaN(r[t])) w *= 1 + r[t];
    wealth[t] = w;
  }
  return { column, wealth };
}

/** Places two date-sorted series on the sorted union of their dates (NaN where a series has no row). */
function alignOnDates(
  dateA: Float64Array,
  valueA: Float64Array,
  dateB: Float64Array,
  valueB: Float64Array,
): { date: Float64Array; a: Float64Array; b: Float64Array } {
  const date = Float64Array.from(new Set([...dateA, ...dateB])).sort();
  const a = new Float64Array(date.length).fill(NaN);
  const b = new Float64Array(date.length).fill(NaN);
  for (let t = 0, i = 0, j = 0; t < date.length; t++) {
    if (i < dateA.length && dateA[i] === date[t]) a[t] = valueA[i++];
    if (j < dateB.length && dateB[j] === date[t]) b[t] = valueB[j++];
  }
  return { date, a, b };
}

/**
 * Compares two runs (ids or unique prefixes):
 * - `metrics`: every metric of either run (a's order, then b's extras) with `diff = b - a`;
 * - `params`: the params whose values differ (nested objects compared per dotted key, arrays whole);
 * - `equity`: each run's wealth curve `prod(1 + r)` starting from 1, compounded from its `net` daily
 *   column when present, else from its first numeric daily column, aligned on the union of both runs'
 *   dates (NaN on dates a run does not cover; a NaN return carries the wealth forward).
 *
 * @example
 * ```ts
 * const cmp = await compareRuns("20240102-1015", "20240103-0900", { runsDir: "runs" });
 * cmp.metrics.find((m) => m.name === "sharpe"); // => { name: "sharpe", a: 1.2, b: 1.5, diff: 0.3 }
 * ```
 */
export async function compareRuns(
  a: string,
  b: string,
  options: RunsDirOptions = {},
): Promise<RunComparison> {
  const [runA, runB, dailyA, dailyB] = await Promise.all([
    getRun(a, options),
    getRun(b, options),
    readDaily(a, options),
    readDaily(b, options),
  ]);
  const names = [...new Set([...Object.keys(runA.metrics), ...Object.keys(runB.metrics)])];
  const metrics = names.map((name) => {
    const va = runA.metrics[name] ?? NaN;
    const vb = runB.metrics[name] ?? NaN;
    return { name, a: va, b: vb, diff: vb - va };
  });
  const paramsA = flatten(runA.params, "", new Map());
  const paramsB = flatten(runB.params, "", new Map());
  const params = [...new Set([...paramsA.keys(), ...paramsB.keys()])].sort()
    .filter((key) => stableJson(paramsA.get(key)) !== stableJson(paramsB.get(key)))
    .map((key) => ({ key, a: paramsA.get(key), b: paramsB.get(key) }));
  const curveA = equityCurve(dailyA);
  const curveB = equityCurve(dailyB);
  const aligned = alignOnDates(dailyA.date, curveA.wealth, dailyB.date, curveB.wealth);
  return {
    a: runA,
    b: runB,
    metrics,
    params,
    equity: { ...aligned, columns: { a: curveA.column, b: curveB.column } },
  };
}
