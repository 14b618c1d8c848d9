/**
 * The portfolio tear sheet of a strategy run: one self-contained HTML page — headline numbers, NAV
 * against the benchmark, drawdown, exposure, turnover, costs and taxes by month with the tax ledger,
 * top positions, a trades summary, and a footer to reproduce the run. It only composes: numbers from
 * `lib/portfolio` summaries, charts from `charts.ts` / `portfolio_charts.ts`, pieces from
 * `tearsheet_parts.ts` and `page_parts.ts`.
 */
import { drawdownSeries } from "../metrics/core.ts";
import { isoDate } from "../panel/types.ts";
import { scheduleLabel } from "../portfolio/calendar.ts";
import type { PortfolioResult } from "../portfolio/simulate.ts";
import { monthlyCosts, type PortfolioMetrics, topPositions, tradesSummary } from "../portfolio/summary.ts";
import { TRADE_KINDS } from "../portfolio/records.ts";
import { drawdownChart, equityChart } from "./charts.ts";
import { escapeHtml } from "./html.ts";
import { formatQuantity } from "./format.ts";
import {
  chart,
  FULL,
  grid,
  HALF,
  note,
  pageHeader,
  reproduceFooter,
  section,
  tearsheetPage,
} from "./page_parts.ts";
import { monthlyStackChart } from "./portfolio_charts.ts";
import { compoundSeries } from "./tearsheet_data.ts";
import { columnTable, formatValue, keyNumbers } from "./tearsheet_parts.ts";
import { embeddedReturnsSections } from "./returns_tearsheet.ts";

/** Everything the portfolio tear sheet shows. */
export interface PortfolioTearsheetInput {
  readonly result: PortfolioResult;
  readonly metrics: PortfolioMetrics;
  readonly strategy: {
    readonly name: string;
    readonly title: string;
    readonly params: Readonly<Record<string, unknown>>;
  };
  /** The benchmark's daily return on `result.dates` (NaN on the first bar). */
  readonly benchmark?: { readonly id: string; readonly ret: Float64Array };
  /** Who, what and where: header and reproduce footer. */
  readonly context: {
    readonly run_id: string;
    readonly snapshot_id: string;
    readonly snapshot_hash: string;
    readonly git_sha: string;
    readonly created_at: string;
    readonly command: string;
    readonly author?: string;
    /** The run's full config, shown as JSON. */
    readonly config: unknown;
  };
}

const money = (x: number) => formatValue(x, "compact");

/**
 * Renders a strategy run as a self-contained HTML page. Sections (each `<section id>`):
 * `section-headline` (key numbers, NAV vs benchmark, drawdown), the returns tear sheet of the daily
 * returns vs the benchmark (`section-rt-*`, `embeddedReturnsSections`), `section-exposure` (gross and net
 * exposure, turnover by month), `section-costs` (costs and taxes by month, totals, the monthly tax
 * ledger), `section-positions` (top positions by mean weight), `section-trades` (trades summary and the
 * last fills), then the reproduce footer. Each chart one `<svg>`; text from data is escaped.
 *
 * @example
 * ```ts
 * const html = portfolioTearsheet({ result, metrics, strategy, benchmark, context });
 * ```
 */
export function portfolioTearsheet(input: PortfolioTearsheetInput): string {
  const body = [
    header(input),
    section("section-headline", "Headline", headline(input)),
    ...embeddedReturnsSections({
      dates: input.result.dates,
      returns: input.result.daily.ret,
      name: input.strategy.name,
      // annualised by the bar size; rolling windows stay 126 bars (six months of days, the titles say
      // "126 periods"): rolling metrics cost O(bars × window), and six months of minute bars is 52,920
      periodsPerYear: input.result.periodsPerYear,
      ...(input.benchmark ? { benchmark: input.benchmark.ret, benchmarkName: input.benchmark.id } : {}),
    }).map((s) => section(s.id, s.heading, s.html)),
    section("section-exposure", "Exposure and turnover", exposure(input)),
    section("section-costs", "Costs and taxes", costs(input)),
    section("section-positions", "Positions", positions(input)),
    section("section-trades", "Trades", trades(input)),
    footer(input),
  ].join("\n");
  return tearsheetPage(`${input.strategy.name} — portfolio tear sheet`, body);
}

