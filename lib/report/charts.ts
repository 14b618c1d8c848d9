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
  quantityLabel,
  seriesColor,
  withLegend,
  yQuantity,
} from "./chart_theme.ts";
import { columnSpec, formatQuantity } from "./format.ts";

/** Named series over one date axis: `{ name: values }`, each as long as `dates`. */
export type SeriesRecord = Readonly<Record<string, ArrayLike<number>>>;

function checkLength(what: string, values: ArrayLike<number>, expected: number): void {
  if (values.length !== expected) {
    throw new RangeError(`${what} has ${values.length} values, expected ${expected} (one per date)`);
  }
}

/** A stretch of dates shaded behind a chart's lines (e.g. a drawdown from peak to recovery). */
export interface ShadedPeriod {
  /** First date, epoch ms. */
  readonly from: number;
  /** Last date, epoch ms (the last date of the data when still open). */
  readonly to: number;
}

/** Translucent bands behind the lines over each period (drawn first, so lines stay on top). */
function shadeMarks(periods: readonly ShadedPeriod[] | undefined): Plot.Markish[] {
  if (!periods?.length) return [];
  return [Plot.rectX(periods, {
    x1: (p: ShadedPeriod) => new Date(p.from),
    x2: (p: ShadedPeriod) => new Date(p.to),
    fill: chartDefaults.negative,
    fillOpacity: 0.1,
  })];
}

/** Lines for several named series over dates, with an HTML legend when there is more than one. */
function seriesLines(
  { dates, series, options, y, extraMarks = [], kind, dashed = [] }: {
    dates: ArrayLike<number>;
    series: SeriesRecord;
    options: ChartOptions;
    y: Plot.ScaleOptions;
    extraMarks?: Plot.Markish[];
    /** Kind of the y values for hover when the axis is not percent (`yQuantity`). */
    kind?: string;
    /** Series (by position) drawn dashed, to tell them apart where they overlap. */
    dashed?: readonly number[];
  },
): ChartFigure {
  const names = Object.keys(series);
  if (names.length === 0) throw new RangeError("series is empty: pass at least one { name: values }");
  const x = toDates(dates);
  const lines = names.map((name, k) => {
    checkLength(`series "${name}"`, series[name], dates.length);
    const y = asFloat64(series[name]);
    const dash = dashed.includes(k) ? { strokeDasharray: "5,3" } : {};
    return Plot.lineY(y, { x, y, stroke: seriesColor(k), strokeWidth: 1.5, ...dash });
  });
  const document = options.document ?? plotDocument();
  const chart = Plot.plot(
    basePlotOptions({ ...options, document }, {
      x: { type: "utc", label: null },
      y,
      marks: [...extraMarks, ...lines],
    }),
  ) as ChartFigure;
  if (kind) yQuantity(chart, kind);
  return names.length > 1
    ? withLegend(chart, names.map((name, k) => [name, seriesColor(k)]), document)
    : selfDisplaying(chart);
}

/** How `equityChart` draws its y axis: return in percent, growth of 1 on a log axis, or the better of the two. */
export type EquityScale = "linear" | "log" | "auto";

/**
 * Whether a log axis reads better for these cumulative returns: the wealth they reach (1 + r) spans
 * more than a factor of 2.5 across series and dates, so a linear axis would flatten the smaller ones.
 *
 * @example
 * ```ts
 * prefersLog({ gross: [0, 9], net: [0, 1.2] }); // => true  (wealth 1 … 10)
 * prefersLog({ net: [0, 0.3] }); // => false
 * ```
 */
export function prefersLog(series: SeriesRecord): boolean {
  let lo = Infinity, hi = -Infinity;
  for (const values of Object.values(series)) {
    for (let t = 0; t < values.length; t++) {
      const w = 1 + values[t];
      if (Number.isFinite(w) && w > 0) {
        if (w < lo) lo = w;
        if (w > hi) hi = w;
      }
    }
  }
  return hi / lo > 2.5;
}

/** Wealth indices `1 + r` of cumulative returns (NaN where the wealth is not positive: no log of it). */
function wealth(series: SeriesRecord): Record<string, Float64Array> {
  return Object.fromEntries(
    Object.entries(series).map((
      [name, values],
    ) => [name, Float64Array.from(values, (r) => (1 + r > 0 ? 1 + r : NaN))]),
  );
}

const percentTick = (w: number) => formatQuantity(w - 1, { kind: "percent", decimals: 0 });

