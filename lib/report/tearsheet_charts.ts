/**
 * The one chart tear sheets need that `charts.ts` lacks: a metric against a small numeric axis (Sharpe
 * vs lag), one line with dots per series. Built from the same theme, so it renders to one `<svg>`.
 */
import * as Plot from "@observablehq/plot";
import {
  basePlotOptions,
  chartDefaults,
  type ChartFigure,
  type ChartOptions,
  plotDocument,
  seriesColor,
  withLegend,
} from "./chart_theme.ts";

/**
 * Sharpe (or any value) against lag, one line with labelled dots per named series (e.g. per
 * residualize mode; at each lag the highest value is labelled above its dot, the others below), integer ticks at the given lags, a zero rule, an HTML legend when there are
 * several series. NaN points are left out.
 *
 * @example
 * ```ts
 * lagDecayChart({ lags: [0, 1, 2], series: { off: [1.4, 1.1, 0.9], industry: [1.2, 1.0, 0.8] } });
 * ```
 */
export function lagDecayChart(
  { lags, series, title = "Sharpe by lag", ...options }:
    & { lags: readonly number[]; series: Readonly<Record<string, ArrayLike<number>>> }
    & ChartOptions,
): ChartFigure {
  const names = Object.keys(series);
  if (names.length === 0) throw new RangeError("lagDecayChart: series is empty");
  const marks: Plot.Markish[] = [Plot.ruleY([0], { stroke: chartDefaults.muted })];
  const top = lags.map((_, j) => Math.max(...names.map((name) => series[name][j]).filter(Number.isFinite)));
  names.forEach((name, k) => {
    const values = series[name];
    if (values.length !== lags.length) {
      throw new RangeError(
        `lagDecayChart: series "${name}" has ${values.length} values, expected ${lags.length}`,
      );
    }
    const index = lags.map((_, j) => j).filter((j) => Number.isFinite(values[j]));
    const x = (j: number) => lags[j], y = (j: number) => values[j];
    const text = (j: number) => values[j].toFixed(2);
    const color = seriesColor(k);
    marks.push(
      Plot.lineY(index, { x, y, stroke: color, strokeWidth: 1.8 }),
      Plot.dot(index, { x, y, fill: color, r: 3.5 }),
      Plot.text(index, { filter: (j: number) => values[j] === top[j], x, y, text, dy: -10, fill: color }),
      Plot.text(index, { filter: (j: number) => values[j] !== top[j], x, y, text, dy: 14, fill: color }),
    );
  });
  const document = options.document ?? plotDocument();
  const chart = Plot.plot(basePlotOptions({ title, ...options, document }, {
    x: { label: "lag (days)", ticks: lags, tickFormat: "d", inset: 20 },
    y: { label: "Sharpe", nice: true, insetTop: 14, insetBottom: 20 },
    marks,
  })) as ChartFigure;
  return names.length > 1
    ? withLegend(chart, names.map((name, k) => [name, seriesColor(k)]), document)
    : chart;
}
