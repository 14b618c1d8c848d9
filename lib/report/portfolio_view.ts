/**
 * The notebook view of a strategy run: key numbers, NAV against the benchmark and the cost and tax
 * totals, compact enough for a cell (one `<svg>`).
 */
import type { PortfolioResult } from "../portfolio/simulate.ts";
import type { PortfolioMetrics } from "../portfolio/summary.ts";
import { isoDate } from "../panel/types.ts";
import { equityChart } from "./charts.ts";
import { escapeHtml } from "./html.ts";
import { renderSvg } from "./render.ts";
import { compoundSeries } from "./tearsheet_data.ts";
import { formatValue, keyNumbers } from "./tearsheet_parts.ts";

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
    c.schedule,
    c.execution.replace("_", " "),
    c.fractional ? "fractional" : `lot ${c.lot}`,
    `tax ${result.taxModel.name}`,
    runId ? `run ${runId}` : "not recorded",
  ].join(" · ");
  const keys = keyNumbers([
    ["Ann. return", formatValue(m.annual_return, "pct")],
    ["Ann. vol", formatValue(m.annual_volatility, "pct")],
    ["Sharpe", formatValue(m.sharpe, "f2")],
    ["Sharpe vs cash", formatValue(m.sharpe_vs_cash ?? NaN, "f2")],
    ["Max drawdown", formatValue(m.max_drawdown, "pct")],
    ["Turnover/rebalance", formatValue(m.turnover, "pct")],
    ["Costs", formatValue(m.commission + m.slippage + m.borrow, "compact")],
    ["Taxes", formatValue(m.tax_paid + m.withholding, "compact")],
  ]);
  const series: Record<string, Float64Array> = { [name]: result.daily.nav.map((v) => v / c.capital - 1) };
  if (benchmark) series[benchmark.id] = compoundSeries(benchmark.ret);
  const chart = renderSvg(equityChart({ dates: d, series, title: "Cumulative return (NAV)", height: 220 }));
  return `<div class="qn-view" style="font:14px/1.45 system-ui,sans-serif;max-width:980px;">` +
    `<div style="font-size:16px;font-weight:700;margin:4px 0 2px;">${escapeHtml(name)}</div>` +
    `<div style="color:#57606a;font-size:12.5px;">${escapeHtml(detail)}</div>${keys}${chart}</div>`;
}