/** Wealth levels a log axis of cumulative returns ticks at: round returns, about 6 of them in range. */
function logTicks(series: Record<string, Float64Array>): number[] {
  let lo = Infinity, hi = -Infinity;
  for (const values of Object.values(series)) {
    for (const w of values) {
      if (w > 0) {
        lo = Math.min(lo, w);
        hi = Math.max(hi, w);
      }
    }
  }
  if (!(hi > lo)) return [1];
  const levels: number[] = [];
  for (let e = -3; e <= 6; e++) for (const m of [1, 1.5, 2, 3, 5]) levels.push(m * 10 ** e);
  // only inside the data's range: Plot's log domain is that range, and a tick past it is drawn outside
  // the frame, over the axis label
  const inRange = levels.filter((w) => w >= lo && w <= hi);
  const step = Math.max(1, Math.ceil(inRange.length / 7));
  const ticks = inRange.filter((_, k) => k % step === 0);
  return ticks.includes(1) || lo > 1 || hi < 1 ? ticks : [...ticks, 1].sort((a, b) => a - b);
}

/**
 * Cumulative-return lines (one per named series), e.g. strategy vs benchmark, net vs gross, or each
 * fractile. Inputs are cumulative simple returns (`0.25` = +25%). `scale: "linear"` draws them on a
 * percent axis with a zero rule; `"log"` draws the growth of 1 (`1 + r`) on a log axis labelled in
 * cumulative return, so a series that gained 200% and one that gained 2,000% both show their slope;
 * `"auto"` (default) takes log when `prefersLog`. `shade` bands periods (e.g. the worst drawdowns)
 * behind the lines; `dashed` draws the series at those positions dashed.
 *
 * @example
 * ```ts
 * equityChart({ dates, series: { strategy: cum, benchmark: cumBench }, title: "Cumulative return" });
 * ```
 */
