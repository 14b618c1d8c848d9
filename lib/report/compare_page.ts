/**
 * The comparison of recorded runs as HTML: equity curves on one axis, the metrics side by side and
 * the correlation heatmap of their daily returns — as a notebook view and as a standalone page.
 */
import { equityChart, heatmapChart } from "./charts.ts";
import { isPercentKey } from "./html.ts";
import { chart, FULL, grid, HALF, pageHeader, section, tearsheetPage } from "./page_parts.ts";
import { renderSvg } from "./render.ts";
import { type CellFormat, columnTable, formatValue } from "./tearsheet_parts.ts";
import type { RunRecord } from "../track/types.ts";

/** What a comparison shows (see `compareStrategies`). */
export interface ComparisonData {
  readonly runs: readonly RunRecord[];
  readonly labels: readonly string[];
  readonly dates: Float64Array;
  readonly cumulative: Readonly<Record<string, Float64Array>>;
  readonly metrics: readonly { readonly metric: string; readonly values: readonly number[] }[];
  /** Row-major `n × n` correlation of the runs' daily returns. */
  readonly correlation: Float64Array;
}

/** How a metric's values are shown: counts and durations as integers, amounts compact, returns in percent. */
function metricFormat(metric: string): CellFormat {
  if (/^n_|duration/.test(metric)) return "int";
  if (
    /^(final_nav|costs_total|commission|slippage|borrow|interest|dividends|tax_paid|withholding|tax_outstanding)$/
      .test(metric)
  ) {
    return "compact";
  }
  return isPercentKey(metric) || /alpha|hit_rate|exposure|var_95|period$|downside|tracking/.test(metric)
    ? "pct"
    : "f2";
}

/** Short run tags for the heatmap axes (`#1`, `#2`, …), matching the tables' headers. */
function tags(data: ComparisonData): string[] {
  return data.labels.map((_, k) => `#${k + 1}`);
}

function metricsTable(data: ComparisonData, rows = data.metrics.length): string {
  type Row = ComparisonData["metrics"][number];
  return columnTable<Row>(data.metrics.slice(0, rows), [
    { label: "Metric", value: (r) => r.metric, format: "text" },
    ...data.labels.map((label, k) => ({
      label: `#${k + 1} ${label}`,
      value: (r: Row) => formatValue(r.values[k], metricFormat(r.metric)),
      format: "text" as const,
    })),
  ]);
}

function figures(data: ComparisonData, width: number, half: number) {
  const equity = equityChart({
    dates: data.dates,
    series: data.cumulative,
    title: "Cumulative net return",
    subtitle: "Each run compounded over its own dates",
    width,
    height: 300,
  });
  const heatmap = heatmapChart({
    rows: tags(data),
    cols: tags(data),
    values: data.correlation,
    title: "Correlation of daily returns",
    xLabel: "run",
    yLabel: "run",
    subtitle: "Pearson, over the dates both runs have; #k = run k of the table",
    width: half,
  });
  return { equity, heatmap };
}

/**
 * The comparison as compact HTML for a notebook cell: equity overlay, the headline metrics (the first
 * 14 of the fixed order), correlation heatmap (two `<svg>`).
 *
 * @example
 * ```ts
 * compareView(comparison); // => '<div class="qn-view" …>'
 * ```
 */
export function compareView(data: ComparisonData): string {
  const { equity, heatmap } = figures(data, 900, 520);
  return `<div class="qn-view" style="font:14px/1.45 system-ui,sans-serif;max-width:980px;">` +
    `<div style="font-size:16px;font-weight:700;margin:4px 0;">Comparison of ${data.runs.length} runs</div>` +
    renderSvg(equity) + metricsTable(data, 14) + renderSvg(heatmap) + `</div>`;
}

/**
 * The comparison as a self-contained page: `section-equity` (cumulative net returns), `section-runs`
 * (the runs compared, numbered, with their ids), `section-correlation` (heatmap) and
 * `section-metrics` (every metric side by side).
 *
 * @example
 * ```ts
 * await Deno.writeTextFile("reports/compare.html", comparisonPage(comparison));
 * ```
 */
export function comparisonPage(data: ComparisonData): string {
  const { equity, heatmap } = figures(data, FULL, HALF);
  const runs = columnTable(data.runs.map((r, k) => ({ r, label: data.labels[k], k })), [
    { label: "#", value: (x) => `#${x.k + 1}`, format: "text" },
    { label: "Label", value: (x) => x.label, format: "text" },
    { label: "Run id", value: (x) => x.r.run_id, format: "text" },
    { label: "Kind", value: (x) => x.r.kind, format: "text" },
    { label: "Snapshot", value: (x) => x.r.tags.snapshot_id ?? "—", format: "text" },
    { label: "Created", value: (x) => x.r.created_at.slice(0, 19).replace("T", " "), format: "text" },
  ]);
  const body = [
    pageHeader({
      kicker: "run comparison",
      title: data.labels.join(" vs "),
      meta: [[`${data.runs.length} runs`]],
      badge: "",
      links: [
        ["section-equity", "Equity"],
        ["section-runs", "Runs"],
        ["section-correlation", "Correlation"],
        ["section-metrics", "Metrics"],
      ],
    }),
    section("section-equity", "Equity curves", chart(equity)),
    section("section-runs", "Runs", runs),
    section("section-correlation", "Correlation", grid(chart(heatmap), "")),
    section("section-metrics", "Metrics", metricsTable(data)),
  ].join("\n");
  return tearsheetPage(`Comparison: ${data.labels.join(", ")}`, body);
}
