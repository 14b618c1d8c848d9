/**
 * Chart defaults shared by every builder in `charts.ts` (size, margins, palette, sign colours), the
 * document Plot renders into (the page's own, or a linkedom one server-side and in the Deno kernel),
 * and the HTML swatch legend the builders attach (HTML, so a chart stays one `<svg>`).
 */

import { parseHTML } from "linkedom";

/**
 * Defaults hoisted in one place (size, margins, font, palette, sign colours); `width`, `height` and
 * the texts can be overridden per chart through `ChartOptions`.
 *
 * @example
 * ```ts
 * chartDefaults.width; // => 720
 * ```
 */
export const chartDefaults = {
  width: 720,
  height: 260,
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
  muted: "#9ca3af",
} as const;

/** Options every builder accepts: texts around the chart, size, and the document to render into. */
export interface ChartOptions {
  title?: string;
  subtitle?: string;
  caption?: string;
  width?: number;
  height?: number;
  /** Document Plot creates elements in; defaults to `plotDocument()`. */
  document?: Document;
}

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
 * `extra` is merged last so a builder can override any of them.
 *
 * @example
 * ```ts
 * Plot.plot(basePlotOptions({ title: "IC" }, { marks: [Plot.ruleY([0])] }));
 * ```
 */
export function basePlotOptions(options: ChartOptions, extra: Record<string, unknown> = {}) {
  const { title, subtitle, caption, width = chartDefaults.width, height = chartDefaults.height } = options;
  return {
    document: options.document ?? plotDocument(),
    width,
    height,
    marginLeft: chartDefaults.marginLeft,
    marginRight: chartDefaults.marginRight,
    marginTop: chartDefaults.marginTop,
    marginBottom: chartDefaults.marginBottom,
    style: { fontSize: `${chartDefaults.fontSize}px`, background: "white", overflow: "visible" },
    grid: true,
    title,
    subtitle,
    caption,
    ...extra,
  };
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
  if (chart.tagName.toLowerCase() === "svg") {
    const figure = document.createElement("figure");
    figure.appendChild(legend);
    figure.appendChild(chart);
    return figure;
  }
  chart.insertBefore(legend, chart.querySelector("svg"));
  return chart;
}
