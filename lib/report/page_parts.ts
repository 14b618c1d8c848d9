/**
 * Page pieces shared by the tear sheets (suite, portfolio, comparison): sections, chart cells, the
 * two-column grid, notes, the reproduce footer and the page shell with its stylesheet. Strings of HTML
 * with inline CSS only, so pages stay self-contained.
 */
import type { ChartFigure } from "./chart_theme.ts";
import { escapeHtml, htmlPage } from "./html.ts";
import { VERDICT_INK } from "./theme.ts";
import { renderSvg } from "./render.ts";

/** Chart widths: full row and half row of the 1180 px page. */
export const FULL = 1100, HALF = 540;

/**
 * A titled `<section id>` of a tear sheet.
 *
 * @example
 * ```ts
 * section("section-headline", "Headline", keys); // => '<section id="section-headline">…'
 * ```
 */
export function section(id: string, heading: string, content: string): string {
  return `<section id="${id}">\n<h2>${escapeHtml(heading)}</h2>\n${content}\n</section>`;
}

/** A chart as a tear-sheet cell (its `<svg>` through `renderSvg`). */
export function chart(figure: ChartFigure): string {
  return `<div class="ts-chart">${renderSvg(figure)}</div>`;
}

/** Cells side by side in a two-column grid (one column on narrow screens). */
export function grid(...cells: string[]): string {
  return `<div class="ts-grid">${cells.map((c) => `<div>${c}</div>`).join("")}</div>`;
}

/**
 * The sticky section navigation of a tear sheet: one link per `[section id, label]`.
 *
 * @example
 * ```ts
 * pageNav([["section-headline", "Headline"]]); // => '<nav class="ts-nav"><a href="#section-headline">Headline</a></nav>'
 * ```
 */
export function pageNav(links: readonly (readonly [string, string])[]): string {
  return `<nav class="ts-nav">${
    links.map(([id, text]) => `<a href="#${id}">${escapeHtml(text)}</a>`).join("")
  }</nav>`;
}

/**
 * A tear sheet's header: kicker, title, lines of details (each a list of items joined with " · ",
 * empty items dropped, all escaped), a badge (HTML) on the right, then the section navigation.
 *
 * @example
 * ```ts
 * pageHeader({ kicker: "portfolio tear sheet", title: "Momentum", meta: [["2010 → 2019", "monthly"]], badge: "", links: [] });
 * ```
 */
export function pageHeader(h: {
  kicker: string;
  title: string;
  meta: readonly (readonly string[])[];
  badge: string;
  links: readonly (readonly [string, string])[];
}): string {
  const lines = h.meta.map((items) =>
    `<div class="ts-meta">${items.filter(Boolean).map(escapeHtml).join(" · ")}</div>`
  )
    .join("");
  return `<header class="ts-header">\n<div><div class="ts-kicker">quantnb · ${escapeHtml(h.kicker)}</div>` +
    `<h1>${escapeHtml(h.title)}</h1>${lines}</div>${h.badge}\n</header>\n${pageNav(h.links)}`;
}

/** A muted explanatory note (escaped). */
export function note(text: string): string {
  return `<p class="qn-muted">${escapeHtml(text)}</p>`;
}

/**
 * A shell word: bare when safe, else single-quoted.
 *
 * @example
 * ```ts
 * shellQuote("a b"); // => "'a b'"
 * ```
 */
