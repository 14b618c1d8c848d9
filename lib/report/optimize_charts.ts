/**
 * Chart builders for parameter searches, walk-forwards and constructed portfolios beyond `charts.ts`:
 * a metric profile over a parameter's values (sensitivity) and weights over time. Each
 * composes Plot marks with the shared theme (`chart_theme.ts`), renders to one `<svg>` and displays
 * itself in notebooks. Heatmaps (surfaces, stability, correlations) use `heatmapChart`.
 */

import * as Plot from "@observablehq/plot";
import { toDates } from "./chart_data.ts";
import {
  basePlotOptions,
  chartDefaults,
  type ChartFigure,
  type ChartOptions,
  plotDocument,
  quantityLabel,
  seriesColor,
  withLegend,
} from "./chart_theme.ts";
import { labelledRows } from "./factor_charts.ts";
import { selfDisplaying } from "./render.ts";

/**
 * Lines with dots over an ordered list of labels (a parameter's values), one per named series, e.g.
 * the best, mean and at-optimum Sharpe ratio for each lag. `marked` draws a dashed rule at that label
 * (the chosen value). NaN points are left out.
 *
 * @example
 * ```ts
 * profileChart({ labels: ["0", "1", "2"], series: { best: [1.2, 1.5, 0.9] }, marked: "1", title: "Sharpe by lag" });
 * ```
 */
export function profileChart(
  { labels, series, marked, ...options }:
    & {
      labels: readonly string[];
      series: Readonly<Record<string, ArrayLike<number>>>;
      marked?: string;
    }
    & ChartOptions,
): ChartFigure {
  const { names, rows } = labelledRows("profileChart", labels, series);
  const document = options.document ?? plotDocument();
  const color = { domain: names, range: names.map((_, k) => seriesColor(k)) };
  const marks: Plot.Markish[] = [
    Plot.ruleY([0], { stroke: chartDefaults.muted }),
    Plot.line(rows, { x: "label", y: "value", z: "name", stroke: "name", strokeWidth: 1.5 }),
    Plot.dot(rows, { x: "label", y: "value", fill: "name", r: 2.5 }),
  ];
  if (marked !== undefined) {
    marks.push(Plot.ruleX([marked], { stroke: "currentColor", strokeDasharray: "3,3" }));
  }
  const chart = Plot.plot(basePlotOptions({ ...options, document }, {
    // axes name their quantity: the parameter (`xLabel`) and the metric (`yLabel`, else the title's)
    x: { type: "point", domain: labels, label: options.xLabel ?? null, padding: 0.3 },
    y: { label: quantityLabel(options.yLabel, options.title), nice: true },
    color,
    marks,
  })) as ChartFigure;
  return selfDisplaying(
    names.length > 1 ? withLegend(chart, names.map((name, k) => [name, seriesColor(k)]), document) : chart,
  );
}

/**
 * Weights over time, one line per stream (in the given order), e.g. a constructed portfolio's
 * holdings; `weights` is `dates × names` row-major. Lines rather than stacked areas, so hover reads
 * each stream's weight on a date (a stack would show running totals).
 *
 * @example
 * ```ts
 * weightsChart({ dates, names: ["a", "b"], weights: held, title: "Weights (HRP)" });
 * ```
 */
export function weightsChart(
  { dates, names, weights, ...options }:
    & { dates: ArrayLike<number>; names: readonly string[]; weights: ArrayLike<number> }
    & ChartOptions,
): ChartFigure {
  const k = names.length;
  if (weights.length !== dates.length * k) {
    throw new RangeError(
      `weightsChart: weights has ${weights.length} values, expected ${dates.length} × ${k}`,
    );
  }
  const x = toDates(dates);
  const rows: { date: Date; name: string; weight: number }[] = [];
  for (let t = 0; t < dates.length; t++) {
    for (let i = 0; i < k; i++) rows.push({ date: x[t], name: names[i], weight: weights[t * k + i] || 0 });
  }
  const document = options.document ?? plotDocument();
  const chart = Plot.plot(basePlotOptions({ ...options, document }, {
    x: { type: "utc", label: null },
    y: { percent: true, label: quantityLabel(options.yLabel ?? "Weight", undefined, true), nice: true },
    color: { domain: names, range: names.map((_, i) => seriesColor(i)) },
    marks: [
      Plot.ruleY([0], { stroke: chartDefaults.muted }),
      Plot.lineY(rows, { x: "date", y: "weight", z: "name", stroke: "name", strokeWidth: 1.5 }),
    ],
  })) as ChartFigure;
  return selfDisplaying(withLegend(chart, names.map((name, i) => [name, seriesColor(i)]), document));
}
