/**
 * The chart the portfolio tear sheet needs that `charts.ts` lacks: amounts per calendar month stacked
 * by component (commission, slippage, borrow, taxes), on a time axis. Built from the shared theme, so
 * it renders to one `<svg>` with an HTML legend like every builder.
 */
import * as Plot from "@observablehq/plot";
import {
  basePlotOptions,
  type ChartFigure,
  type ChartOptions,
  plotDocument,
  quantityLabel,
  seriesColor,
  withLegend,
} from "./chart_theme.ts";
import { selfDisplaying } from "./render.ts";

/**
 * Stacked monthly bars: one bar per month (`months` as epoch ms of each month's first day), one
 * stacked segment per named component (values ≥ 0; NaN and negatives are drawn as 0), each component
 * in the palette's order, with a legend when there are several; `percent` for fractions (turnover).
 *
 * @example
 * ```ts
 * monthlyStackChart({ months, series: { commission, slippage, taxes }, title: "Costs and taxes by month" });
 * ```
 */
export function monthlyStackChart(
  { months, series, title = "By month", percent = false, ...options }:
    & { months: ArrayLike<number>; series: Readonly<Record<string, ArrayLike<number>>>; percent?: boolean }
    & ChartOptions,
): ChartFigure {
  const names = Object.keys(series);
  if (names.length === 0) throw new RangeError("monthlyStackChart: series is empty");
  const rows: { x1: Date; x2: Date; y: number; name: string }[] = [];
  names.forEach((name) => {
    const values = series[name];
    if (values.length !== months.length) {
      throw new RangeError(
        `monthlyStackChart: series "${name}" has ${values.length} values, expected ${months.length}`,
      );
    }
    for (let k = 0; k < months.length; k++) {
      const start = new Date(months[k]);
      const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
      rows.push({ x1: start, x2: end, y: values[k] > 0 ? values[k] : 0, name });
    }
  });
  const document = options.document ?? plotDocument();
  const chart = Plot.plot(basePlotOptions({ title, ...options, document }, {
    x: { type: "utc", label: null },
    // the axis names the quantity: `yLabel`, else the title's ("Turnover by month" → "Turnover (%)")
    y: percent
      ? { percent: true, label: quantityLabel(options.yLabel, title, true), nice: true }
      : { label: quantityLabel(options.yLabel, title), nice: true, tickFormat: "~s" },
    color: { domain: names, range: names.map((_, k) => seriesColor(k)) },
    marks: [
      Plot.rectY(
        rows,
        Plot.stackY({ x1: "x1", x2: "x2", y: "y", fill: "name", order: names, insetLeft: 0.5 }),
      ),
      Plot.ruleY([0], { stroke: "currentColor" }),
    ],
  })) as ChartFigure;
  return selfDisplaying(
    names.length > 1 ? withLegend(chart, names.map((name, k) => [name, seriesColor(k)]), document) : chart,
  );
}
