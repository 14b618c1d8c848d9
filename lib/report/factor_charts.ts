/**
 * The chart builders the factor tear sheet needs beyond `charts.ts`: grouped bars by quantile and
 * period, a series with an error band and its moving average, a normal Q-Q plot, plain value lines
 * over dates, and paths over an event window. Each composes Plot marks with the shared theme
 * (`chart_theme.ts`), renders to one `<svg>` and displays itself in notebooks.
 */

import * as Plot from "@observablehq/plot";
import { asFloat64, rollingMean, toDates } from "./chart_data.ts";
import {
  basePlotOptions,
  chartDefaults,
  type ChartFigure,
  type ChartOptions,
  plotDocument,
  quantityLabel,
  seriesColor,
  withLegend,
  yQuantity,
} from "./chart_theme.ts";
import { columnSpec, formatQuantity } from "./format.ts";
import { selfDisplaying } from "./render.ts";

/** One Plot figure with a swatch legend when there are several named series. */
function withNames(chart: ChartFigure, names: readonly string[], document: Document): ChartFigure {
  return selfDisplaying(
    names.length > 1 ? withLegend(chart, names.map((name, k) => [name, seriesColor(k)]), document) : chart,
  );
}

/**
 * Named series over shared labels as long rows `{ label, name, value }` (NaN values left out), each
 * series checked to have one value per label; `chart` names the builder in errors.
 *
 * @example
 * ```ts
 * labelledRows("groupedBarChart", ["Q1", "Q2"], { "1D": [1, NaN] }).rows; // => [{ label: "Q1", name: "1D", value: 1 }]
 * ```
 */
export function labelledRows(
  chart: string,
  labels: readonly string[],
  series: Readonly<Record<string, ArrayLike<number>>>,
): { names: string[]; rows: { label: string; name: string; value: number }[] } {
  const names = Object.keys(series);
  if (names.length === 0) throw new RangeError(`${chart}: series is empty`);
  const rows: { label: string; name: string; value: number }[] = [];
  for (const name of names) {
    if (series[name].length !== labels.length) {
      throw new RangeError(
        `${chart}: series "${name}" has ${series[name].length} values, expected ${labels.length}`,
      );
    }
    labels.forEach((label, k) => {
      if (Number.isFinite(series[name][k])) rows.push({ label, name, value: series[name][k] });
    });
  }
  return { names, rows };
}

/**
 * Grouped vertical bars: one group per label (e.g. quantile), one coloured bar per series (e.g.
 * forward-return period) within it, a zero rule and a legend, e.g. mean return by quantile in bps
 * per period; `percent` for fractions (yearly returns). NaN bars are left out.
 *
 * @example
 * ```ts
 * groupedBarChart({ labels: ["Q1", "Q2"], series: { "1D": [-2.1, 3.4], "5D": [-1.9, 3.0] }, title: "Mean return (bps)" });
 * ```
 */
export function groupedBarChart(
  { labels, series, percent = false, ...options }:
    & { labels: readonly string[]; series: Readonly<Record<string, ArrayLike<number>>>; percent?: boolean }
    & ChartOptions,
): ChartFigure {
  const { names, rows } = labelledRows("groupedBarChart", labels, series);
  const document = options.document ?? plotDocument();
  const spec = columnSpec(percent ? "percent" : "number", rows.map((r) => r.value), undefined, {
    distinct: false,
  });
  const title = (r: { label: string; name: string; value: number }) =>
    `${r.label} · ${r.name}: ${formatQuantity(r.value, spec)}`;
  const chart = Plot.plot(basePlotOptions({ ...options, document }, {
    fx: { domain: labels, label: options.xLabel ?? null, padding: 0.15 },
    x: { domain: names, axis: null, padding: 0.1 },
    y: { percent, label: quantityLabel(options.yLabel, options.title, percent), nice: true },
    color: { domain: names, range: names.map((_, k) => seriesColor(k)) },
    grid: false,
    marks: [
      Plot.barY(rows, { fx: "label", x: "name", y: "value", fill: "name", title }),
      Plot.ruleY([0], { stroke: "currentColor" }),
    ],
  })) as ChartFigure;
  return withNames(chart, names, document);
}