function header({ result, metrics, strategy, context }: PortfolioTearsheetInput): string {
  const d = result.dates;
  const c = result.config;
  const params = Object.entries(strategy.params).map(([k, v]) => `${k}=${v}`).join(" ");
  return pageHeader({
    kicker: "portfolio tear sheet",
    title: strategy.title,
    meta: [[strategy.name, params], [
      `${isoDate(d[0])} → ${isoDate(d[d.length - 1])}`,
      `${scheduleLabel(c.schedule)} at the ${c.execution === "next_open" ? "next open" : "next close"}`,
      result.periodsPerYear !== 252 ? `annualised over ${result.periodsPerYear} bars a year` : "",
      `capital ${money(c.capital)}`,
      `tax ${result.taxModel.name}`,
      `snapshot ${context.snapshot_id}`,
      context.author ? `by ${context.author}` : "",
      context.created_at,
    ]],
    badge: `<a class="ts-badge" href="#section-headline">${formatValue(metrics.annual_return, "pct")}` +
      `<small>a year · Sharpe ${formatValue(metrics.sharpe, "f2")}</small></a>`,
    links: [
      ["section-headline", "Headline"],
      ["section-rt-metrics", "Returns"],
      ["section-exposure", "Exposure"],
      ["section-costs", "Costs & taxes"],
      ["section-positions", "Positions"],
      ["section-trades", "Trades"],
      ["section-reproduce", "Reproduce"],
    ],
  });
}

function headline({ result, metrics: m, benchmark }: PortfolioTearsheetInput): string {
  const keys = keyNumbers([
    ["Ann. return", formatValue(m.annual_return, "pct")],
    ["Ann. vol", formatValue(m.annual_volatility, "pct")],
    ["Sharpe", formatValue(m.sharpe, "f2")],
    ...(m.sharpe_vs_cash !== undefined
      ? [["Sharpe vs cash", formatValue(m.sharpe_vs_cash, "f2")] as [string, string]]
      : []),
    ["Max drawdown", formatValue(m.max_drawdown, "pct")],
    ["Final NAV", money(m.final_nav)],
    ...(m.beta !== undefined
      ? [["Beta", formatValue(m.beta, "f2")], ["Alpha", formatValue(m.alpha!, "pct")]] as [string, string][]
      : []),
    ["Turnover/rebalance", formatValue(m.turnover, "pct")],
    ["Costs + taxes", money(m.costs_total)],
  ]);
  const capital = result.config.capital;
  const series: Record<string, Float64Array> = { Portfolio: result.daily.nav.map((v) => v / capital - 1) };
  if (benchmark) series[benchmark.id] = compoundSeries(benchmark.ret);
  const equity = equityChart({
    dates: result.dates,
    series,
    title: benchmark ? `NAV vs ${benchmark.id}` : "NAV",
    subtitle: "Cumulative return after costs and taxes paid, cash earning its rate",
    width: FULL,
    height: 300,
  });
  const drawdown = drawdownChart({
    dates: result.dates,
    drawdown: drawdownSeries(result.daily.ret),
    title: "Drawdown",
    width: FULL,
    height: 180,
  });
  return keys + chart(equity) + chart(drawdown);
}

function exposure({ result }: PortfolioTearsheetInput): string {
  const lines = chart(equityChart({
    dates: result.dates,
    series: { Gross: result.daily.gross_exposure, Net: result.daily.net_exposure },
    title: "Exposure",
    subtitle: "Gross (long + short) / NAV and net (long − short) / NAV at each close",
    scale: "linear",
    yLabel: "Exposure (% of NAV)",
    width: HALF,
  }));
  const months = monthlyCosts(result);
  const turnover = chart(monthlyStackChart({
    months: months.map((r) => r.month),
    series: { Turnover: months.map((r) => r.turnover) },
    percent: true,
    title: "Turnover by month",
    subtitle: "Σ|Δweight| traded in the month",
    width: HALF,
  }));
  return grid(lines, turnover);
}

