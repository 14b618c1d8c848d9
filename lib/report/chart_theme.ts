/**
 * Chart defaults shared by every builder in `charts.ts` (size, margins, palette, sign colours), the
 * document Plot renders into (the page's own, or a linkedom one server-side and in the Deno kernel),
 * axis labels that name their quantity, and the HTML swatch legend the builders attach (HTML, so a
 * chart stays one `<svg>`). Ink is `currentColor` and the background transparent, so charts take the
 * notebook's or the page's theme, light or dark (`render.ts` finishes every chart the same way).
 */

import { parseHTML } from "linkedom";
import { checkOptions, optionKeys } from "../util/options.ts";
import { attributeJson } from "./hover.ts";
import { selfDisplaying } from "./render.ts";

/**
 * Defaults hoisted in one place (size, margins, font, palette, sign colours); `width`, `height` and
 * the texts can be overridden per chart through `ChartOptions`.
 *
 * @example
 * ```ts
 * chartDefaults.width; // => 960
 * ```
 */
export const chartDefaults = {
  /** Nominal width: charts scale to their cell (viewBox), up to 1.6× this. */
  width: 960,
  height: 280,
  marginLeft: 56,
  marginRight: 20,
  marginTop: 20,
  marginBottom: 32,
  fontSize: 11,
  /** Tableau 10: distinguishable, print-safe, colour-blind-aware ordering. */
  palette: [
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
  ] as readonly string[],
  positive: "#4e79a7",
  negative: "#e15759",
  /** Mid grey with some transparency: reads on light and dark backgrounds. */
  muted: "rgba(127,127,127,0.75)",
} as const;

/** Options every builder accepts: texts around the chart, axis labels, size, and the document to render into. */
export interface ChartOptions {
  title?: string;
  subtitle?: string;
  caption?: string;
  /** The y axis label (the quantity, with its unit); each builder has a default read from the title. */
  yLabel?: string;
  /** The x axis label, where x is not a date. */
  xLabel?: string;
  width?: number;
  height?: number;
  /** Document Plot creates elements in; defaults to `plotDocument()`. */
  document?: Document;
}

/** The keys of `ChartOptions`, for `checkOptions` (a misspelt `titel` is an error, not ignored). */
export const CHART_OPTION_KEYS = optionKeys<ChartOptions>({
  title: true,
  subtitle: true,
  caption: true,
  yLabel: true,
  xLabel: true,
  width: true,
  height: true,
  document: true,
});

/** A rendered chart: Plot's `<svg>`, or a `<figure>` holding title, legend, `<svg>` and caption. */
export type ChartFigure = SVGSVGElement | HTMLElement;

let serverDocument: Document | undefined;

/**
 * The document charts render into: `globalThis.document` in a browser, otherwise one shared linkedom
 * document (server-side, tests, and the Deno Jupyter kernel, which has no DOM).
 *
 * @example
 * ```ts
 * Plot.plot({ document: plotDocument(), marks: [Plot.ruleY([0])] });
 * ```
 */
export function plotDocument(): Document {
  const own = (globalThis as { document?: Document }).document;
  if (own) return own;
  serverDocument ??= parseHTML("<!doctype html><html><body></body></html>").document as unknown as Document;
  return serverDocument;
}

/**
 * The `Plot.plot` options every builder shares: size, margins, font, grid, texts, document.
 * `extra` is merged last so a builder can override any of them. Options other than `ChartOptions`'
 * (what a builder did not take itself) are a `TypeError` naming the valid ones.
 *
 * @example
 * ```ts
 * Plot.plot(basePlotOptions({ title: "IC" }, { marks: [Plot.ruleY([0])] }));
 * ```
 */
export function basePlotOptions(options: ChartOptions, extra: Record<string, unknown> = {}) {
  checkOptions("chart", options, CHART_OPTION_KEYS);
  const { title, subtitle, caption, width = chartDefaults.width, height = chartDefaults.height } = options;
  return {
    document: options.document ?? plotDocument(),
    width,
    height,
    marginLeft: chartDefaults.marginLeft,
    marginRight: chartDefaults.marginRight,
    marginTop: chartDefaults.marginTop,
    marginBottom: chartDefaults.marginBottom,
    style: { fontSize: `${chartDefaults.fontSize}px`, overflow: "visible" },
    grid: true,
    title,
    subtitle,
    caption,
    ...extra,
  };
}