/**
 * A series over dates with an error band `values ± band` (e.g. the top-minus-bottom spread ± one
 * standard error), its trailing `window`-period mean, and a zero rule; the y axis is clipped to the
 * 95th percentile of |values| as Alphalens does, so a few outliers do not flatten the chart.
 *
 * @example
 * ```ts
 * bandChart({ dates, values: spreadBps, band: stdErrBps, window: 22, title: "Top minus bottom (bps)" });
 * ```
 */
export function bandChart(
  { dates, values, band, window = 22, ...options }:
    & { dates: ArrayLike<number>; values: ArrayLike<number>; band: ArrayLike<number>; window?: number }
    & ChartOptions,
): ChartFigure {
  if (values.length !== dates.length || band.length !== dates.length) {
    throw new RangeError(`bandChart: values and band need ${dates.length} entries (one per date)`);
  }
  const x = toDates(dates);
  const y = asFloat64(values);
  const lower = Float64Array.from(y, (v, k) => v - band[k]),
    upper = Float64Array.from(y, (v, k) => v + band[k]);
  const smooth = rollingMean(y, window);
  const magnitudes = Array.from(y).filter(Number.isFinite).map(Math.abs).sort((a, b) => a - b);
  const limit = magnitudes.length ? magnitudes[Math.floor(0.95 * (magnitudes.length - 1))] || 1 : 1;
  const document = options.document ?? plotDocument();
  const chart = Plot.plot(basePlotOptions({ ...options, document }, {
    x: { type: "utc", label: null },
    y: { label: quantityLabel(options.yLabel, options.title), domain: [-limit, limit], clamp: true },
    marks: [
      Plot.areaY(y, { x, y1: lower, y2: upper, fill: chartDefaults.positive, fillOpacity: 0.18 }),
      Plot.lineY(y, { x, y, stroke: chartDefaults.muted, strokeWidth: 0.8 }),
      Plot.lineY(smooth, { x, y: smooth, stroke: chartDefaults.negative, strokeWidth: 1.8 }),
      Plot.ruleY([0], { stroke: "currentColor" }),
    ],
  })) as ChartFigure;
  return selfDisplaying(withLegend(
    yQuantity(chart, "number"),
    [["per date", chartDefaults.muted], [`${window}-period mean`, chartDefaults.negative], [
      "± 1 std. error",
      chartDefaults.positive,
    ]],
    document,
  ));
}

/**
 * Normal Q-Q plot: observed (standardised) quantiles against theoretical normal quantiles, as dots,
 * with the 45° line a normal sample would follow.
 *
 * @example
 * ```ts
 * qqChart({ ...icQuantiles(ic), title: "IC normal Q-Q" });
 * ```
 */
export function qqChart(
  { theoretical, sample, ...options }:
    & { theoretical: ArrayLike<number>; sample: ArrayLike<number> }
    & ChartOptions,
): ChartFigure {
  if (theoretical.length !== sample.length) {
    throw new RangeError("qqChart: theoretical and sample differ in length");
  }
  const tx = asFloat64(theoretical), sy = asFloat64(sample);
  let lo = -3, hi = 3;
  for (let k = 0; k < tx.length; k++) {
    lo = Math.min(lo, tx[k], sy[k]);
    hi = Math.max(hi, tx[k], sy[k]);
  }
  return selfDisplaying(Plot.plot(basePlotOptions(options, {
    x: { label: "normal quantile", domain: [lo, hi] },
    y: { label: "observed quantile", domain: [lo, hi] },
    marks: [
      Plot.line([[lo, lo], [hi, hi]], {
        stroke: chartDefaults.negative,
        strokeDasharray: "4,3",
        ariaDescription: "reference",
      }),
      Plot.dot(tx, { x: tx, y: sy, r: 1.6, fill: chartDefaults.positive, fillOpacity: 0.6 }),
    ],
  })) as ChartFigure);
}