export function shellQuote(word: string): string {
  return /^[\w./:=@+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The reproduce footer (`id`, default `section-reproduce`): the identity rows, the command and the config
 * as JSON (each left out when not given).
 *
 * @example
 * ```ts
 * reproduceFooter([["run_id", id]], "deno task run momentum_12_1 --snapshot demo", config);
 * ```
 */
export function reproduceFooter(
  rows: readonly (readonly [string, string])[],
  command?: string,
  config?: unknown,
  id = "section-reproduce",
): string {
  const table = rows.map(([k, v]) =>
    `<tr><th>${escapeHtml(k)}</th><td><code>${escapeHtml(v)}</code></td></tr>`
  ).join("");
  return `<footer id="${id}" class="ts-footer">\n<h2>Reproduce</h2>\n` +
    `<table class="ts-ids">${table}</table>\n` +
    (command ? `<p>Command:</p><pre class="ts-command">${escapeHtml(command)}</pre>\n` : "") +
    (config !== undefined
      ? `<p>Config:</p><pre class="ts-config">${escapeHtml(JSON.stringify(config, null, 2))}</pre>\n`
      : "") +
    `</footer>`;
}

/**
 * A complete tear-sheet page: `htmlPage` (UTF-8, viewport, the report stylesheet with its light and
 * dark theme variables, the hover script once when there are charts) with the tear-sheet stylesheet,
 * the body in `<div class="ts">`.
 *
 * @example
 * ```ts
 * tearsheetPage("momentum — portfolio tear sheet", body); // => "<!doctype html>…"
 * ```
 */
export function tearsheetPage(title: string, body: string): string {
  return htmlPage({ title, body: `<style>${TEARSHEET_CSS}</style>\n<div class="ts">\n${body}\n</div>` });
}

/**
 * The tear sheets' stylesheet (on top of `REPORT_CSS`): only the theme variables for colours, so the
 * page reads in light and dark; anchors land below the sticky navigation.
 */
export const TEARSHEET_CSS = `
main { max-width: 1180px; }
.ts [id] { scroll-margin-top: 64px; }
.ts section > h2, .ts footer > h2 { font-size: 1.3em; border-bottom: 2px solid var(--qn-fg); padding-bottom: 4px;
  margin-top: 1.6em; }
.ts h3 { font-size: 1em; margin: 1em 0 0.2em; }
.ts section { margin-bottom: 12px; }
.ts-header { display: flex; justify-content: space-between; align-items: flex-end; gap: 24px;
  border-bottom: 1px solid var(--qn-line); padding-bottom: 12px; }
.ts-header h1 { margin: 2px 0 4px; font-size: 2em; word-break: break-word; }
.ts-kicker { font-size: 12px; text-transform: uppercase; letter-spacing: 0.08em; color: var(--qn-muted); }
.ts-meta { color: var(--qn-muted); font-size: 13.5px; }
.ts-badge { display: flex; flex-direction: column; align-items: center; min-width: 150px; padding: 8px 16px;
  border-radius: 8px; font-weight: 700; font-size: 20px; letter-spacing: 0.05em; text-decoration: none;
  color: var(--qn-fg); border: 1px solid var(--qn-line); }
.ts-badge small { font-size: 11.5px; font-weight: 400; letter-spacing: 0; color: var(--qn-muted); }
.ts-dot { display: inline-block; width: 16px; height: 16px; border-radius: 50%; margin-bottom: 4px; }
.ts-badge.verdict-green { background: ${VERDICT_INK.green.tint}; } .verdict-green .ts-dot { background: ${VERDICT_INK.green.lamp}; }
.ts-badge.verdict-yellow { background: ${VERDICT_INK.yellow.tint}; } .verdict-yellow .ts-dot { background: ${VERDICT_INK.yellow.lamp}; }
.ts-badge.verdict-red { background: ${VERDICT_INK.red.tint}; } .verdict-red .ts-dot { background: ${VERDICT_INK.red.lamp}; }
.ts-nav { display: flex; flex-wrap: wrap; gap: 4px 18px; font-size: 13px; padding: 8px 0; position: sticky; top: 0;
  background: var(--qn-bg); z-index: 1; border-bottom: 1px solid var(--qn-line); }
.ts-nav a { text-decoration: none; }
.ts-grid { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 24px; align-items: start; }
.ts-chart { margin: 10px 0; }
.ts-chart figure { margin: 0; }
.ts .qn-table { overflow-x: auto; display: block; max-width: 100%; }
.ts-footer { margin-top: 32px; font-size: 13px; }
.ts-ids th { text-align: left; padding: 2px 16px 2px 0; font-weight: 600; color: var(--qn-muted); }
.ts-command, .ts-config { background: var(--qn-code-bg); border: 1px solid var(--qn-line); border-radius: 6px;
  padding: 8px 12px; overflow-x: auto; }
.ts-config { max-height: 320px; }
@media print { .ts-nav { display: none; } main { padding: 0; } section { break-inside: avoid-page; } }
@media (max-width: 900px) { .ts-grid { grid-template-columns: 1fr; } }
`;
