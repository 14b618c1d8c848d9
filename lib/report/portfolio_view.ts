/**
 * The notebook view of a strategy run: key numbers, NAV against the benchmark and the cost and tax
 * totals, compact enough for a cell (one `<svg>`).
 */
import type { PortfolioResult } from "../portfolio/simulate.ts";
import type { PortfolioMetrics } from "../portfolio/summary.ts";
import { isoDate } from "../panel/types.ts";
import { scheduleLabel } from "../portfolio/calendar.ts";
import { equityChart } from "./charts.ts";
import { renderSvg } from "./render.ts";
import { compoundSeries } from "./tearsheet_data.ts";
import { formatValue, keyNumbers, viewFrame } from "./tearsheet_parts.ts";
import type { Daily, RunRecord } from "../track/types.ts";

/**
 * Compact HTML of a simulated strategy: its name and settings, key numbers (annual return, vol,
 * Sharpe, Sharpe vs cash, max drawdown, turnover, costs and taxes paid), the NAV (and benchmark) chart,
 * and the run id when recorded.
 *
 * @example
 * ```ts
 * portfolioView({ name: "momentum_12_1", result, metrics }); // => '<div class="qn-view" …'
 * ```
 */
export function portfolioView(
  { name, result, metrics: m, benchmark, runId }: {
    name: string;
    result: PortfolioResult;
    metrics: PortfolioMetrics;
    benchmark?: { id: string; ret: Float64Array };
    runId?: string;
  },
): string {
  const c = result.config, d = result.dates;
  const detail = [
    `${isoDate(d[0])} → ${isoDate(d[d.length - 1])}`,
    scheduleLabel(c.schedule),
    c.execution.replace("_", " "),
    c.fractional ? "fractional" : `lot ${c.lot}`,
    `tax ${result.taxModel.name}`,
    runId ? `run ${runId}` : "not recorded",
  ].join(" · ");
  const metrics = m as unknown as Readonly<Record<string, number>>;
  return view(name, detail, metrics, d, result.daily.nav.map((v) => v / c.capital - 1), benchmark);
}

/**
 * The same view from a recorded strategy run (its `run.json` metrics and `daily.parquet`), for a run
 * that was reused rather than recomputed.
 *
 * @example
 * ```ts
 * recordedRunView("momentum_12_1", run, await readDaily(run.run_id));
 * ```
 */
export function recordedRunView(name: string, run: RunRecord, daily: Daily): string {
  const nav = daily.nav ?? new Float64Array(daily.date.length);
  const detail = [
    run.tags.period?.replace("..", " → "),
    run.tags.schedule,
    `tax ${run.tags.tax}`,
    `run ${run.run_id} (reused)`,
  ]
    .filter(Boolean).join(" · ");
  const benchmark = daily.benchmark && run.tags.benchmark
    ? { id: run.tags.benchmark, ret: daily.benchmark }
    : undefined;
  return view(name, detail, run.metrics, daily.date, nav.map((v) => v / nav[0] - 1), benchmark);
}

function view(
  name: string,
  detail: string,
  m: Readonly<Record<string, number | undefined>>,
  dates: Float64Array,
  cumulative: Float64Array,
  benchmark?: { id: string; ret: Float64Array },
): string {
  const value = (k: string) => m[k] ?? NaN;
  const keys = keyNumbers([
    ["Ann. return", formatValue(value("annual_return"), "pct")],
    ["Ann. vol", formatValue(value("annual_volatility"), "pct")],
    ["Sharpe", formatValue(value("sharpe"), "f2")],
    ["Sharpe vs cash", formatValue(value("sharpe_vs_cash"), "f2")],
    ["Max drawdown", formatValue(value("max_drawdown"), "pct")],
    ["Turnover/rebalance", formatValue(value("turnover"), "pct")],
    ["Costs", formatValue(value("commission") + value("slippage") + value("borrow"), "compact")],
    ["Taxes", formatValue(value("tax_paid") + value("withholding"), "compact")],
  ]);
  const series: Record<string, Float64Array> = { [name]: cumulative };
  if (benchmark) series[benchmark.id] = compoundSeries(benchmark.ret);
  const chart = renderSvg(equityChart({ dates, series, title: "Cumulative return (NAV)", height: 220 }));
  return viewFrame(name, detail, keys + chart);
}
