/**
 * Notebook views (and run-page bodies) of parameter searches, walk-forwards and constructed
 * portfolios: key numbers with the overfitting guards beside the best result, the top trials, the
 * metric surface over two parameters, sensitivity profiles, the walk-forward table, stitched
 * out-of-sample equity and stability surfaces, and the portfolio comparison. They only compose:
 * numbers from `lib/optimize` and `lib/portfolio/construct`, charts from the shared builders.
 */
import { cumulativeReturns } from "../metrics/returns.ts";
import type { SearchResult } from "../optimize/search.ts";
import { metricSurface, sensitivity, valueLabel } from "../optimize/surface.ts";
import { varyingDimensions } from "../optimize/space.ts";
import type { WalkForwardResult } from "../optimize/walk_forward.ts";
import { isoDate } from "../panel/types.ts";
import type { ComparisonRow } from "../portfolio/construct/compare.ts";
import type { PortfolioResult } from "../portfolio/construct/construct.ts";
import { equityChart, heatmapChart } from "./charts.ts";
import { groupedBarChart } from "./factor_charts.ts";
import { escapeHtml, isPercentKey } from "./html.ts";
import { profileChart, weightsChart } from "./optimize_charts.ts";
import { renderSvg } from "./render.ts";
import {
  type CellFormat,
  type Column,
  columnTable,
  formatValue,
  keyNumbers,
  subheading,
  viewFrame,
  warningNotes,
} from "./tearsheet_parts.ts";

/** How a metric's values are shown: percentages for return-like names, else 3 decimals. */
export function metricFormat(metric: string): CellFormat {
  return isPercentKey(metric) ? "pct" : "f3";
}

/** `key=value` pairs of a trial's parameters. */
export function paramsText(params: Readonly<Record<string, unknown>> | null): string {
  if (!params) return "—";
  return Object.entries(params).map(([k, v]) => `${k}=${valueLabel(v as never)}`).join(" · ");
}

function span(dates: Float64Array): string {
  return dates.length ? `${isoDate(dates[0])} → ${isoDate(dates[dates.length - 1])}` : "no dates";
}

/** The guards of a search as key numbers: PSR, DSR (with SR₀ and trials), PBO, MinTRL. */
function guardNumbers(result: SearchResult): [string, string][] {
  const g = result.guards;
  if (!g) return [];
  return [
    ["PSR (SR > 0)", formatValue(g.psr, "f3")],
    [`DSR (${g.trials} trials)`, formatValue(g.dsr, "f3")],
    ["SR₀ (annual)", formatValue(g.sr0, "f2")],
    ["PBO (CSCV)", g.pbo ? formatValue(g.pbo.pbo, "f3") : "—"],
    ["Min track record", Number.isFinite(g.minTrackRecord) ? `${Math.ceil(g.minTrackRecord)} bars` : "∞"],
  ];
}

/** The top trials as a table: rank, parameters, the objective metric, Sharpe, plateau. */
export function trialsTableHtml(result: SearchResult, top = 10): string {
  const names = result.space.dimensions.map((d) => d.name);
  const rows = result.ranking.slice(0, top).map((k) => result.trials[k]);
  const extra = ["sharpe", "annual_return", "max_drawdown", "turnover"].filter((m) =>
    m !== result.metric && rows[0]?.metrics[m] !== undefined
  );
  const columns: Column<typeof rows[number]>[] = [
    { label: "Rank", value: (t) => t.rank, format: "int" },
    // a parameter whose values are all numbers is a number column (right-aligned), else text
    ...names.map((name) => {
      const numeric = rows.every((t) => typeof t.params[name] === "number");
      return {
        label: name,
        value: (t: typeof rows[number]) => numeric ? t.params[name] as number : valueLabel(t.params[name]),
        format: numeric ? "number" as const : "text" as const,
      };
    }),
    { label: result.metric, value: (t) => t.metrics[result.metric], format: metricFormat(result.metric) },
    { label: "plateau", value: (t) => t.plateau, format: metricFormat(result.metric) },
    ...extra.map((m) => ({
      label: m,
      value: (t: typeof rows[number]) => t.metrics[m],
      format: metricFormat(m),
    })),
  ];
  return columnTable(rows, columns, { highlight: (t) => t.index === result.best });
}

/**
 * HTML of a search: the best trial and its plateau score beside the guards, the top trials, the
 * metric over the first two varying parameters (best over the others), and a sensitivity profile
 * per varying parameter.
 *
 * @example
 * ```ts
 * const html = searchView(await runSearch(source, { space }));
 * ```
 */
