/**
 * Notebook-facing shaping: turn results (backtests and suite variants, drawdowns, snapshot manifests, run
 * comparisons) and panel fields into the rows and series `show` and the chart builders take, so a
 * notebook cell stays one or two library calls. No HTML here; `show` formats the cells.
 */

import type { BacktestResult, BacktestSummary, SliceSummary } from "../engine/types.ts";
import type { DrawdownPeriod } from "../metrics/drawdown.ts";
import { field, isoDate, type Panel } from "../panel/types.ts";
import { formatAlike, type TableOptions } from "../report/html.ts";
import type { SignalProblem, ValidationResult } from "../signal/problem.ts";
import type { Manifest } from "../snapshot/manifest.ts";
import type { RunComparison } from "../track/compare_runs.ts";

/** One row of `summaryRows`: a slice's net performance (Sharpe also gross). */
export interface SummaryRow {
  slice: string;
  sharpe: number;
  sharpe_gross: number;
  annual_return: number;
  annual_volatility: number;
  max_drawdown: number;
  hit_rate: number;
  turnover: number;
  n_days: number;
}

function summaryRow(slice: string, s: SliceSummary): SummaryRow {
  return {
    slice,
    sharpe: s.sharpe,
    sharpe_gross: s.sharpe_gross,
    annual_return: s.annual_return,
    annual_volatility: s.annual_volatility,
    max_drawdown: s.max_drawdown,
    hit_rate: s.hit_rate,
    turnover: s.turnover,
    n_days: s.n_days,
  };
}

/**
 * A backtest summary as table rows: `overall`, then each calendar year, then the mcap terciles
 * (`cap small`, `cap mid`, `cap large`) when present. Returns, volatility and drawdown are net of
 * costs; `sharpe_gross` is before costs; turnover is mean daily Σ|Δw|.
 *
 * @example
 * ```ts
 * await show(summaryRows(backtest(panel, signal).summary));
 * ```
 */
export function summaryRows(summary: BacktestSummary): SummaryRow[] {
  const rows = [summaryRow("overall", summary.overall)];
  for (const [year, s] of Object.entries(summary.year)) rows.push(summaryRow(year, s));
  if (summary.cap) {
    for (const size of ["small", "mid", "large"] as const) {
      rows.push(summaryRow(`cap ${size}`, summary.cap[size]));
    }
  }
  return rows;
}

/** One row of `variantRows`. */
export interface VariantRow {
  variant: string;
  sharpe: number;
  sharpe_gross: number;
  annual_return: number;
  max_drawdown: number;
  turnover: number;
  ic_mean: number;
  ic_t_stat: number;
}

/**
 * Labelled backtests (a suite's variants, or your own `{ label, result }` list) as one row each:
 * net and gross Sharpe, net annual return and max drawdown, turnover, mean rank IC and its t-stat.
 *
 * @example
 * ```ts
 * const lags = [0, 1, 2].map((lag) => ({ label: `lag ${lag}`, result: bt.run({ lag }) }));
 * await show(variantRows(lags));
 * ```
 */
export function variantRows(variants: readonly { label: string; result: BacktestResult }[]): VariantRow[] {
  return variants.map(({ label, result }) => {
    const o = result.summary.overall;
    return {
      variant: label,
      sharpe: o.sharpe,
      sharpe_gross: o.sharpe_gross,
      annual_return: o.annual_return,
      max_drawdown: o.max_drawdown,
      turnover: o.turnover,
      ic_mean: result.ic.mean,
      ic_t_stat: result.ic.t_stat,
    };
  });
}

/** Options of `panelSeries`. */
export interface PanelSeriesOptions {
  /** Divide each series by its first finite value, so it starts at 1 (growth of 1). */
  rebase?: boolean;
  /**
   * Put the values on these dates (epoch ms, ascending) instead of the panel's: each takes the value
   * of the last panel date on or before it (NaN before the panel's first date), e.g. to draw an index
   * (exchange calendar) next to securities on another calendar (weekdays).
   */
  dates?: ArrayLike<number>;
}

/**
 * One panel field split into a series per security (`{ security_id: values }`), on the panel's
 * dates or as of other `dates`, optionally rebased to start at 1. Ready for `priceChart` and
 * `equityChart`, or `show` as a table of columns.
 *
 * @example
 * ```ts
 * const names = await loadPanel({ snapshot: "demo", securities: ["SYN0001", "SYN0002"], fields: ["adj_close"] });
 * await show(priceChart({ dates: names.dates, series: panelSeries(names, "adj_close", { rebase: true }) }));
 * ```
 */
export function panelSeries(
  panel: Panel,
  name: string,
  { rebase = false, dates }: PanelSeriesOptions = {},
): Record<string, Float64Array> {
  const matrix = field(panel, name);
  const nS = panel.securityIds.length;
  const on = dates ?? panel.dates;
  const row = new Int32Array(on.length);
  for (let k = 0, t = -1; k < on.length; k++) {
    if (k > 0 && on[k] < on[k - 1]) {
      throw new RangeError(`panelSeries: dates must be ascending, found ${on[k]} after ${on[k - 1]} at ${k}`);
    }
    while (t + 1 < panel.dates.length && panel.dates[t + 1] <= on[k]) t++;
    row[k] = t;
  }
  const out: Record<string, Float64Array> = {};
  panel.securityIds.forEach((id, i) => {
    const values = new Float64Array(on.length);
    let base = NaN;
    for (let k = 0; k < on.length; k++) {
      const value = row[k] < 0 ? NaN : matrix[row[k] * nS + i];
      if (Number.isNaN(base) && Number.isFinite(value)) base = value;
      values[k] = rebase ? value / base : value;
    }
    out[id] = values;
  });
  return out;
}