export function equityChart(
  { dates, series, title = "Cumulative return", scale = "auto", shade, dashed, ...options }:
    & {
      dates: ArrayLike<number>;
      series: SeriesRecord;
      scale?: EquityScale;
      shade?: readonly ShadedPeriod[];
      dashed?: readonly number[];
    }
    & ChartOptions,
): ChartFigure {
  const log = scale === "log" || (scale === "auto" && prefersLog(series));
  const label = options.yLabel ?? "Cumulative return";
  if (log) {
    const growth = wealth(series);
    return seriesLines({
      dates,
      series: growth,
      options: { title, ...options },
      y: {
        type: "log",
        label: `${label.replace(/\s*\(%\)$/, "")} (%, log scale)`,
        ticks: logTicks(growth),
        tickFormat: percentTick,
      },
      extraMarks: [...shadeMarks(shade), Plot.ruleY([1], { stroke: chartDefaults.muted })],
      kind: "growth",
      dashed,
    });
  }
  return seriesLines({
    dates,
    series,
    options: { title, ...options },
    y: { percent: true, label: quantityLabel(label, undefined, true) },
    extraMarks: [...shadeMarks(shade), Plot.ruleY([0], { stroke: chartDefaults.muted })],
    dashed,
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
  const label = quantityLabel(options.yLabel, title);
  return seriesLines({
    dates,
    series,
    options: { title, ...options },
    y: { type: "log", label: label ? `${label} (log scale)` : "(log scale)" },
    kind: "number",
  });
}

/**
 * Underwater (drawdown) chart on a percent axis: the first series as a filled area from 0 down to its
 * drawdown, any further series (e.g. gross next to net) as lines in their own colours, dashed, so
 * overlapping drawdowns stay distinct. Pass `drawdown` for one series or `series` for several; values
 * must be ≤ 0 (as `drawdownSeries` returns); NaN leaves a gap.
 *
 * @example
 * ```ts
 * drawdownChart({ dates, drawdown: drawdownSeries(returns) });
 * drawdownChart({ dates, series: { Net: daily.drawdown, Gross: drawdownSeries(daily.gross) } });
 * ```
 */
export function drawdownChart(
  { dates, drawdown, series, title = "Drawdown", ...options }:
    & { dates: ArrayLike<number>; drawdown?: ArrayLike<number>; series?: SeriesRecord }
    & ChartOptions,
): ChartFigure {
  const all: SeriesRecord = series ?? (drawdown ? { Drawdown: drawdown } : {});
  const names = Object.keys(all);
  if (names.length === 0) throw new RangeError("drawdownChart: pass drawdown or series");
  let low = 0;
  for (const name of names) {
    const values = all[name];
    checkLength(names.length > 1 ? `series "${name}"` : "drawdown", values, dates.length);
    for (let t = 0; t < values.length; t++) {
      if (values[t] > 1e-12) {
        throw new RangeError(`drawdown[${t}] = ${values[t]}, expected ≤ 0 (use drawdownSeries(returns))`);
      }
      if (values[t] < low) low = values[t];
    }
  }
  const x = toDates(dates);
  const colors = names.length > 1 ? names.map((_, k) => seriesColor(k)) : [chartDefaults.negative];
  const first = asFloat64(all[names[0]]);
  const marks: Plot.Markish[] = [
    Plot.areaY(first, { x, y: first, fill: colors[0], fillOpacity: 0.3 }),
    Plot.lineY(first, { x, y: first, stroke: colors[0], strokeWidth: 1 }),
    ...names.slice(1).map((name, k) => {
      const y = asFloat64(all[name]);
      return Plot.lineY(y, { x, y, stroke: colors[k + 1], strokeWidth: 1.3, strokeDasharray: "5,3" });
    }),
    Plot.ruleY([0], { stroke: chartDefaults.muted }),
  ];
  const document = options.document ?? plotDocument();
  const chart = Plot.plot(basePlotOptions({ title, ...options, document }, {
    x: { type: "utc", label: null },
    y: {
      percent: true,
      label: quantityLabel(options.yLabel ?? "Drawdown", undefined, true),
      domain: [low * 100 || -1, 0],
      nice: true,
    },
    marks,
  })) as ChartFigure;
  return names.length > 1
    ? withLegend(chart, names.map((name, k) => [name, colors[k]]), document)
    : selfDisplaying(chart);
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
  const spec = percent ? { kind: "percent" as const, decimals: 1 } : { kind: "ratio" as const, decimals: 2 };
  const format = (k: number) => formatQuantity(values[k], spec);
  const tipSpec = columnSpec(percent ? "percent" : "ratio", Array.from(values));
  const title = (k: number) => `${labels[k]}: ${formatQuantity(values[k], tipSpec)}`;
  const rotate = labels.length > 12 || labels.some((label) => label.length > 8);
  const marks: Plot.Markish[] = [
    Plot.barY(index, { x, y, fill, title }),
    Plot.ruleY([0], { stroke: "currentColor" }),
  ];
  if (labels.length <= 24) {
    marks.push(
      Plot.text(index, { filter: (k: number) => values[k] >= 0, x, y, text: format, dy: -7 }),
      Plot.text(index, { filter: (k: number) => values[k] < 0, x, y, text: format, dy: 8 }),
    );
  }
  return selfDisplaying(Plot.plot(basePlotOptions(options, {
    x: { domain: labels, label: options.xLabel ?? null, tickRotate: rotate ? -35 : 0, padding: 0.2 },
    y: {
      percent,
      label: quantityLabel(options.yLabel, options.title, percent),
      nice: true,
      insetTop: 14,
      insetBottom: 14,
    },
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
    y: { label: options.yLabel ?? "Rank IC", nice: true },
    marks: [
      // One path for every date's IC (an area from 0), far lighter than a rule per date.
      Plot.areaY(y, { x, y1: 0, y2: y, fill: chartDefaults.muted, fillOpacity: 0.55 }),
      Plot.ruleY([0], { stroke: "currentColor" }),
      // Invisible: gives hover each date's IC next to the mean (named "IC" by its colour in the legend).
      Plot.lineY(y, { x, y, stroke: chartDefaults.muted, strokeOpacity: 0 }),
      Plot.lineY(smooth, { x, y: smooth, stroke: chartDefaults.positive, strokeWidth: 2 }),
    ],
  })) as ChartFigure;
  return withLegend(
    yQuantity(chart, "ratio"),
    [["IC", chartDefaults.muted], [`${window}-period mean`, chartDefaults.positive]],
    document,
  );
}

/**
 * Histogram of the finite values in `bins` equal-width bins from the minimum to the maximum (counts),
 * with a dashed rule at the mean, e.g. the IC or the daily return distribution. `normal` overlays the
 * normal density with the sample's mean and standard deviation (ddof = 1), scaled to counts
 * (`n · binWidth · φ((x − mean) / sd) / sd`). `percent` formats the x axis as percentages.
 *
 * @example
 * ```ts
 * histogramChart({ values: ic, bins: 40, title: "IC distribution" });
 * histogramChart({ values: returns, bins: 50, percent: true, normal: true, title: "Daily returns" });
 * ```
 */
export function histogramChart(
  { values, bins = 30, percent = false, normal = false, ...options }:
    & { values: ArrayLike<number>; bins?: number; percent?: boolean; normal?: boolean }
    & ChartOptions,
): ChartFigure {
  const finite = Float64Array.from(values).filter((v) => Number.isFinite(v));
  if (finite.length === 0) throw new RangeError("histogramChart: no finite values to bin");
  let sum = 0, lo = Infinity, hi = -Infinity;
  for (let k = 0; k < finite.length; k++) {
    sum += finite[k];
    lo = Math.min(lo, finite[k]);
    hi = Math.max(hi, finite[k]);
  }
  const mean = sum / finite.length;
  if (hi === lo) [lo, hi] = [lo - 0.5 * (Math.abs(lo) || 1), hi + 0.5 * (Math.abs(hi) || 1)];
  const width = (hi - lo) / bins;
  // Bin edges from lo to just past hi (Plot keeps values below the last edge, so hi itself counts).
  const thresholds = Array.from(
    { length: bins + 1 },
    (_, k) => (k === bins ? hi + width * 1e-9 : lo + k * width),
  );
  const marks: Plot.Markish[] = [
    Plot.rectY(finite, {
      ...Plot.binX({ y: "count" }, { x: { value: (v: number) => v, thresholds } }),
      fill: chartDefaults.positive,
      inset: 0.5,
    }),
    Plot.ruleY([0], { stroke: "currentColor" }),
    Plot.ruleX([mean], { stroke: chartDefaults.negative, strokeDasharray: "4,3", strokeWidth: 1.5 }),
  ];
  if (normal && finite.length > 1) {
    let ss = 0;
    for (let k = 0; k < finite.length; k++) ss += (finite[k] - mean) ** 2;
    const sd = Math.sqrt(ss / (finite.length - 1));
    if (sd > 0) {
      const grid = Array.from({ length: 121 }, (_, k) => lo + ((hi - lo) * k) / 120);
      const density = grid.map((x) =>
        (finite.length * width * Math.exp(-0.5 * ((x - mean) / sd) ** 2)) / (sd * Math.sqrt(2 * Math.PI))
      );
      marks.push(Plot.line(grid.map((x, k) => [x, density[k]]), {
        stroke: "currentColor",
        strokeWidth: 1.4,
        ariaDescription: "reference",
      }));
    }
  }
  const chart = Plot.plot(basePlotOptions(options, {
    x: {
      percent,
      label: quantityLabel(options.xLabel, options.title, percent),
      domain: percent ? [lo * 100, hi * 100] : [lo, hi],
    },
    y: { label: options.yLabel ?? "Count", nice: true },
    marks,
  })) as ChartFigure;
  return selfDisplaying(yQuantity(chart, "count"));
}

/**
 * Heatmap of a row-major `rows × cols` matrix with each value written in its cell, on a diverging
 * colour scale centred at 0 (red negative, green positive; `scheme` to change), e.g. monthly returns
 * (rows = years, cols = months, `percent`) or a correlation matrix; `xLabel` / `yLabel` name the
 * columns and rows (an axis name each, and in the hover text). NaN cells stay blank.
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
  // axis names (`xLabel` above the column labels, `yLabel` turned along the rows) take a line each
  const { xLabel, yLabel } = options;
  const marginLeft = Math.max(chartDefaults.marginLeft, 12 + Math.ceil(labelWidth(rows))) + (yLabel ? 16 : 0);
  const cell = ((options.width ?? chartDefaults.width) - marginLeft - chartDefaults.marginRight) /
    cols.length;
  const rotate = labelWidth(cols) > cell - 4;
  const marginTop = (rotate ? 20 + Math.ceil(0.65 * labelWidth(cols)) : 30) + (xLabel ? 14 : 0);
  const marginRight = rotate
    ? Math.max(chartDefaults.marginRight, Math.ceil(0.77 * labelWidth(cols) - cell / 2))
    : undefined;
  const { height = marginTop + 60 + 22 * rows.length } = options;
  return selfDisplaying(Plot.plot(basePlotOptions({ ...options, height }, {
    x: {
      domain: cols,
      label: xLabel ?? null,
      labelAnchor: "center",
      axis: "top",
      tickSize: 0,
      tickRotate: rotate ? -40 : 0,
    },
    y: {
      domain: rows,
      label: yLabel ?? null,
      labelAnchor: "center",
      labelOffset: marginLeft - 4,
      labelArrow: "none",
      tickSize: 0,
    },
    color: { type: "diverging", scheme, domain: [-extent, extent], pivot: 0 },
    marginLeft,
    marginTop,
    ...(marginRight === undefined ? {} : { marginRight }),
    marginBottom: 8,
    grid: false,
    marks: [
      Plot.cell(index, {
        x,
        y,
        fill,
        inset: 0.5,
        title: (k: number) =>
          `${yLabel ? `${yLabel} ` : ""}${y(k)} · ${xLabel ? `${xLabel} ` : ""}${x(k)}: ${text(k)}${
            percent ? "%" : ""
          }`,
      }),
      Plot.text(index, { x, y, text, fill: ink, fontSize: 10 }),
    ],
  })) as ChartFigure);
}
