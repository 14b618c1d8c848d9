/**
 * Chart figures to HTML strings: the one place a Plot figure becomes text, for notebooks (`show`)
 * and tear sheets alike.
 */

import type { ChartFigure } from "./chart_theme.ts";

const GEOMETRY_ATTRIBUTE =
  /\s(d|transform|x|y|x1|x2|y1|y2|dx|dy|width|height|points|cx|cy|r|viewBox)="([^"]*)"/g;
const LONG_DECIMAL = /-?\d+\.\d{3,}(?:e-?\d+)?/g;

function roundTo2(text: string): string {
  const value = Number(text);
  const rounded = Math.round(value * 100) / 100;
  return String(Object.is(rounded, -0) ? 0 : rounded);
}

/**
 * The outer HTML of a chart (a `<figure>` or a bare `<svg>`), with coordinates in geometry attributes
 * (`d`, `transform`, `x`, `y`, …) rounded to 2 decimals: byte-stable across platforms and about half
 * the size for long series. The result has no external URL (only the SVG `xmlns`).
 *
 * @example
 * ```ts
 * const html = renderSvg(equityChart({ dates, series: { strategy: cum } })); // "<figure …><svg …>…</svg></figure>"
 * ```
 */
export function renderSvg(figure: ChartFigure): string {
  return figure.outerHTML.replace(
    GEOMETRY_ATTRIBUTE,
    (_, name: string, value: string) => ` ${name}="${value.replace(LONG_DECIMAL, roundTo2)}"`,
  );
}

/**
 * Makes a chart render itself when it is the last expression of a notebook cell: attaches a
 * non-enumerable `Symbol.for("Jupyter.display")` method returning `{ "text/html": renderSvg(chart) }`.
 * Every builder in `charts.ts` returns its figure through this. Returns the same figure.
 *
 * @example
 * ```ts
 * selfDisplaying(Plot.plot({ document: plotDocument(), marks: [Plot.ruleY([0])] }));
 * ```
 */
export function selfDisplaying<T extends ChartFigure>(figure: T): T {
  Object.defineProperty(figure, Symbol.for("Jupyter.display"), {
    value: () => ({ "text/html": renderSvg(figure) }),
    enumerable: false,
    configurable: true,
  });
  return figure;
}
