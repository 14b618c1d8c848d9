/**
 * `show(x)`: one call to display a chart, a table or a rich result in a notebook cell, or a readable
 * plain-text version of it anywhere else (terminal, CI log).
 */

import type { ChartFigure } from "../report/chart_theme.ts";
import { renderTable, type TableData, type TableOptions } from "../report/html.ts";
import { notebookHtml } from "../report/untrusted.ts";
import { renderSvg } from "../report/render.ts";
import { checkOptions, optionKeys } from "../util/options.ts";
import { isDisplayable, JUPYTER_DISPLAY } from "./displayable.ts";
import { jupyterKernel, settle } from "./kernel.ts";
import { renderTextTable } from "./text_table.ts";

/** Options of `show`: table formatting, plus where plain text goes outside Jupyter (default console.log). */
export interface ShowOptions extends TableOptions {
  print?: (text: string) => void;
}

const SHOW_OPTION_KEYS = optionKeys<ShowOptions>({
  percent: true,
  plain: true,
  formats: true,
  maxRows: true,
  caption: true,
  print: true,
});

/** A media bundle (`{ mime: content }`) as the Jupyter protocol takes it. */
export type MediaBundle = Record<string, unknown>;

function isChart(x: unknown): x is ChartFigure {
  return typeof x === "object" && x !== null &&
    typeof (x as { outerHTML?: unknown }).outerHTML === "string" &&
    typeof (x as { tagName?: unknown }).tagName === "string";
}

function chartNote(chart: ChartFigure): string {
  const title = (chart.querySelector(".qn-chart-title") ?? chart.querySelector("h2"))?.textContent;
  return `[chart${title ? `: ${title}` : ""}] (shows in a notebook; renderSvg(chart) gives its HTML)`;
}

/**
 * What `show(x)` sends to Jupyter: charts (Plot figures, with the hover script) and tables as
 * `text/html` (not `image/svg+xml`, which nbconvert's HTML export empties and JupyterLab refuses when untrusted),
 * displayables as their own bundle, anything else as `text/plain`.
 *
 * @example
 * ```ts
 * await mediaBundle([{ year: 2024, ret: 0.1 }]); // => { "text/html": "<table …>…</table>" }
 * ```
 */
export async function mediaBundle(x: unknown, options: TableOptions = {}): Promise<MediaBundle> {
  if (isDisplayable(x)) return await x[JUPYTER_DISPLAY]();
  if (isChart(x)) return { "text/html": notebookHtml(renderSvg(x)) };
  if (typeof x === "object" && x !== null) return { "text/html": renderTable(x as TableData, options) };
  return { "text/plain": String(x) };
}

/**
 * The plain-text form `show(x)` prints outside Jupyter: an aligned table for records and columns, a
 * one-line note for charts and HTML-only displayables, `String(x)` otherwise.
 *
 * @example
 * ```ts
 * plainText({ sharpe: 1.234, maxDrawdown: -0.2 });
 * // sharpe          1.23
 * // maxDrawdown  -20.00%
 * ```
 */
export async function plainText(x: unknown, options: TableOptions = {}): Promise<string> {
  if (isChart(x)) return chartNote(x);
  if (isDisplayable(x)) {
    const bundle = await x[JUPYTER_DISPLAY]();
    const text = bundle["text/plain"];
    return typeof text === "string" ? text : `[${Object.keys(bundle).join(", ")}] (shows in a notebook)`;
  }
  if (typeof x === "object" && x !== null) return renderTextTable(x as TableData, options);
  return String(x);
}

/**
 * Displays a chart, a table (array of records, record of columns, or record of scalar metrics) or a
 * displayable in the current notebook cell, then yields ~30 ms so the output is not lost when the
 * cell ends. Outside Jupyter prints the `plainText` form instead. Always `await` it.
 *
 * @example
 * ```ts
 * await show(equityChart({ dates, series: { strategy: cum } }));
 * await show([{ fractile: 1, mean_ret: 0.001 }, { fractile: 5, mean_ret: 0.004 }]);
 * ```
 */
export async function show(x: unknown, options: ShowOptions = {}): Promise<void> {
  checkOptions("show", options, SHOW_OPTION_KEYS);
  const kernel = jupyterKernel();
  if (kernel) {
    await kernel.display(await mediaBundle(x, options), { raw: true });
    await settle();
    return;
  }
  (options.print ?? console.log)(await plainText(x, options));
}
