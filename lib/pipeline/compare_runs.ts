/**
 * Comparing recorded runs side by side (any kind with a daily `net` return, strategy runs first of
 * all): equity curves on one axis, the metrics of each run, and the correlation matrix of their
 * daily returns. The result renders itself in a notebook; `compareHtml` gives the standalone page.
 */
import { pearsonOver } from "../engine/rank.ts";
import { type Displayable, displayable } from "../nb/displayable.ts";
import { compareView, type ComparisonData, comparisonPage } from "../report/compare_page.ts";
import { alignedCumulative } from "../report/tearsheet_data.ts";
import { getRun } from "../track/get_run.ts";
import { readDaily } from "../track/read_daily.ts";
import type { RunRecord } from "../track/types.ts";

/**
 * Runs compared (see `ComparisonData`): their records and labels, cumulative net returns on the union
 * of their dates, the metrics side by side, the correlation matrix, plus each run's daily net return
 * on `dates` (NaN where the run has no row).
 */
export interface StrategyComparison extends ComparisonData {
  readonly returns: Readonly<Record<string, Float64Array>>;
}

/** The metrics shown first, in order; any other metric the runs share follows. */
const FIRST_METRICS = [
  "annual_return",
  "annual_volatility",
  "sharpe",
  "sharpe_vs_cash",
  "sortino",
  "max_drawdown",
  "calmar",
  "beta",
  "alpha",
  "turnover",
  "turnover_annual",
  "avg_gross_exposure",
  "costs_total",
  "tax_paid",
  "final_nav",
];

/**
 * Pearson correlation of two return series over the positions where both are finite (NaN with fewer
 * than two such positions or a constant side).
 *
 * @example
 * ```ts
 * returnCorrelation(Float64Array.of(0.01, NaN, 0.02, 0.03), Float64Array.of(0.02, 0.1, 0.04, 0.06)); // => 1
 * ```
 */
export function returnCorrelation(a: Float64Array, b: Float64Array): number {
  const ids = new Int32Array(a.length);
  let n = 0;
  for (let k = 0; k < a.length; k++) if (Number.isFinite(a[k]) && Number.isFinite(b[k])) ids[n++] = k;
  return pearsonOver(a, b, ids, n);
}

/**
 * Compares recorded runs (ids or unique prefixes; at least two): reads each run's `daily.parquet`
 * (`net` = its daily return), aligns them on the union of their dates, and measures the correlation of
 * every pair over the dates both have. The returned object renders as the comparison view in a notebook.
 *
 * @example
 * ```ts
 * const cmp = await compareStrategies(["20240102-101500-momentum", "20240102-101700-low-vol"]);
 * cmp.correlation[1]; // corr(momentum, low-vol)
 * ```
 */
export async function compareStrategies(
  ids: readonly string[],
  options: { runsDir?: string } = {},
): Promise<StrategyComparison & Displayable> {
  if (ids.length < 2) throw new RangeError(`compare needs at least two runs, found ${ids.length}`);
  const runs = await Promise.all(ids.map((id) => getRun(id, options)));
  const dailies = await Promise.all(runs.map((r) => readDaily(r.run_id, options)));
  dailies.forEach((d, k) => {
    if (!d.net) {
      throw new RangeError(
        `run ${runs[k].run_id} has no daily net return to compare (columns: ${Object.keys(d).join(", ")})`,
      );
    }
  });
  const labels = runLabels(runs);
  const { dates, series: cumulative } = alignedCumulative(
    dailies.map((d, k) => ({ name: labels[k], daily: { date: d.date, net: d.net } })),
  );
  const returns: Record<string, Float64Array> = {};
  dailies.forEach((d, k) => {
    const out = new Float64Array(dates.length).fill(NaN);
    for (let t = 0, j = 0; t < dates.length && j < d.date.length; t++) {
      if (dates[t] === d.date[j]) out[t] = d.net[j++];
    }
    returns[labels[k]] = out;
  });
  const n = runs.length;
  const correlation = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      correlation[a * n + b] = a === b ? 1 : returnCorrelation(returns[labels[a]], returns[labels[b]]);
    }
  }
  const names = new Set<string>();
  for (const run of runs) for (const key of Object.keys(run.metrics)) names.add(key);
  const order = [
    ...FIRST_METRICS.filter((m) => names.has(m)),
    ...[...names].filter((m) => !FIRST_METRICS.includes(m)).sort(),
  ];
  const metrics = order.map((metric) => ({ metric, values: runs.map((r) => r.metrics[metric] ?? NaN) }));
  const comparison: StrategyComparison = { runs, labels, dates, cumulative, returns, metrics, correlation };
  return displayable(comparison, () => compareView(comparison));
}

/** Labels: each run's experiment, suffixed with its config hash when two runs share an experiment. */
function runLabels(runs: readonly RunRecord[]): string[] {
  const count = new Map<string, number>();
  for (const r of runs) count.set(r.experiment, (count.get(r.experiment) ?? 0) + 1);
  const labels = runs.map((
    r,
  ) => (count.get(r.experiment)! > 1 ? `${r.experiment} ${r.config_hash.slice(0, 6)}` : r.experiment));
  return labels.map((l, k) => (labels.indexOf(l) === k ? l : `${l} (${k + 1})`));
}

/**
 * The comparison as a self-contained HTML page (see `comparisonPage`).
 *
 * @example
 * ```ts
 * await Deno.writeTextFile("reports/compare.html", compareHtml(await compareStrategies(ids)));
 * ```
 */
export function compareHtml(comparison: StrategyComparison): string {
  return comparisonPage(comparison);
}
