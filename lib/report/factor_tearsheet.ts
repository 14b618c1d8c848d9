/**
 * The factor tear sheet (Alphalens' full + event returns tear sheets): one self-contained HTML page,
 * and a compact notebook view, composed from a `FactorAnalysis`. Tables come from
 * `factorTables`, charts from the shared builders (`charts.ts`, `factor_charts.ts`); nothing is
 * computed here beyond unit conversions (bps, percent) and slicing.
 */

import type { FactorAnalysis } from "../factor/analyze.ts";
import { icQuantiles } from "../factor/ic.ts";
import { isoDate } from "../panel/types.ts";
import type { ChartFigure } from "./chart_theme.ts";
import { barChart, equityChart, heatmapChart, histogramChart, icChart } from "./charts.ts";
import { bandChart, eventChart, groupedBarChart, qqChart, valueLinesChart } from "./factor_charts.ts";
import { escapeHtml, htmlPage, renderTable } from "./html.ts";
import { renderSvg } from "./render.ts";
import { formatValue, keyNumbers, viewFrame, warningNotes } from "./tearsheet_parts.ts";

/** A table as rows of records: the first column names the row, one column per period. */
export type FactorTable = Record<string, string | number>[];

/** The tear sheet's tables, as plain rows (also printed by `deno task factor`). */
export interface FactorTables {
  readonly quantileStats: FactorTable;
  readonly returns: FactorTable;
  readonly information: FactorTable;
  readonly turnover: FactorTable;
}

/** `1D`, `5D` … for daily bars (Alphalens' column names), else `1 bars`. */
export function periodLabel(period: number, periodsPerYear: number): string {
  return periodsPerYear === 252 ? `${period}D` : `${period} bars`;
}

/**
 * The Alphalens tables of an analysis: quantile statistics; returns analysis (annualised alpha,
 * beta, mean period-wise return of the top and bottom quantile and of the spread, in bps of
 * `base`-bar rates); information analysis (IC mean, std, risk-adjusted, t-stat, p-value, skew,
 * kurtosis); turnover analysis (mean turnover of each quantile, mean rank autocorrelation).
 *
 * @example
 * ```ts
 * const { information } = factorTables(fa); // [{ metric: "IC Mean", "1D": 0.018, … }, …]
 * ```
 */
export function factorTables(fa: FactorAnalysis): FactorTables {
  const labels = fa.data.periods.map((p) => periodLabel(p, fa.data.periodsPerYear));
  const row = (metric: string, values: (k: number) => number) =>
    Object.fromEntries([["metric", metric], ...labels.map((label, k) => [label, values(k)])]);
  const Q = fa.data.nQuantiles;
  return {
    quantileStats: fa.quantileStats.map((q) => ({ ...q })),
    returns: [
      row("Ann. alpha (%)", (k) => fa.returns[k].alphaBeta.ann_alpha * 100),
      row("beta", (k) => fa.returns[k].alphaBeta.beta),
      row("Mean period-wise return top quantile (bps)", (k) => fa.returns[k].rate[Q - 1] * 1e4),
      row("Mean period-wise return bottom quantile (bps)", (k) => fa.returns[k].rate[0] * 1e4),
      row("Mean period-wise spread (bps)", (k) => fa.returns[k].spread.mean * 1e4),
    ],
    information: [
      row("IC Mean", (k) => fa.information[k].summary.mean),
      row("IC Std.", (k) => fa.information[k].summary.std),
      row("Risk-Adjusted IC", (k) => fa.information[k].summary.risk_adjusted),
      row("t-stat(IC)", (k) => fa.information[k].summary.t_stat),
      row("p-value(IC)", (k) => fa.information[k].summary.p_value),
      row("IC Skew", (k) => fa.information[k].summary.skew),
      row("IC Kurtosis", (k) => fa.information[k].summary.kurtosis),
    ],
    turnover: [
      ...Array.from(
        { length: Q },
        (_, q) => row(`Quantile ${q + 1} Mean Turnover`, (k) => fa.turnover[k].meanQuantile[q]),
      ),
      row("Mean Factor Rank Autocorrelation", (k) => fa.turnover[k].meanAutocorrelation),
    ],
  };
}

/** Who and what of a factor analysis: the page's header and reproducibility footer. */
export interface FactorTearsheetContext {
  readonly signal_name: string;
  readonly snapshot_id?: string;
  readonly snapshot_hash?: string;
  readonly git_sha?: string;
  readonly created_at?: string;
  /** The command that reproduces the page. */
  readonly command?: string;
}

const FULL = 1100, HALF = 540;

function chart(figure: ChartFigure): string {
  return `<div class="fa-chart">${renderSvg(figure)}</div>`;
}

