/**
 * Chart figures to HTML strings: the one place a Plot figure becomes text, for notebooks (`show`)
 * and tear sheets alike. On the way out every chart is finished the same way (`finishChart`): theme
 * (transparent background, `currentColor` ink, so it follows light and dark notebooks and pages),
 * size (fills its cell up to 1.6× its nominal width, aspect kept), titles as plain text rather than
 * page headings, MathJax left out, and hover (`hover.ts`).
 */

import type { ChartFigure } from "./chart_theme.ts";
import { attachHover } from "./hover.ts";
import { notebookHtml } from "./untrusted.ts";

const GEOMETRY_ATTRIBUTE =
  /\s(d|transform|x|y|x1|x2|y1|y2|dx|dy|width|height|points|cx|cy|r|viewBox)="([^"]*)"/g;
const LONG_DECIMAL = /-?\d+\.\d{3,}(?:e-?\d+)?/g;

function roundTo2(text: string): string {
  const value = Number(text);
  const rounded = Math.round(value * 100) / 100;
  return String(Object.is(rounded, -0) ? 0 : rounded);
}

/** Class of every finished chart's `<figure>`; `tex2jax_ignore` keeps MathJax off its text ($ signs). */
export const CHART_CLASS = "qn-chart tex2jax_ignore";

/** A chart grows with its cell up to this multiple of its nominal width (fonts grow with it). */
const MAX_GROWTH = 1.6;

type Scaled = Element & { scale?: (name: string) => unknown };

/** Replaces `from` (an `<h2>`, `<h3>`) by a `<div>` with the given class and style, children moved. */
function retag(from: Element, className: string, style: string): void {
  const div = from.ownerDocument.createElement("div");
  div.setAttribute("class", className);
  div.setAttribute("style", style);
  while (from.firstChild) div.appendChild(from.firstChild);
  from.replaceWith(div);
}

/**
 * Finishes a chart in place (idempotent) and returns its `<figure>`: wraps a bare `<svg>` in one;
 * turns Plot's `<h2>` title and `<h3>` subtitle into styled `<div>`s (notebooks would show them as
 * section headings and list them in the table of contents) and styles the caption; gives the figure
 * the class `qn-chart tex2jax_ignore`; makes the `<svg>` transparent with `currentColor` ink and
 * `width: 100%` (viewBox scaling, aspect kept, at most 1.6× its nominal width); adds hover.
 *
 * @example
 * ```ts
 * const figure = finishChart(barChart({ labels: ["a"], values: [1] }));
 * figure.getAttribute("class"); // => "qn-chart tex2jax_ignore"
 * ```
 */
export function finishChart(chart: ChartFigure): HTMLElement {
  const svg = (chart.tagName.toLowerCase() === "svg" ? chart : chart.querySelector("svg")) as Scaled | null;
  let figure = chart as HTMLElement;
  if (chart.tagName.toLowerCase() === "svg") {
    if (chart.parentElement?.classList.contains("qn-chart")) return chart.parentElement;
    figure = chart.ownerDocument.createElement("figure");
    chart.replaceWith?.(figure);
    figure.appendChild(chart);
  }
  if (figure.getAttribute("data-qn-finished") === "1") return figure;
  figure.setAttribute("data-qn-finished", "1");
  for (const h2 of figure.querySelectorAll(":scope > h2")) {
    retag(h2, "qn-chart-title", "font:600 14px/1.3 system-ui,sans-serif;margin:0 0 2px;");
  }
  for (const h3 of figure.querySelectorAll(":scope > h3")) {
    retag(h3, "qn-chart-subtitle", "font:12.5px/1.35 system-ui,sans-serif;opacity:0.75;margin:0 0 4px;");
  }
  figure.querySelector(":scope > figcaption")?.setAttribute(
    "style",
    "font:12px/1.35 system-ui,sans-serif;opacity:0.75;margin:2px 0 0;",
  );
  if (!svg) return figure;
  const width = Number(svg.getAttribute("width")) || 720;
  figure.setAttribute("class", CHART_CLASS);
  figure.setAttribute("style", `margin:8px 0 14px;max-width:${Math.round(width * MAX_GROWTH)}px;`);
  const style = (svg.getAttribute("style") ?? "").replace(/background:[^;]*;?/g, "");
  svg.setAttribute(
    "style",
    `${style.replace(/;?$/, ";")}background:transparent;width:100%;height:auto;max-width:100%;`,
  );
  const owner = typeof svg.scale === "function" ? svg : chart as Scaled;
  const scaleOf = typeof owner.scale === "function"
    ? (name: string) => {
      try {
        return owner.scale!(name) as never;
      } catch {
        return undefined;
      }
    }
    : () => undefined;
  attachHover(figure, svg, scaleOf);
  return figure;
}

/**
 * The outer HTML of a finished chart (`finishChart`: a `<figure class="qn-chart">` holding its
 * title, legend, `<svg>` and caption), with coordinates in geometry attributes (`d`, `transform`,
 * `x`, `y`, …) rounded to 2 decimals: byte-stable across platforms and about half the size for long
 * series. The result has no external URL (only the SVG `xmlns`) and no script (`withHoverScript`
 * adds the hover script where a page or an output needs it).
 *
 * @example
 * ```ts
 * const html = renderSvg(equityChart({ dates, series: { strategy: cum } })); // "<figure class=\"qn-chart …\">…</figure>"
 * ```
 */
export function renderSvg(figure: ChartFigure): string {
  return finishChart(figure).outerHTML.replace(
    GEOMETRY_ATTRIBUTE,
    (_, name: string, value: string) => ` ${name}="${value.replace(LONG_DECIMAL, roundTo2)}"`,
  );
}

/**
 * Makes a chart render itself when it is the last expression of a notebook cell: attaches a
 * non-enumerable `Symbol.for("Jupyter.display")` method returning `{ "text/html": … }` (the finished
 * chart and the hover script). Every builder returns its figure through this. Returns the same figure.
 *
 * @example
 * ```ts
 * selfDisplaying(Plot.plot({ document: plotDocument(), marks: [Plot.ruleY([0])] }));
 * ```
 */
export function selfDisplaying<T extends ChartFigure>(figure: T): T {
  Object.defineProperty(figure, Symbol.for("Jupyter.display"), {
    value: () => ({ "text/html": notebookHtml(renderSvg(figure)) }),
    enumerable: false,
    configurable: true,
  });
  return figure;
}