/**
 * The axis label naming a chart's quantity, read from its title when none is given: the part
 * before " — " (a variant name) and before " by …" / " over …" / " distribution", keeping a
 * trailing unit in parentheses; ` (%)` is added on a percent axis that does not say it.
 *
 * @example
 * ```ts
 * quantityLabel(undefined, "Mean daily return by fractile (bps) — lag1"); // => "Mean daily return (bps)"
 * quantityLabel(undefined, "Drawdown", true); // => "Drawdown (%)"
 * ```
 */
export function quantityLabel(
  given: string | undefined,
  title: string | undefined,
  percent = false,
): string | null {
  let label = given ?? title ?? "";
  if (given === undefined && label) {
    label = label.split(" — ")[0];
    const unit = /\(([^()]*)\)\s*$/.exec(label)?.[0] ?? "";
    label = label.replace(/\s*\([^()]*\)\s*$/, "").replace(/\s+(by|over|per|around|vs\.?)\s.*$/i, "")
      .replace(/\s+(distribution|over time)$/i, "").trim();
    if (unit) label = `${label} ${unit}`;
  }
  if (!label) return percent ? "(%)" : null;
  return percent && !label.includes("%") ? `${label} (%)` : label;
}

/**
 * Names the kind of quantity a chart's y values are (`ratio`, `bps`, `money`, `count`, …, or `growth`
 * for wealth indices shown as cumulative return), so hover tooltips format them the way tables do.
 * Percent axes need nothing (Plot's scale says so). Returns the chart.
 *
 * @example
 * ```ts
 * yQuantity(Plot.plot({ … }), "ratio");
 * ```
 */
export function yQuantity<T extends ChartFigure>(chart: T, kind: string): T {
  const svg = chart.tagName.toLowerCase() === "svg" ? chart : chart.querySelector("svg");
  svg?.setAttribute("data-qn-y", kind);
  return chart;
}

/**
 * Palette colour of the k-th series (cycling through `chartDefaults.palette`).
 *
 * @example
 * ```ts
 * seriesColor(0); // => "#4e79a7"
 * ```
 */
export function seriesColor(k: number): string {
  return chartDefaults.palette[k % chartDefaults.palette.length];
}

/**
 * Adds an HTML swatch legend (one entry per `[name, colour]`) above the chart's `<svg>`, wrapping a
 * bare `<svg>` in a `<figure>` when Plot returned no figure. Returns the figure.
 *
 * @example
 * ```ts
 * withLegend(chart, [["strategy", seriesColor(0)], ["benchmark", seriesColor(1)]], plotDocument());
 * ```
 */
export function withLegend(
  chart: ChartFigure,
  entries: readonly (readonly [string, string])[],
  document: Document,
): ChartFigure {
  const legend = document.createElement("div");
  legend.setAttribute("class", "qn-legend");
  legend.setAttribute(
    "style",
    "display:flex;flex-wrap:wrap;gap:2px 14px;font:12px system-ui,sans-serif;margin:2px 0 4px;",
  );
  for (const [name, color] of entries) {
    const item = document.createElement("span");
    item.setAttribute("style", "display:inline-flex;align-items:center;gap:6px;");
    const swatch = document.createElement("span");
    swatch.setAttribute("style", `display:inline-block;width:14px;height:3px;background:${color};`);
    item.appendChild(swatch);
    item.appendChild(document.createTextNode(name));
    legend.appendChild(item);
  }
  const names = attributeJson(entries.map(([name, color]) => [name, color]));
  if (chart.tagName.toLowerCase() === "svg") {
    const figure = document.createElement("figure");
    figure.setAttribute("data-qn-series", names);
    figure.appendChild(legend);
    figure.appendChild(chart);
    return selfDisplaying(figure);
  }
  chart.setAttribute("data-qn-series", names);
  chart.insertBefore(legend, chart.querySelector("svg"));
  return selfDisplaying(chart);
}