function grid(cells: string[]): string {
  return `<div class="fa-grid">${cells.map((c) => `<div>${c}</div>`).join("")}</div>`;
}

function section(id: string, heading: string, content: string): string {
  return `<section id="${id}"><h2>${escapeHtml(heading)}</h2>\n${content}\n</section>`;
}

function table(rows: FactorTable, caption?: string): string {
  return renderTable(rows, { plain: Object.keys(rows[0] ?? {}), caption, maxRows: 100 });
}

const bps = (x: ArrayLike<number>) => Float64Array.from(x, (v) => v * 1e4);

function quantileLabels(fa: FactorAnalysis): string[] {
  return Array.from({ length: fa.data.nQuantiles }, (_, q) => `Q${q + 1}`);
}

function returnsSection(fa: FactorAnalysis, tables: FactorTables): string {
  const labels = fa.data.periods.map((p) => periodLabel(p, fa.data.periodsPerYear));
  const base = periodLabel(fa.base, fa.data.periodsPerYear);
  const view = fa.options.longShort
    ? (fa.options.groupNeutral ? "group-neutral, demeaned" : "demeaned")
    : "raw";
  const bars = chart(groupedBarChart({
    labels: quantileLabels(fa),
    series: Object.fromEntries(fa.returns.map((r, k) => [labels[k], bps(r.rate)])),
    title: "Mean period-wise return by factor quantile (bps)",
    subtitle: `${view} forward returns, as ${base} rates`,
    width: FULL,
    height: 260,
  }));
  const dates = fa.data.dates;
  const first = fa.returns[0];
  const cumulative = grid([
    chart(equityChart({
      dates,
      series: { [labels[0]]: first.cumulative.factor },
      title: `Factor-weighted portfolio cumulative return (${labels[0]})`,
      subtitle: fa.options.longShort ? "long/short, gross exposure 1" : "factor-weighted",
      width: HALF,
    })),
    chart(equityChart({
      dates,
      series: Object.fromEntries(first.cumulative.byQuantile.map((s, q) => [`Q${q + 1}`, s])),
      title: `Cumulative return by quantile (${labels[0]})`,
      subtitle: `${view} per-date quantile means`,
      width: HALF,
    })),
  ]);
  const spreads = fa.returns.map((r, k) =>
    chart(bandChart({
      dates,
      values: bps(r.spread.spread),
      band: bps(r.spread.stdErr),
      title: `Top minus bottom quantile mean return (${labels[k]} forward, bps of ${base})`,
      width: FULL,
      height: 220,
    }))
  );
  return table(tables.returns, "Returns analysis") + bars + cumulative + spreads.join("");
}

function informationSection(fa: FactorAnalysis, tables: FactorTables): string {
  const labels = fa.data.periods.map((p) => periodLabel(p, fa.data.periodsPerYear));
  const parts = [table(tables.information, "Information analysis")];
  fa.information.forEach((info, k) => {
    if (!Array.from(info.ic).some(Number.isFinite)) return;
    parts.push(chart(icChart({
      dates: fa.data.dates,
      ic: info.ic,
      window: 22,
      title: `${labels[k]} forward return information coefficient`,
      subtitle: `mean ${formatValue(info.summary.mean, "f3")} · std ${formatValue(info.summary.std, "f3")}`,
      width: FULL,
      height: 220,
    })));
    parts.push(grid([
      chart(
        histogramChart({ values: info.ic, bins: 40, title: `${labels[k]} IC distribution`, width: HALF }),
      ),
      chart(qqChart({ ...icQuantiles(info.ic), title: `${labels[k]} IC normal Q-Q`, width: HALF })),
    ]));
  });
  const monthly = fa.information[0].monthly;
  if (monthly.label.length) {
    const years = [...new Set(monthly.label.map((l) => l.slice(0, 4)))];
    const months = ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"];
    const values = new Float64Array(years.length * 12).fill(NaN);
    monthly.label.forEach((
      l,
      j,
    ) => (values[years.indexOf(l.slice(0, 4)) * 12 + Number(l.slice(5)) - 1] = monthly.mean[j]));
    parts.push(chart(heatmapChart({
      rows: years,
      cols: months,
      values,
      title: `Monthly mean ${labels[0]} IC`,
      xLabel: "month",
      yLabel: "year",
      width: FULL,
    })));
  }
  return parts.join("");
}