export function searchView(result: SearchResult, title = `Search: ${result.objectiveName}`): string {
  const best = result.trials[result.best];
  const detail = [
    `${result.method} search`,
    `${result.trials.length} trials`,
    `${result.direction === "max" ? "maximise" : "minimise"} ${result.metric}`,
    ...(result.seed !== undefined ? [`seed ${result.seed}`] : []),
    span(result.dates),
  ].join(" · ");
  const fmt = metricFormat(result.metric);
  const keys = keyNumbers([
    [`Best ${result.metric}`, best ? formatValue(best.metrics[result.metric], fmt) : "—"],
    ["Plateau at best", best ? formatValue(best.plateau, fmt) : "—"],
    ...(result.metric !== "sharpe"
      ? [["Sharpe (best)", best ? formatValue(best.metrics.sharpe, "f2") : "—"] as [string, string]]
      : []),
    ...guardNumbers(result),
  ]);
  const parts = [
    best ? `<div><b>Best:</b> ${escapeHtml(paramsText(best.params))}</div>` : "",
    result.robust >= 0 && result.robust !== result.best
      ? `<div><b>Best plateau:</b> ${escapeHtml(paramsText(result.trials[result.robust].params))}</div>`
      : "",
    keys,
    warningNotes(result.warnings),
    subheading("Top trials"),
    trialsTableHtml(result),
  ];
  const varying = varyingDimensions(result.space).map((d) => d.name);
  if (best && varying.length >= 2) {
    const s = metricSurface(result, varying[0], varying[1]);
    parts.push(renderSvg(heatmapChart({
      rows: s.yLabels,
      cols: s.xLabels,
      values: s.values,
      percent: fmt === "pct",
      title: `${result.metric} over ${s.x} × ${s.y}`,
      xLabel: s.x,
      yLabel: s.y,
      subtitle: varying.length > 2 ? "best over the other parameters" : undefined,
    })));
  }
  if (best) {
    for (const s of sensitivity(result)) {
      parts.push(renderSvg(profileChart({
        labels: s.labels,
        series: { best: s.best, mean: s.mean, "others at best": s.atBest },
        marked: valueLabel(best.params[s.param]),
        title: `${result.metric} by ${s.param}`,
        xLabel: s.param,
        height: 200,
      })));
    }
  }
  return viewFrame(title, detail, parts.join(""));
}

/**
 * HTML of a walk-forward: out-of-sample key numbers and efficiency, the per-window table (dates,
 * chosen parameters, in-sample vs out-of-sample metric), the stitched out-of-sample equity, in- vs
 * out-of-sample bars, and one stability heatmap per varying parameter (window × value).
 *
 * @example
 * ```ts
 * const html = walkForwardView(await runWalkForward(source, { space, windows }));
 * ```
 */
export function walkForwardView(wf: WalkForwardResult, title = `Walk-forward: ${wf.objectiveName}`): string {
  const fmt = metricFormat(wf.metric);
  const { windowOptions: w } = wf;
  const detail = [
    `${w.mode ?? "rolling"} windows`,
    `in-sample ${w.inSample}`,
    `out-of-sample ${w.outOfSample}`,
    `${wf.steps.length} windows`,
    `${wf.plan.points.length} trials each`,
    span(wf.dates),
  ].join(" · ");
  const oos = wf.oosMetrics as unknown as Record<string, number>;
  const keys = keyNumbers([
    [`OOS ${wf.metric}`, formatValue(oos[wf.metric], fmt)],
    [`IS ${wf.metric} (mean)`, formatValue(wf.isMetricMean, fmt)],
    ["Efficiency (OOS/IS)", formatValue(wf.efficiency, "f2")],
    ...(wf.metric !== "sharpe"
      ? [["OOS Sharpe", formatValue(wf.oosMetrics.sharpe, "f2")] as [string, string]]
      : []),
    ["OOS annual return", formatValue(wf.oosMetrics.annual_return, "pct")],
    ["OOS max drawdown", formatValue(wf.oosMetrics.max_drawdown, "pct")],
    ["OOS PSR", formatValue(wf.oosPsr, "f3")],
  ]);
  const table = columnTable(wf.steps, [
    { label: "Window", value: (s) => s.window.index + 1, format: "int" },
    { label: "In sample", value: (s) => `${isoDate(s.isFrom)} → ${isoDate(s.isTo)}`, format: "text" },
    { label: "Out of sample", value: (s) => `${isoDate(s.oosFrom)} → ${isoDate(s.oosTo)}`, format: "text" },
    { label: "Chosen", value: (s) => paramsText(s.params), format: "text" },
    { label: `IS ${wf.metric}`, value: (s) => s.isMetric, format: fmt },
    { label: `OOS ${wf.metric}`, value: (s) => s.oosMetric, format: fmt },
    { label: "OOS/IS", value: (s) => s.efficiency, format: "f2" },
  ]);
  const windowLabels = wf.steps.map((s) => `W${s.window.index + 1} ${isoDate(s.oosFrom).slice(0, 7)}`);
  const flat = wf.returns.map((r) => (Number.isNaN(r) ? 0 : r));
  const parts = [
    keys,
    warningNotes(wf.warnings),
    subheading("Windows"),
    table,
    renderSvg(equityChart({
      dates: wf.dates,
      series: { "Out of sample (stitched)": cumulativeReturns(flat) },
      title: "Stitched out-of-sample cumulative return",
      height: 220,
    })),
    renderSvg(groupedBarChart({
      labels: windowLabels,
      series: {
        "in sample": wf.steps.map((s) => s.isMetric),
        "out of sample": wf.steps.map((s) => s.oosMetric),
      },
      title: `${wf.metric}: in sample vs out of sample`,
      height: 220,
    })),
  ];
  // Row labels: the out-of-sample start (short enough for the heatmap's margin).
  const rowLabels = wf.steps.map((s) => isoDate(s.oosFrom).slice(0, 7));
  for (const s of wf.stability) {
    parts.push(renderSvg(heatmapChart({
      rows: rowLabels,
      cols: s.labels,
      values: s.values,
      percent: fmt === "pct",
      title: `Parameter stability: in-sample ${wf.metric} by ${s.param}`,
      xLabel: s.param,
      yLabel: "window (out-of-sample start)",
      subtitle: `chosen: ${s.chosen.map((c) => c ?? "—").join(", ")}`,
    })));
  }
  return viewFrame(title, detail, parts.join(""));
}