/** One row of `drawdownRows`: an episode with ISO dates; durations in periods (trading days). */
export interface DrawdownRow {
  peak: string;
  valley: string;
  recovery: string;
  drawdown: number;
  duration: number;
  recovery_time: number;
}

/**
 * Drawdown episodes (`metrics.drawdownTable` / `drawdownPeriods`, whose positions index the return
 * series) with their dates: `peak` is the last date at the high-water mark (`start` when the fall
 * began on the first period), `recovery` is `ongoing` while still under water.
 *
 * @example
 * ```ts
 * await show(drawdownRows(metrics.drawdownTable(spx.fields.ret, 3), spx.dates));
 * // peak 2007-10-09, valley 2009-03-09, recovery 2013-03-28, drawdown -56.78%, …
 * ```
 */
export function drawdownRows(periods: readonly DrawdownPeriod[], dates: ArrayLike<number>): DrawdownRow[] {
  const at = (k: number) => {
    if (k < 0 || k >= dates.length) {
      throw new RangeError(`drawdownRows: position ${k} is outside the ${dates.length} dates`);
    }
    return isoDate(dates[k]);
  };
  return periods.map((p) => ({
    peak: p.peak < 0 ? "start" : at(p.peak),
    valley: at(p.valley),
    recovery: Number.isNaN(p.recovery) ? "ongoing" : at(p.recovery),
    drawdown: p.depth,
    duration: p.duration,
    recovery_time: p.recovery_time,
  }));
}

/** One row of `manifestRows`: a snapshot file. */
export interface ManifestRow {
  file: string;
  rows: number;
  bytes: number;
  first: string;
  last: string;
  sha256: string;
}

/**
 * A snapshot manifest's files as rows: rows, bytes, the date range of the table and the first 12
 * hex of the file's sha256.
 *
 * @example
 * ```ts
 * await show(manifestRows(await readManifest("demo")));
 * ```
 */
export function manifestRows(manifest: Manifest): ManifestRow[] {
  return Object.entries(manifest.files).map(([file, f]) => {
    const range = manifest.date_range[file.replace(/\.parquet$/, "")];
    return {
      file,
      rows: f.rows,
      bytes: f.bytes,
      first: range?.min ?? "—",
      last: range?.max ?? "—",
      sha256: f.sha256.slice(0, 12),
    };
  });
}

/**
 * A run comparison's metrics side by side: one row per metric with both runs' values and the
 * difference (b − a), the three formatted alike as `show` formats a column of that name (returns
 * and drawdowns as percent, Sharpe and turnover as ratios, same decimals across the row;
 * `options.percent` / `options.plain` / `options.formats` adjust it). Columns are named by `labels`
 * (default: the run ids).
 *
 * @example
 * ```ts
 * await show(comparisonRows(await compareRuns(a, b), ["demo", "demo-top100"], { plain: ["turnover"] }));
 * ```
 */
export function comparisonRows(
  comparison: RunComparison,
  labels: readonly [string, string] = [comparison.a.run_id, comparison.b.run_id],
  options: TableOptions = {},
): Record<string, string>[] {
  const [a, b] = labels;
  if (a === b || a === "metric" || b === "metric" || a === "diff" || b === "diff") {
    throw new RangeError(
      `comparisonRows: labels must differ from each other and from "metric"/"diff", found ${a}, ${b}`,
    );
  }
  return comparison.metrics.map((m) => {
    const [va, vb, diff] = formatAlike(m.name, [m.a, m.b, m.diff], options);
    return { metric: m.name, [a]: va, [b]: vb, diff };
  });
}

/** One row of `validationSummary`: a kind of problem, how many, and a few of them. */
export interface ValidationRow {
  severity: "error" | "warning";
  kind: string;
  count: number;
  examples: string;
}

/**
 * A validation result summarised by kind of problem, errors first then by count: how many rows each
 * kind concerns and the first `examples` of them (`row 12: …`), so a million ignored rows read as one
 * line, not a million.
 *
 * @example
 * ```ts
 * await show(validationSummary(validate(parsed, { panel })));
 * // warning  unknown_security  1,460,000  row 1: security_id "X" is not in the panel (ignored); …
 * ```
 */
export function validationSummary(result: ValidationResult, examples = 3): ValidationRow[] {
  const byKind = new Map<string, { first: SignalProblem[]; count: number }>();
  for (const p of result.problems) {
    const entry = byKind.get(p.kind) ?? { first: [], count: 0 };
    if (entry.first.length < examples) entry.first.push(p);
    entry.count++;
    byKind.set(p.kind, entry);
  }
  const describe = (p: SignalProblem) => (p.row !== undefined ? `row ${p.row}: ${p.message}` : p.message);
  return [...byKind.entries()].map(([kind, { first, count }]) => ({
    severity: first[0].severity,
    kind,
    count,
    examples: first.map(describe).join("; ") + (count > first.length ? "; …" : ""),
  })).sort((a, b) => (a.severity === b.severity ? b.count - a.count : a.severity === "error" ? -1 : 1));
}
