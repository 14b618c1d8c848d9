/**
 * Chart builders: each composes Observable Plot marks into one figure from plain columnar inputs
 * (dates as epoch-ms `Float64Array`, values as `Float64Array`, NaN = missing). The same figures show
 * inline in notebooks (`show`, or as a cell's last expression) and embed in tear sheets (`renderSvg`).
 * Every chart renders to exactly one `<svg>`; legends are HTML swatches.
 *
 * @example
 * ```ts
 * import { equityChart, renderSvg } from "quantnb";
 * const svg = renderSvg(equityChart({ dates, series: { "Top − bottom": cumulative } }));
 * ```
 */

import * as Plot from "@observablehq/plot";
import { asFloat64, rollingMean, toDates } from "./chart_data.ts";
import { selfDisplaying } from "./render.ts";
import {
  basePlotOptions,
  chartDefaults,
  type ChartFigure,
  type ChartOptions,
  plotDocument,
  seriesColor,
  withLegend,
} from "./chart_theme.ts";

/** Named series over one date axis: `{ name: values }`, each as long as `dates`. */
export type SeriesRecord = Readonly<Record<string, ArrayLike<number>>>;

function checkLength(what: string, values: ArrayLike<number>, expected: number): void {
  if (values.length !== expected) {
    throw new RangeError(`${what} has ${values.length} values, expected ${expected} (one per date)`);
  }
}

/** Lines for several named series over dates, with an HTML legend when there is more than one. */
function seriesLines(
  { dates, series, options, y, extraMarks = [] }: {
    dates: ArrayLike<number>;
    series: SeriesRecord;
    options: ChartOptions;
    y: Plot.ScaleOptions;
    extraMarks?: Plot.Markish[];
  },
): ChartFigure {
  const names = Object.keys(series);
  if (names.length === 0) throw new RangeError("series is empty: pass at least one { name: values }");
  const x = toDates(dates);
  const lines = names.map((name, k) => {
    checkLength(`series "${name}"`, series[name], dates.length);
    const y = asFloat64(series[name]);
    return Plot.lineY(y, { x, y, stroke: seriesColor(k), strokeWidth: 1.5 });
  });
  const document = options.document ?? plotDocument();
  const chart = Plot.plot(
    basePlotOptions({ ...options, document }, {
      x: { type: "utc", label: null },
      y,
      marks: [...extraMarks, ...lines],
    }),
  ) as ChartFigure;
  return names.length > 1
    ? withLegend(chart, names.map((name, k) => [name, seriesColor(k)]), document)
    : chart;
}

/**
 * Cumulative-return lines (one per named series) on a percent axis with a zero rule, e.g. strategy
 * vs benchmark, or each fractile. Inputs are cumulative simple returns (`0.25` = +25%).
 *
 * @example
 * ```ts
 * equityChart({ dates, series: { strategy: cum, benchmark: cumBench }, title: "Cumulative return" });
 * ```
 */
export function equityChart(
  { dates, series, title = "Cumulative return", ...options }:
    & { dates: ArrayLike<number>; series: SeriesRecord }
    & ChartOptions,
): ChartFigure {
  return seriesLines({
    dates,
    series,
    options: { title, ...options },
    y: { percent: true, label: "(%)" },
    extraMarks: [Plot.ruleY([0], { stroke: chartDefaults.muted })],
  });
}

/**
 * Price lines on a log y axis (one per named series), for prices or wealth indices (values > 0;
 * others are left out).
 *
 * @example
 * ```ts
 * priceChart({ dates, series: { PETR4: close } });
 * ```
 */
export function priceChart(
  { dates, series, title = "Price", ...options }:
    & { dates: ArrayLike<number>; series: SeriesRecord }
    & ChartOptions,
): ChartFigure {
  return seriesLines({ dates, series, options: { title, ...options }, y: { type: "log", label: null } });
}

/**
 * Underwater (drawdown) chart: a filled area from 0 down to the drawdown, percent axis. Values must
 * be ≤ 0 (as `drawdownSeries` returns); NaN leaves a gap.
 *
 * @example
 * ```ts
 * drawdownChart({ dates, drawdown: drawdownSeries(returns) });
 * ```
 */