function turnoverSection(fa: FactorAnalysis, tables: FactorTables): string {
  const labels = fa.data.periods.map((p) => periodLabel(p, fa.data.periodsPerYear));
  const Q = fa.data.nQuantiles;
  const charts = fa.turnover.map((t, k) =>
    chart(equityChart({
      dates: fa.data.dates,
      series: { "top quantile": t.quantile[Q - 1], "bottom quantile": t.quantile[0] },
      title: `${labels[k]} top and bottom quantile turnover`,
      subtitle: "share of names new to the quantile",
      width: HALF,
    }))
  );
  const autocorrelation = chart(valueLinesChart({
    dates: fa.data.dates,
    series: Object.fromEntries(fa.turnover.map((t, k) => [labels[k], t.autocorrelation])),
    title: "Factor rank autocorrelation",
    subtitle: "lag = period",
    width: FULL,
  }));
  return table(tables.turnover, "Turnover analysis") + grid(charts) + autocorrelation;
}

function groupSection(fa: FactorAnalysis): string {
  const names = fa.data.groupNames;
  const Q = fa.data.nQuantiles;
  const labels = fa.data.periods.map((p) => periodLabel(p, fa.data.periodsPerYear));
  const icBars = chart(groupedBarChart({
    labels: names.map((g) => g || "(none)"),
    series: Object.fromEntries(fa.information.map((info, k) => [labels[k], info.byGroup!])),
    title: "Information coefficient by group",
    width: FULL,
  }));
  const first = fa.returns[0];
  const spread = Float64Array.from(
    names,
    (_, g) => (first.rateByGroup![g * Q + Q - 1] - first.rateByGroup![g * Q]) * 1e4,
  );
  const spreadBars = chart(barChart({
    labels: names.map((g) => g || "(none)"),
    values: spread,
    title: `Top minus bottom quantile mean return by group (${labels[0]}, bps)`,
    width: FULL,
  }));
  return icBars + spreadBars;
}

function eventSection(fa: FactorAnalysis): string {
  const ev = fa.events!;
  const K = ev.offsets.length;
  return chart(eventChart({
    offsets: ev.offsets,
    series: Object.fromEntries(
      quantileLabels(fa).map((label, q) => [label, bps(ev.mean.subarray(q * K, (q + 1) * K))]),
    ),
    title: "Average cumulative return by quantile around the factor date (bps)",
    subtitle: fa.options.longShort
      ? "demeaned by the date's universe; 0 = the factor date's close"
      : "0 = the factor date's close",
    width: FULL,
    height: 300,
  }));
}

function summaryKeys(fa: FactorAnalysis): string {
  const info = fa.information[0], ret = fa.returns[0];
  const label = periodLabel(fa.data.periods[0], fa.data.periodsPerYear);
  return keyNumbers([
    [`IC mean (${label})`, formatValue(info.summary.mean, "f3")],
    ["IC t-stat", formatValue(info.summary.t_stat, "f2")],
    ["Risk-adjusted IC", formatValue(info.summary.risk_adjusted, "f2")],
    ["Spread (bps)", formatValue(ret.spread.mean * 1e4, "f2")],
    ["Ann. alpha", formatValue(ret.alphaBeta.ann_alpha, "pct")],
    ["Beta", formatValue(ret.alphaBeta.beta, "f2")],
    ["Rank autocorr", formatValue(fa.turnover[0].meanAutocorrelation, "f2")],
    ["Dropped", formatValue(fa.data.loss.total, "pct")],
  ]);
}

function span(fa: FactorAnalysis): string {
  const { start } = fa.data.rows, dates = fa.data.dates;
  let first = -1, last = -1;
  for (let t = 0; t < dates.length; t++) {
    if (start[t + 1] > start[t]) {
      if (first < 0) first = t;
      last = t;
    }
  }
  return first < 0 ? "no dates" : `${isoDate(dates[first])} → ${isoDate(dates[last])}`;
}

function describe(fa: FactorAnalysis): string {
  const b = fa.data.binning;
  const binning = b.quantiles !== undefined
    ? (typeof b.quantiles === "number"
      ? `${b.quantiles} quantiles`
      : `quantiles at ${b.quantiles.join(", ")}`)
    : (typeof b.bins === "number" ? `${b.bins} equal-width bins` : `bins at ${b.bins!.join(", ")}`);
  return [
    span(fa),
    `periods ${fa.data.periods.join(", ")}`,
    binning + (b.zeroAware ? " (zero-aware)" : "") + (b.byGroup ? " by group" : ""),
    fa.options.longShort ? "long/short" : "long only",
    fa.options.groupNeutral ? "group-neutral" : "",
    fa.options.equalWeight ? "equal-weighted" : "factor-weighted",
  ].filter(Boolean).join(" · ");
}