/** The comparison table of constructed portfolios. */
export function comparisonTableHtml(rows: readonly ComparisonRow[]): string {
  return columnTable(rows, [
    { label: "Method", value: (r) => r.method, format: "text" },
    { label: "Annual return", value: (r) => r.annual_return, format: "pct" },
    { label: "Volatility", value: (r) => r.annual_volatility, format: "pct" },
    { label: "Sharpe", value: (r) => r.sharpe, format: "f2" },
    { label: "Sortino", value: (r) => r.sortino, format: "f2" },
    { label: "Max drawdown", value: (r) => r.max_drawdown, format: "pct" },
    { label: "Calmar", value: (r) => r.calmar, format: "f2" },
    { label: "Turnover / year", value: (r) => r.turnover_annual, format: "f2" },
    { label: "Effective N", value: (r) => r.effective_n, format: "f2" },
    { label: "Max weight", value: (r) => r.max_weight, format: "pct" },
    { label: "Diversification", value: (r) => r.diversification_ratio, format: "f2" },
  ]);
}

/**
 * HTML of constructed portfolios (one or several methods on the same streams): the comparison
 * table, the combined cumulative returns, and per method its weights over time and the latest
 * risk contributions.
 *
 * @example
 * ```ts
 * const html = portfolioView(comparePortfolios(streams, { methods: ["inverse_vol", "erc", "hrp"] }));
 * ```
 */
export function portfolioView(
  input: PortfolioResult | { portfolios: readonly PortfolioResult[]; rows: readonly ComparisonRow[] },
  title = "Portfolio construction",
): string {
  const portfolios = "portfolios" in input ? input.portfolios : [input];
  const first = portfolios[0];
  const o = first.options;
  const detail = [
    `${first.names.length} streams`,
    `lookback ${o.lookback} bars`,
    `rebalance ${o.rebalance}`,
    `shrinkage ${o.shrinkage}`,
    `${o.tcBps} bps`,
    span(first.dates),
  ].join(" · ");
  const rows = "rows" in input ? input.rows : undefined;
  const parts: string[] = [];
  if (rows) parts.push(comparisonTableHtml(rows));
  else {
    const m = first.metrics;
    parts.push(keyNumbers([
      ["Sharpe", formatValue(m.sharpe, "f2")],
      ["Annual return", formatValue(m.annual_return, "pct")],
      ["Volatility", formatValue(m.annual_volatility, "pct")],
      ["Max drawdown", formatValue(m.max_drawdown, "pct")],
      ["Turnover / year", formatValue(m.turnover_annual, "f2")],
      ["Effective N", formatValue(m.effective_n, "f2")],
    ]));
  }
  parts.push(warningNotes([...new Set(portfolios.flatMap((p) => p.warnings))]));
  parts.push(renderSvg(equityChart({
    dates: first.dates,
    series: Object.fromEntries(
      portfolios.map((p) => [p.method, cumulativeReturns(p.returns.map((r) => (Number.isNaN(r) ? 0 : r)))]),
    ),
    title: "Combined cumulative return",
    height: 240,
  })));
  for (const p of portfolios) {
    parts.push(
      renderSvg(
        weightsChart({
          dates: p.dates,
          names: p.names,
          weights: p.held,
          title: `Weights: ${p.method}`,
          height: 200,
        }),
      ),
    );
  }
  const last = portfolios.map((p) =>
    p.riskContributions.subarray((p.rebalances.length - 1) * p.names.length)
  );
  if (first.rebalances.length) {
    parts.push(renderSvg(groupedBarChart({
      labels: first.names,
      series: Object.fromEntries(portfolios.map((p, k) => [p.method, last[k]])),
      title: "Risk contributions at the last rebalance (share of variance)",
      height: 220,
    })));
  }
  return viewFrame(title, detail, parts.join(""));
}