export function drawdownChart(
  { dates, drawdown, title = "Drawdown", ...options }:
    & { dates: ArrayLike<number>; drawdown: ArrayLike<number> }
    & ChartOptions,
): ChartFigure {
  checkLength("drawdown", drawdown, dates.length);
  let low = 0;
  for (let t = 0; t < drawdown.length; t++) {
    if (drawdown[t] > 1e-12) {
      throw new RangeError(`drawdown[${t}] = ${drawdown[t]}, expected ≤ 0 (use drawdownSeries(returns))`);
    }
    if (drawdown[t] < low) low = drawdown[t];
  }
  const x = toDates(dates);
  const y = asFloat64(drawdown);
  const color = chartDefaults.negative;
  return selfDisplaying(Plot.plot(basePlotOptions({ title, ...options }, {
    x: { type: "utc", label: null },
    y: { percent: true, label: "(%)", domain: [low * 100 || -1, 0], nice: true },
    marks: [
      Plot.areaY(y, { x, y, fill: color, fillOpacity: 0.3 }),
      Plot.lineY(y, { x, y, stroke: color, strokeWidth: 1 }),
      Plot.ruleY([0], { stroke: chartDefaults.muted }),
    ],
  })) as ChartFigure);
}

/**
 * Vertical bars for labelled values (Sharpe by year, mean return by fractile, correlations), in the
 * given label order, coloured by sign, with value labels when there are at most 24 bars. `percent`
 * formats axis and labels as percentages.
 *
 * @example
 * ```ts
 * barChart({ labels: ["2022", "2023"], values: new Float64Array([0.8, 1.4]), title: "Sharpe by year" });
 * ```
 */
export function barChart(
  { labels, values, percent = false, ...options }:
    & { labels: readonly string[]; values: ArrayLike<number>; percent?: boolean }
    & ChartOptions,
): ChartFigure {
  if (labels.length !== values.length) {
    throw new RangeError(`barChart: ${labels.length} labels but ${values.length} values`);
  }
  const index = Array.from({ length: labels.length }, (_, k) => k);
  const y = (k: number) => values[k];
  const x = (k: number) => labels[k];
  const fill = (k: number) => (values[k] >= 0 ? chartDefaults.positive : chartDefaults.negative);
  const format = (k: number) => percent ? `${(values[k] * 100).toFixed(1)}%` : values[k].toFixed(2);
  const rotate = labels.length > 12 || labels.some((label) => label.length > 8);
  const marks: Plot.Markish[] = [
    Plot.barY(index, { x, y, fill }),
    Plot.ruleY([0], { stroke: "currentColor" }),
  ];
  if (labels.length <= 24) {
    marks.push(
      Plot.text(index, { filter: (k: number) => values[k] >= 0, x, y, text: format, dy: -7 }),
      Plot.text(index, { filter: (k: number) => values[k] < 0, x, y, text: format, dy: 8 }),
    );
  }
  return selfDisplaying(Plot.plot(basePlotOptions(options, {
    x: { domain: labels, label: null, tickRotate: rotate ? -35 : 0, padding: 0.2 },
    y: { percent, label: percent ? "(%)" : null, nice: true, insetTop: 14, insetBottom: 14 },
    marginBottom: rotate ? 70 : chartDefaults.marginBottom,
    grid: false,
    marks,
  })) as ChartFigure);
}

/**
 * Information coefficient over time: each period's IC as a thin grey rule from 0, and its trailing
 * `window`-period mean (`rollingMean`) as a line, with a legend naming both.
 *
 * @example
 * ```ts
 * icChart({ dates, ic, window: 63 });
 * ```
 */
export function icChart(
  { dates, ic, window = 63, title = "Information coefficient", ...options }:
    & { dates: ArrayLike<number>; ic: ArrayLike<number>; window?: number }
    & ChartOptions,
): ChartFigure {
  checkLength("ic", ic, dates.length);
  const x = toDates(dates);
  const y = asFloat64(ic);
  const smooth = rollingMean(y, window);
  const document = options.document ?? plotDocument();
  const chart = Plot.plot(basePlotOptions({ title, ...options, document }, {
    x: { type: "utc", label: null },
    y: { label: null, nice: true },
    marks: [
      Plot.ruleX(y, { x, y1: 0, y2: y, stroke: chartDefaults.muted, strokeOpacity: 0.7 }),
      Plot.ruleY([0], { stroke: "currentColor" }),
      Plot.lineY(smooth, { x, y: smooth, stroke: chartDefaults.positive, strokeWidth: 2 }),
    ],
  })) as ChartFigure;
  return withLegend(
    chart,
    [["IC", chartDefaults.muted], [`${window}-period mean`, chartDefaults.positive]],
    document,
  );
}

