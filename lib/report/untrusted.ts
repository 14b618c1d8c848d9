/**
 * Notebook outputs that read well in untrusted notebooks too. JupyterLab and Notebook show the outputs
 * of a notebook they did not execute (one shared, or executed by `deno task report`) through their
 * HTML sanitiser: `<svg>`, `<style>` and `<script>` are removed, but the SVG's text stays, so a chart
 * would turn into loose tick labels and every point's hover text. Each chart's SVG is wrapped in a box
 * hidden by the `hidden` attribute, which both sanitisers keep (JupyterLab's, and the one Notebook 6.4
 * bundles, which also drops every inline style: seen in Notebook 6.4.12 with headless Chromium), and by
 * an inline `height:0;overflow:hidden`. A `<style>` rule only trusted outputs keep opens the box again;
 * a note saying how to see the charts shows only when that rule is gone.
 */

import { withHoverScript } from "./hover.ts";

/** Class of the box around each chart's SVG (collapsed unless the output is trusted). */
export const TRUSTED_ONLY_CLASS = "qn-trusted-only";
/** Class of the note shown instead of the charts in an untrusted output. */
export const UNTRUSTED_NOTE_CLASS = "qn-untrusted-note";

const TRUST_STYLE = `<style>.${TRUSTED_ONLY_CLASS}{display:block!important;height:auto!important;` +
  `overflow:visible!important}.${UNTRUSTED_NOTE_CLASS}{display:none!important}</style>`;
const BOX_OPEN = `<div class="${TRUSTED_ONLY_CLASS}" hidden style="height:0;overflow:hidden;">`;

const SVG = /<svg\b[\s\S]*?<\/svg>/g;

/**
 * The note an untrusted output shows in place of its charts.
 *
 * @example
 * ```ts
 * untrustedNote(2); // => '<div class="qn-untrusted-note" …>2 charts not shown: …</div>'
 * ```
 */
export function untrustedNote(charts: number): string {
  const what = charts === 1 ? "1 chart" : `${charts} charts`;
  return `<div class="${UNTRUSTED_NOTE_CLASS}" style="margin:4px 0;padding:6px 10px;` +
    `border:1px dashed rgba(127,127,127,0.7);font:13px/1.4 system-ui,sans-serif;">` +
    `${what} not shown: this notebook is not trusted, and Jupyter removes charts from untrusted ` +
    `outputs. Run the cell, or trust the notebook (JupyterLab: "Trust Notebook" in the command ` +
    `palette; a terminal: jupyter trust NOTEBOOK.ipynb).</div>`;
}

/**
 * The HTML of a notebook output: the chart hover script appended (`withHoverScript`), each `<svg>`
 * in a `TRUSTED_ONLY_CLASS` box, the rule that opens those boxes, and the `untrustedNote` before the
 * first box. HTML
 * without charts is returned as it is (tables survive the sanitiser: inline styles in plain
 * `rgba()` inks, see `theme.ts`).
 *
 * @example
 * ```ts
 * kernel.display({ "text/html": notebookHtml(renderSvg(chart)) });
 * ```
 */
export function notebookHtml(html: string): string {
  const withHover = withHoverScript(html);
  if (withHover.includes(TRUSTED_ONLY_CLASS)) return withHover;
  const charts = (withHover.match(/class="qn-chart(?![-\w])/g) ?? []).length;
  let boxes = 0;
  const boxed = withHover.replace(SVG, (svg) =>
    // the note goes where the first chart was, under its title
    (boxes++ === 0 ? untrustedNote(Math.max(1, charts)) : "") +
    `${BOX_OPEN}${svg}</div>`);
  return boxes === 0 ? withHover : TRUST_STYLE + boxed;
}

const BOXED_SVG = new RegExp(`${BOX_OPEN}(<svg\\b[\\s\\S]*?</svg>)</div>`, "g");
const NOTE = new RegExp(`<div class="${UNTRUSTED_NOTE_CLASS}"[^>]*>[^<]*</div>`, "g");

/**
 * A page of trusted outputs (an exported notebook) without what `notebookHtml` added for untrusted
 * ones: the rule, the notes and the boxes around the SVGs.
 *
 * @example
 * ```ts
 * trustedPage(notebookHtml(renderSvg(chart))) === withHoverScript(renderSvg(chart)); // => true
 * ```
 */
export function trustedPage(html: string): string {
  return html.split(TRUST_STYLE).join("").replace(NOTE, "").replace(BOXED_SVG, "$1");
}