/**
 * The factor tear sheet as a self-contained HTML page (inline CSS and SVG): key numbers and
 * warnings, then sections `fa-returns` (returns table, mean return by quantile and period, cumulative
 * returns of the factor portfolio and of each quantile, the spread with its error band per period),
 * `fa-information` (information table, IC series with a 22-bar mean, IC histogram and normal Q-Q per
 * period, monthly IC heatmap), `fa-turnover` (turnover table, top and bottom quantile turnover,
 * rank autocorrelation), `fa-groups` (IC and spread by group, when grouped), `fa-events` (average
 * cumulative return by quantile around the factor date), `fa-quantiles` (quantile statistics) and a
 * footer with the snapshot, git sha and the command.
 *
 * @example
 * ```ts
 * await Deno.writeTextFile("factor.html", factorTearsheet(analyzeFactor(panel, signal), { signal_name: "sentiment" }));
 * ```
 */
export function factorTearsheet(fa: FactorAnalysis, context: FactorTearsheetContext): string {
  const tables = factorTables(fa);
  const sections = [
    section("fa-returns", "Returns analysis", returnsSection(fa, tables)),
    section("fa-information", "Information analysis", informationSection(fa, tables)),
    section("fa-turnover", "Turnover analysis", turnoverSection(fa, tables)),
    fa.data.groups ? section("fa-groups", "By group", groupSection(fa)) : "",
    fa.events ? section("fa-events", "Event study", eventSection(fa)) : "",
    section("fa-quantiles", "Quantile statistics", table(tables.quantileStats)),
  ];
  const ids: [string, string][] = [
    ["snapshot_id", context.snapshot_id ?? ""],
    ["snapshot_hash", context.snapshot_hash ?? ""],
    ["git_sha", context.git_sha ?? ""],
    ["created_at", context.created_at ?? ""],
  ];
  const footer = `<footer class="fa-footer"><h2>Reproduce</h2><table>${
    ids.filter(([, v]) => v).map(([k, v]) => `<tr><th>${k}</th><td><code>${escapeHtml(v)}</code></td></tr>`)
      .join("")
  }</table>${context.command ? `<pre>${escapeHtml(context.command)}</pre>` : ""}</footer>`;
  const body = `<style>${FACTOR_CSS}</style><header><div class="qn-muted">quantnb · factor tear sheet</div>` +
    `<h1>${escapeHtml(context.signal_name)}</h1><div class="qn-muted">${
      escapeHtml(describe(fa))
    }</div></header>` +
    summaryKeys(fa) + warningNotes(fa.warnings) + sections.join("\n") + footer;
  return htmlPage({ title: `${context.signal_name} — factor tear sheet`, body });
}

/**
 * Compact notebook HTML of a factor analysis: its description, key numbers, warnings, the returns
 * and information tables, mean return by quantile and period, and cumulative return by quantile.
 *
 * @example
 * ```ts
 * factorView(analyzeFactor(panel, signal)); // or let `analyzeFactor` from "quantnb" render itself
 * ```
 */
export function factorView(fa: FactorAnalysis, title = "Factor analysis"): string {
  const tables = factorTables(fa);
  const labels = fa.data.periods.map((p) => periodLabel(p, fa.data.periodsPerYear));
  const bars = renderSvg(groupedBarChart({
    labels: quantileLabels(fa),
    series: Object.fromEntries(fa.returns.map((r, k) => [labels[k], bps(r.rate)])),
    title: "Mean return by quantile (bps)",
    height: 220,
  }));
  const first = fa.returns[0];
  const cumulative = renderSvg(equityChart({
    dates: fa.data.dates,
    series: Object.fromEntries(first.cumulative.byQuantile.map((s, q) => [`Q${q + 1}`, s])),
    title: `Cumulative return by quantile (${labels[0]})`,
    height: 220,
  }));
  return viewFrame(
    title,
    describe(fa),
    summaryKeys(fa) + warningNotes(fa.warnings) + table(tables.returns, "Returns analysis") +
      table(tables.information, "Information analysis") + bars + cumulative,
  );
}

const FACTOR_CSS = `
main { max-width: 1180px; }
.fa-grid { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 24px; align-items: start; }
.fa-chart { margin: 10px 0; }
.fa-chart figure { margin: 0; }
section > h2 { border-bottom: 2px solid var(--qn-fg); padding-bottom: 4px; margin-top: 1.6em; }
.fa-footer { margin-top: 32px; font-size: 13px; }
.fa-footer th { text-align: left; padding-right: 16px; color: var(--qn-muted); }
.fa-footer pre { background: var(--qn-code-bg); border: 1px solid var(--qn-line); border-radius: 6px; padding: 8px 12px;
  overflow-x: auto; }
@media (max-width: 900px) { .fa-grid { grid-template-columns: 1fr; } }
`;