/**
 * Histogram of the finite values in `bins` bins (counts), with a dashed rule at the mean, e.g. the IC
 * distribution. `percent` formats the x axis as percentages.
 *
 * @example
 * ```ts
 * histogramChart({ values: ic, bins: 40, title: "IC distribution" });
 * ```
 */
export function histogramChart(
  { values, bins = 30, percent = false, ...options }:
    & { values: ArrayLike<number>; bins?: number; percent?: boolean }
    & ChartOptions,
): ChartFigure {
  const finite = Float64Array.from(values).filter((v) => Number.isFinite(v));
  if (finite.length === 0) throw new RangeError("histogramChart: no finite values to bin");
  let sum = 0;
  for (let k = 0; k < finite.length; k++) sum += finite[k];
  const mean = sum / finite.length;
  return selfDisplaying(Plot.plot(basePlotOptions(options, {
    x: { percent, label: null, nice: true },
    y: { label: "count", nice: true },
    marks: [
      Plot.rectY(finite, {
        ...Plot.binX({ y: "count" }, { x: (v: number) => v, thresholds: bins }),
        fill: chartDefaults.positive,
        inset: 0.5,
      }),
      Plot.ruleY([0], { stroke: "currentColor" }),
      Plot.ruleX([mean], { stroke: chartDefaults.negative, strokeDasharray: "4,3", strokeWidth: 1.5 }),
    ],
  })) as ChartFigure);
}

/**
 * Heatmap of a row-major `rows × cols` matrix with each value written in its cell, on a diverging
 * colour scale centred at 0 (red negative, green positive; `scheme` to change), e.g. monthly returns
 * (rows = years, cols = months, `percent`) or a correlation matrix. NaN cells stay blank.
 *
 * @example
 * ```ts
 * heatmapChart({ rows: ["2023", "2024"], cols: months, values: monthly, percent: true });
 * ```
 */
export function heatmapChart(
  { rows, cols, values, percent = false, scheme = "rdylgn", ...options }:
    & {
      rows: readonly string[];
      cols: readonly string[];
      values: ArrayLike<number>;
      percent?: boolean;
      scheme?: string;
    }
    & ChartOptions,
): ChartFigure {
  const n = rows.length * cols.length;
  if (values.length !== n) {
    throw new RangeError(`heatmapChart: values has ${values.length} entries, expected rows × cols = ${n}`);
  }
  let extent = 0;
  for (let k = 0; k < n; k++) if (Math.abs(values[k]) > extent) extent = Math.abs(values[k]);
  extent ||= 1;
  const index = Array.from({ length: n }, (_, k) => k).filter((k) => Number.isFinite(values[k]));
  const x = (k: number) => cols[k % cols.length];
  const y = (k: number) => rows[Math.floor(k / cols.length)];
  const fill = (k: number) => values[k];
  const text = (k: number) => percent ? (values[k] * 100).toFixed(1) : values[k].toFixed(2);
  const ink = (k: number) => (Math.abs(values[k]) > 0.65 * extent ? "white" : "black");
  // Room for the labels (≈ 6.5 px per character at the 11 px font): the longest row label on the
  // left; column labels turn −40° when they are wider than their cells.
  const labelWidth = (labels: readonly string[]) => 6.5 * Math.max(0, ...labels.map((l) => l.length));
  const marginLeft = Math.max(chartDefaults.marginLeft, 12 + Math.ceil(labelWidth(rows)));
  const cell = ((options.width ?? chartDefaults.width) - marginLeft - chartDefaults.marginRight) /
    cols.length;
  const rotate = labelWidth(cols) > cell - 4;
  const marginTop = rotate ? 20 + Math.ceil(0.65 * labelWidth(cols)) : 30;
  const marginRight = rotate
    ? Math.max(chartDefaults.marginRight, Math.ceil(0.77 * labelWidth(cols) - cell / 2))
    : undefined;
  const { height = marginTop + 60 + 22 * rows.length } = options;
  return selfDisplaying(Plot.plot(basePlotOptions({ ...options, height }, {
    x: { domain: cols, label: null, axis: "top", tickSize: 0, tickRotate: rotate ? -40 : 0 },
    y: { domain: rows, label: null, tickSize: 0 },
    color: { type: "diverging", scheme, domain: [-extent, extent], pivot: 0 },
    marginLeft,
    marginTop,
    ...(marginRight === undefined ? {} : { marginRight }),
    marginBottom: 8,
    grid: false,
    marks: [
      Plot.cell(index, { x, y, fill, inset: 0.5 }),
      Plot.text(index, { x, y, text, fill: ink, fontSize: 10 }),
    ],
  })) as ChartFigure);
}
