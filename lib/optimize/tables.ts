/**
 * Searches and walk-forwards as tidy columnar tables (one row per trial, per window, per window ×
 * parameter value), the shape runs store as Parquet (`RunTable`) and notebooks query with DuckDB.
 */
import { isoDate } from "../panel/types.ts";
import type { RunTable } from "../track/types.ts";
import type { SearchResult, Trial } from "./search.ts";
import type { ParamValue } from "./space.ts";
import { valueLabel } from "./surface.ts";
import type { WalkForwardResult } from "./walk_forward.ts";

/** A parameter column: numbers as DOUBLE when every value is a number, else text. */
function paramColumn(values: readonly ParamValue[]): Float64Array | string[] {
  return values.every((v) => typeof v === "number")
    ? Float64Array.from(values as number[])
    : values.map((v) => (v === null ? "" : valueLabel(v)));
}

/** Columns `trial, rank, feasible, plateau, violations, param_<name>…, <metric>…` for some trials. */
function trialColumns(
  trials: readonly Trial[],
  paramNames: readonly string[],
): Record<string, Float64Array | string[]> {
  const metricNames = [...new Set(trials.flatMap((t) => Object.keys(t.metrics)))];
  const out: Record<string, Float64Array | string[]> = {
    trial: Float64Array.from(trials, (t) => t.index),
    rank: Float64Array.from(trials, (t) => (t.feasible ? t.rank : NaN)),
    feasible: Float64Array.from(trials, (t) => (t.feasible ? 1 : 0)),
    plateau: Float64Array.from(trials, (t) => t.plateau),
    violations: trials.map((t) => t.violations.join("; ")),
  };
  for (const name of paramNames) {
    out[`param_${name}`] = paramColumn(trials.map((t) => t.params[name] ?? null));
  }
  for (const m of metricNames) out[m] = Float64Array.from(trials, (t) => t.metrics[m] ?? NaN);
  return out;
}

/**
 * The trials of a search, one row each: `trial`, `rank` (1 = best, NaN when infeasible),
 * `feasible`, `plateau`, `violations`, one `param_<name>` column per parameter, then every metric.
 *
 * @example
 * ```ts
 * await writeTableParquet(trialsTable(result), "trials.parquet");
 * ```
 */
export function trialsTable(result: SearchResult): RunTable {
  return trialColumns(result.trials, result.space.dimensions.map((d) => d.name));
}

/** Every trial's returns over the search window: `date` (ISO) then `trial_<k>` columns (NaN = not invested). */
export function trialReturnsTable(result: SearchResult): RunTable {
  const n = result.trials.length, bars = result.dates.length;
  const out: Record<string, Float64Array | string[]> = { date: Array.from(result.dates, isoDate) };
  for (let k = 0; k < n; k++) {
    out[`trial_${k}`] = Float64Array.from({ length: bars }, (_, t) => result.returns[t * n + k]);
  }
  return out;
}

/**
 * A walk-forward's tables: `windows` (one row per window: in/out-of-sample dates, chosen
 * `param_<name>`, the in- and out-of-sample metric, efficiency and out-of-sample Sharpe), `trials`
 * (every window's in-sample trials, with a `window` column) and `stability` (window × parameter ×
 * value: the best in-sample metric).
 */
export function walkForwardTables(
  wf: WalkForwardResult,
): { windows: RunTable; trials: RunTable; stability: RunTable } {
  const names = wf.plan.space.dimensions.map((d) => d.name);
  const steps = wf.steps;
  const windows: Record<string, Float64Array | string[]> = {
    window: Float64Array.from(steps, (s) => s.window.index),
    is_start: steps.map((s) => isoDate(s.isFrom)),
    is_end: steps.map((s) => isoDate(s.isTo)),
    oos_start: steps.map((s) => isoDate(s.oosFrom)),
    oos_end: steps.map((s) => isoDate(s.oosTo)),
  };
  for (const name of names) {
    windows[`param_${name}`] = paramColumn(steps.map((s) => s.params?.[name] ?? null));
  }
  Object.assign(windows, {
    is_metric: Float64Array.from(steps, (s) => s.isMetric),
    oos_metric: Float64Array.from(steps, (s) => s.oosMetric),
    efficiency: Float64Array.from(steps, (s) => s.efficiency),
    oos_sharpe: Float64Array.from(steps, (s) => s.oosMetrics.sharpe ?? NaN),
  });
  const perWindow = steps.map((s) => trialColumns(s.search.trials, names));
  const trials: Record<string, Float64Array | string[]> = {
    window: Float64Array.from(steps.flatMap((s) => s.search.trials.map(() => s.window.index))),
  };
  for (const key of Object.keys(perWindow[0] ?? {})) {
    const parts = perWindow.map((t) => t[key]);
    trials[key] = parts[0] instanceof Float64Array
      ? Float64Array.from(parts.flatMap((p) => Array.from(p as Float64Array)))
      : parts.flatMap((p) => Array.from(p as string[], String));
  }
  const st = {
    window: [] as number[],
    param: [] as string[],
    value: [] as string[],
    metric: [] as number[],
    chosen: [] as number[],
  };
  for (const s of wf.stability) {
    steps.forEach((step, k) => {
      s.labels.forEach((label, j) => {
        st.window.push(step.window.index);
        st.param.push(s.param);
        st.value.push(label);
        st.metric.push(s.values[k * s.labels.length + j]);
        st.chosen.push(s.chosen[k] === label ? 1 : 0);
      });
    });
  }
  return {
    windows,
    trials,
    stability: {
      window: Float64Array.from(st.window),
      param: st.param,
      value: st.value,
      [wf.metric]: Float64Array.from(st.metric),
      chosen: Float64Array.from(st.chosen),
    },
  };
}