/**
 * Lines of named series over dates with a rule at `ruleAt` (default 0), e.g. the factor rank
 * autocorrelation or a rolling Sharpe; `percent` for fractions (rolling volatility, daily returns),
 * `kind` names the quantity otherwise (`ratio`, … for hover); NaN leaves a gap.
 *
 * @example
 * ```ts
 * valueLinesChart({ dates, series: { "1D": autocorrelation }, title: "Factor rank autocorrelation" });
 * ```
 */
export function valueLinesChart(
  { dates, series, ruleAt = 0, percent = false, kind = "number", ...options }:
    & {
      dates: ArrayLike<number>;
      series: Readonly<Record<string, ArrayLike<number>>>;
      ruleAt?: number;
      percent?: boolean;
      kind?: string;
    }
    & ChartOptions,
): ChartFigure {
  const names = Object.keys(series);
  if (names.length === 0) throw new RangeError("valueLinesChart: series is empty");
  const x = toDates(dates);
  const document = options.document ?? plotDocument();
  const chart = Plot.plot(basePlotOptions({ ...options, document }, {
    x: { type: "utc", label: null },
    y: { percent, label: quantityLabel(options.yLabel, options.title, percent), nice: true },
    marks: [
      Plot.ruleY([ruleAt], { stroke: chartDefaults.muted }),
      ...names.map((name, k) => {
        if (series[name].length !== dates.length) {
          throw new RangeError(
            `valueLinesChart: series "${name}" has ${series[name].length} values, expected ${dates.length}`,
          );
        }
        const y = asFloat64(series[name]);
        return Plot.lineY(y, { x, y, stroke: seriesColor(k), strokeWidth: 1.2 });
      }),
    ],
  })) as ChartFigure;
  return withNames(percent ? chart : yQuantity(chart, kind), names, document);
}

/**
 * Paths over an event window: one line with dots per named series against integer offsets (bars
 * before and after the event at 0, marked by a dashed rule), e.g. the mean cumulative return of each
 * quantile around the factor date, in bps.
 *
 * @example
 * ```ts
 * eventChart({ offsets: [-2, -1, 0, 1, 2], series: { Q1: [...], Q5: [...] }, title: "Around the factor date (bps)" });
 * ```
 */
export function eventChart(
  { offsets, series, ...options }:
    & { offsets: ArrayLike<number>; series: Readonly<Record<string, ArrayLike<number>>> }
    & ChartOptions,
): ChartFigure {
  const names = Object.keys(series);
  if (names.length === 0) throw new RangeError("eventChart: series is empty");
  const x = Array.from(offsets);
  const document = options.document ?? plotDocument();
  const chart = Plot.plot(basePlotOptions({ ...options, document }, {
    x: {
      label: options.xLabel ?? "bars from the factor date",
      ticks: x.length <= 25 ? x : undefined,
      tickFormat: "d",
    },
    y: { label: quantityLabel(options.yLabel, options.title), nice: true },
    marks: [
      Plot.ruleY([0], { stroke: chartDefaults.muted }),
      Plot.ruleX([0], { stroke: "currentColor", strokeDasharray: "4,3" }),
      ...names.flatMap((name, k) => {
        const y = asFloat64(series[name]);
        if (y.length !== x.length) {
          throw new RangeError(`eventChart: series "${name}" has ${y.length} values, expected ${x.length}`);
        }
        return [
          Plot.lineY(y, { x, y, stroke: seriesColor(k), strokeWidth: 1.6 }),
          Plot.dot(y, { x, y, fill: seriesColor(k), r: 2.2 }),
        ];
      }),
    ],
  })) as ChartFigure;
  return withNames(chart, names, document);
}