function costs({ result, metrics: m }: PortfolioTearsheetInput): string {
  const months = monthlyCosts(result);
  const stacked = chart(monthlyStackChart({
    months: months.map((r) => r.month),
    series: {
      Commission: months.map((r) => r.commission),
      Slippage: months.map((r) => r.slippage),
      Borrow: months.map((r) => r.borrow),
      "Tax paid": months.map((r) => r.tax_paid),
      Withholding: months.map((r) => r.withholding),
    },
    title: "Costs and taxes by month",
    subtitle: "Currency amounts; taxes on the day they are paid",
    width: FULL,
  }));
  const totals = columnTable([
    ["Commission", m.commission],
    ["Slippage", m.slippage],
    ["Borrow fee", m.borrow],
    ["Tax paid", m.tax_paid],
    ["Tax withheld at source", m.withholding],
    ["Tax owed after the data (not paid)", m.tax_outstanding],
    ["Cash interest earned", m.interest],
    ["Dividends received", m.dividends],
  ] as [string, number][], [
    { label: "Item", value: (r) => r[0], format: "text" },
    { label: "Total", value: (r) => r[1], format: "int" },
    { label: "Share of capital", value: (r) => r[1] / result.config.capital, format: "pct" },
  ]);
  const x = result.taxes;
  const active = Array.from({ length: x.period.length }, (_, k) => k)
    .filter((k) =>
      x.swing_sales[k] + x.swing_sales_other[k] + x.day_sales[k] > 0 || x.tax[k] > 0 || x.payable[k] > 0
    );
  const ledger = active.length
    ? columnTable(active.slice(-36), [
      { label: "Month", value: (k) => isoDate(x.period[k]).slice(0, 7), format: "text" },
      { label: "Swing sales", value: (k) => x.swing_sales[k] + x.swing_sales_other[k], format: "int" },
      { label: "Exempt", value: (k) => (x.exempt[k] ? "yes" : ""), format: "text" },
      { label: "Swing result", value: (k) => x.swing_result[k] + x.swing_result_other[k], format: "int" },
      { label: "Day-trade result", value: (k) => x.day_result[k], format: "int" },
      { label: "Loss carried", value: (k) => x.swing_loss_carry[k] + x.day_loss_carry[k], format: "int" },
      { label: "Tax", value: (k) => x.tax[k], format: "f2" },
      { label: "Withheld", value: (k) => x.withholding[k], format: "f2" },
      { label: "Payable", value: (k) => x.payable[k], format: "f2" },
      { label: "Due", value: (k) => (x.payable[k] > 0 ? isoDate(x.due_date[k]) : ""), format: "text" },
    ])
    : note(`No taxable activity under the ${result.taxModel.name} tax model.`);
  return stacked + `<h3>Totals</h3>` + totals +
    `<h3>Tax ledger (${escapeHtml(result.taxModel.name)}${
      active.length > 36 ? ", last 36 active months" : ""
    })</h3>` +
    ledger + note(result.taxModel.description);
}

function positions({ result }: PortfolioTearsheetInput): string {
  const top = topPositions(result, 15);
  if (!top.length) return note("The portfolio never held a position.");
  return columnTable(top, [
    { label: "Security", value: (p) => p.security_id, format: "text" },
    { label: "Mean weight when held", value: (p) => p.avg_weight, format: "pct" },
    { label: "Share of days held", value: (p) => p.held_share, format: "pct" },
    { label: "Final weight", value: (p) => p.final_weight, format: "pct" },
    { label: "Realised P&L", value: (p) => p.realized_pnl, format: "int" },
  ]) + note("Top 15 by mean absolute weight while held.");
}

function trades({ result }: PortfolioTearsheetInput): string {
  const s = tradesSummary(result);
  const keys = keyNumbers([
    ["Fills", formatValue(s.n_trades, "int")],
    ["Buys / sells", `${formatValue(s.n_buys, "int")} / ${formatValue(s.n_sells, "int")}`],
    ["Delistings", formatValue(s.n_delistings, "int")],
    ["Traded value", money(s.traded_value)],
    ["Avg fill", money(s.avg_trade_value)],
    ["Win rate", formatValue(s.win_rate, "pct")],
    ["Realised P&L", money(s.realized_pnl)],
  ]);
  const t = result.trades;
  const last = Array.from({ length: Math.min(15, t.length) }, (_, k) => t.length - 1 - k);
  const table = last.length
    ? columnTable(last, [
      // the date, or on intraday bars the bar's start (UTC)
      { label: "Date", value: (r) => formatQuantity(result.dates[t.t[r]], { kind: "date" }), format: "text" },
      { label: "Security", value: (r) => result.securityIds[t.i[r]], format: "text" },
      { label: "Side", value: (r) => (t.qty[r] > 0 ? "buy" : "sell"), format: "text" },
      { label: "Quantity", value: (r) => Math.abs(t.qty[r]), format: "int" },
      { label: "Price", value: (r) => t.price[r], format: "f2" },
      { label: "Commission", value: (r) => t.commission[r], format: "f2" },
      { label: "Slippage", value: (r) => t.slippage[r], format: "f2" },
      { label: "Realised P&L", value: (r) => t.realized[r], format: "f2" },
      { label: "Kind", value: (r) => TRADE_KINDS[t.kind[r]], format: "text" },
    ])
    : note("No trades.");
  return keys + `<h3>Last fills</h3>` + table;
}

function footer({ context }: PortfolioTearsheetInput): string {
  const rows: [string, string][] = [
    ["run_id", context.run_id],
    ["snapshot_id", context.snapshot_id],
    ["snapshot_hash", context.snapshot_hash],
    ["git_sha", context.git_sha],
    ["created_at", context.created_at],
    ...(context.author ? [["author", context.author] as [string, string]] : []),
  ];
  return reproduceFooter(rows, context.command, context.config);
}
