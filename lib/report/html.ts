/**
 * Shared HTML bits for notebooks and reports: escaping, number formatting, table rendering and the
 * one inline stylesheet every exported page uses. Everything here returns strings with no external
 * references, so pages stay self-contained.
 */

import {
  columnSpec,
  formatQuantity,
  type FormatSpec,
  type Quantity,
  quantityOf,
  valueSpec,
} from "./format.ts";
import { withHoverScript } from "./hover.ts";
import { INK, MUTED, OUTPUT_CLASS, THEME_CSS } from "./theme.ts";

/** Rows of records, columns of equal-length arrays, or one record of scalars (shown as metric/value). */
export type TableData =
  | readonly Readonly<Record<string, unknown>>[]
  | Readonly<Record<string, ArrayLike<unknown> | unknown>>;

/** Options shared by the HTML and plain-text table renderers. */
export interface TableOptions {
  /** Columns to format as percentages, whatever their names. */
  percent?: readonly string[];
  /** Columns formatted as plain numbers, whatever their names. */
  plain?: readonly string[];
  /** The quantity (or full spec) of columns by name, overriding what their names read as. */
  formats?: Readonly<Record<string, Quantity | FormatSpec>>;
  /** Rows shown before the rest are summarised as "… N more rows" (default 60). */
  maxRows?: number;
  /** Caption above the table. */
  caption?: string;
}

/** A table normalised to column names and a cell accessor, whatever shape it came in. */
export interface TableView {
  readonly columns: readonly string[];
  readonly nRows: number;
  cell(row: number, col: number): unknown;
  /** True for a record of scalars: rows are `name, value` pairs with no header. */
  readonly keyValue?: boolean;
}

/**
 * Whether a column name reads as a return-like quantity shown as a percentage (`quantityOf(key)` is
 * `percent`: ret, return, vol, drawdown, net, gross, weight, hit, …; not turnover, a ratio).
 *
 * @example
 * ```ts
 * isPercentKey("maxDrawdown"); // => true
 * isPercentKey("sharpe"); // => false
 * ```
 */
export function isPercentKey(key: string): boolean {
  return quantityOf(key) === "percent";
}

/**
 * Whether a column name reads as a date (`date`, `date_sig`, `start`, …); such numeric columns hold
 * epoch milliseconds and are shown as ISO dates.
 *
 * @example
 * ```ts
 * isDateKey("date_avail"); // => true
 * ```
 */
export function isDateKey(key: string): boolean {
  return quantityOf(key) === "date";
}

/**
 * Escapes text for HTML element content and double-quoted attributes.
 *
 * @example
 * ```ts
 * escapeHtml(`a < b & "c"`); // => "a &lt; b &amp; &quot;c&quot;"
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => HTML_ENTITIES[c]);
}

const HTML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

/**
 * Formats one number on its own (a caption, an index line): NaN/null → "—"; percentages with 2
 * decimals (`0.1234` → `12.34%`); integers grouped (`12,345`); other numbers with 3 significant
 * digits (at most 6 decimals) and never in exponent form (`1.23`, `0.0345`, `0.000012`). Columns use `formatTable`,
 * which fixes decimals per column.
 *
 * @example
 * ```ts
 * formatNumber(0.12345, { percent: true }); // => "12.35%"
 * formatNumber(1234567); // => "1,234,567"
 * formatNumber(0.034512); // => "0.0345"
 * ```
 */
export function formatNumber(value: number | null | undefined, { percent = false } = {}): string {
  if (percent) return formatQuantity(value, { kind: "percent", decimals: 2 });
  if (typeof value === "number" && Number.isInteger(value)) return formatQuantity(value, { kind: "count" });
  return formatQuantity(value, valueSpec("number", value));
}

/** The quantity a column is shown as: `formats`, then `percent`/`plain`, then its name (`quantityOf`). */
export function columnQuantity(key: string, options: TableOptions = {}): Quantity | FormatSpec | "raw" {
  const given = options.formats?.[key];
  if (given) return given;
  if ((options.plain ?? []).includes(key)) return "number";
  if ((options.percent ?? []).includes(key)) return "percent";
  return quantityOf(key);
}

/**
 * The spec for the values of one column (or one metric's values) under `quantity`: identifiers
 * (`raw`: year, id, seed…) print integers as-is; date columns show epoch-ms numbers as dates;
 * everything else gets `columnSpec` (fixed decimals for the whole column).
 */
function specFor(quantity: Quantity | FormatSpec | "raw", values: readonly unknown[]): FormatSpec | "raw" {
  if (quantity === "raw") {
    return values.every((v) => typeof v !== "number" || Number.isInteger(v) || !Number.isFinite(v))
      ? "raw"
      : columnSpec("number", values);
  }
  if (typeof quantity === "object") return columnSpec(quantity.kind, values, quantity.decimals);
  if (quantity === "date") {
    const epoch = values.every((v) => typeof v !== "number" || !Number.isFinite(v) || Math.abs(v) > 1e10);
    return epoch ? { kind: "date" } : columnSpec("number", values);
  }
  return columnSpec(quantity, values);
}

function formatWith(spec: FormatSpec | "raw", value: unknown): string {
  if (value instanceof Date) return formatQuantity(value, { kind: "date" });
  if (spec === "raw") {
    return value === null || value === undefined || Number.isNaN(value) ? "—" : String(value);
  }
  return formatQuantity(value, spec);
}

/**
 * Formats one cell by its column name and value, as `formatTable` would in a one-row column: numbers
 * by the column's quantity (`quantityOf`, `options.formats`/`percent`/`plain`), epoch-ms numbers in
 * date columns and `Date`s as `YYYY-MM-DD` (with `HH:MM` when not midnight UTC), integers in
 * year/id/seed columns as-is (`2024`), everything else as `String(value)`.
 *
 * @example
 * ```ts
 * formatCell("date", Date.UTC(2024, 0, 2), {}); // => "2024-01-02"
 * formatCell("ann_ret", 0.1, {}); // => "10.00%"
 * ```
 */
export function formatCell(key: string, value: unknown, options: TableOptions = {}): string {
  return formatWith(specFor(columnQuantity(key, options), [value]), value);
}

/**
 * Formats the values of one row or column that share a quantity with one spec (the same decimals
 * for all), e.g. a metric compared across runs.
 *
 * @example
 * ```ts
 * formatAlike("turnover", [0.5, 0.625, 0.125]); // => ["0.50", "0.63", "0.13"]
 * ```
 */
export function formatAlike(key: string, values: readonly unknown[], options: TableOptions = {}): string[] {
  const spec = specFor(columnQuantity(key, options), values);
  return values.map((v) => formatWith(spec, v));
}

const NUMERIC_TEXT = /^[-+]?(?:[$€£]|R\$)?\s?(?:[\d,]*\.?\d+(?:[eE][-+]?\d+)?|∞)\s?(?:%|bps|[KMBT])?$|^—$/;

/**
 * Whether a cell's text reads as a number (so its column is right-aligned): digits with separators,
 * a sign, a `%`, `bps` or compact suffix, `∞`, or the missing-value dash.
 *
 * @example
 * ```ts
 * isNumericText("-12.50%"); // => true
 * isNumericText("lag1_off"); // => false
 * ```
 */
export function isNumericText(text: string): boolean {
  return NUMERIC_TEXT.test(text.trim());
}

function isColumn(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/**
 * Normalises table data to columns and a cell accessor. Accepts an array of records (columns are the
 * union of keys in first-seen order), a record of equal-length columns (arrays or typed arrays), or a
 * record of scalars (`keyValue`: rows of key and value, shown without a header). Throws a `RangeError`
 * when columns differ in length.
 *
 * @example
 * ```ts
 * tableOf({ year: [2023, 2024], ret: new Float64Array([0.1, -0.05]) }).nRows; // => 2
 * ```
 */
export function tableOf(data: TableData): TableView {
  if (Array.isArray(data)) {
    const rows = data as readonly Readonly<Record<string, unknown>>[];
    const seen = new Set<string>();
    for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
    const columns = [...seen];
    return { columns, nRows: rows.length, cell: (r, c) => rows[r][columns[c]] };
  }
  const record = data as Readonly<Record<string, unknown>>;
  const columns = Object.keys(record);
  if (columns.length > 0 && columns.every((key) => isColumn(record[key]))) {
    const arrays = columns.map((key) => record[key] as ArrayLike<unknown>);
    const nRows = arrays[0].length;
    arrays.forEach((a, c) => {
      if (a.length !== nRows) {
        throw new RangeError(`table column "${columns[c]}" has ${a.length} rows, expected ${nRows}`);
      }
    });
    return { columns, nRows, cell: (r, c) => arrays[c][r] };
  }
  return {
    columns: ["key", "value"],
    nRows: columns.length,
    cell: (r, c) => (c === 0 ? columns[r] : record[columns[r]]),
    keyValue: true,
  };
}

/**
 * The formatted text of every shown cell of a table (a row-major string grid), which columns are
 * numeric (every cell reads as a number, `isNumericText`: right-aligned; dates and text are not),
 * whether it has a header, and how many rows `maxRows` left out. Each
 * column is formatted with one spec (`columnSpec`: its quantity and fixed decimals, from the shown
 * values); in a record of scalars (key/value rows, no header) each value by its own key.
 *
 * @example
 * ```ts
 * formatTable({ ret: [0.1, 0.0525] }).rows; // => [["10.00%"], ["5.25%"]]
 * ```
 */
export function formatTable(data: TableData, options: TableOptions = {}): {
  columns: readonly string[];
  rows: string[][];
  numeric: boolean[];
  header: boolean;
  omitted: number;
} {
  const view = tableOf(data);
  const shown = Math.min(view.nRows, options.maxRows ?? 60);
  const rows: string[][] = Array.from({ length: shown }, () => []);
  const numeric = view.columns.map(() => true);
  for (let c = 0; c < view.columns.length; c++) {
    const values = Array.from({ length: shown }, (_, r) => view.cell(r, c));
    const texts = view.keyValue && c === 1
      ? values.map((v, r) => formatCell(String(view.cell(r, 0)), v, options))
      : view.keyValue
      ? values.map((v) => String(v))
      : formatAlike(view.columns[c], values, options);
    texts.forEach((text, r) => (rows[r][c] = text));
    numeric[c] = !(view.keyValue && c === 0) &&
      values.every((v, r) => v === null || v === undefined || isNumericText(texts[r])) &&
      values.some((v) => typeof v !== "string" || v !== "");
  }
  return { columns: view.columns, rows, numeric, header: !view.keyValue, omitted: view.nRows - shown };
}

/**
 * The "… N more rows" note under a table cut at `maxRows`.
 *
 * @example
 * ```ts
 * moreRows(1200); // => "… 1,200 more rows"
 * ```
 */
export function moreRows(omitted: number): string {
  return `… ${formatNumber(omitted)} more row${omitted === 1 ? "" : "s"}`;
}

const CELL = `padding:2px 10px;border-bottom:1px solid ${INK.line};`;

/**
 * Renders table data as an HTML `<table>` with inline styles (so it survives notebook sanitisers) in
 * theme-neutral inks (`theme.ts`): numeric columns right-aligned in tabular figures, a header row
 * (none for a record of scalars), an optional caption and a `moreRows` line past `maxRows`. The
 * table carries `tex2jax_ignore`, so notebooks do not read `$` in it as math.
 *
 * @example
 * ```ts
 * renderTable([{ year: 2024, ret: 0.1 }]); // => '<table …><th …>year</th>…<td …>10.00%</td>…'
 * ```
 */
export function renderTable(data: TableData, options: TableOptions = {}): string {
  const { columns, rows, numeric, header, omitted } = formatTable(data, options);
  const align = (c: number) => (numeric[c] ? "text-align:right;" : "text-align:left;");
  const head = header
    ? `<thead><tr>${
      columns.map((name, c) =>
        `<th style="${CELL}${align(c)}font-weight:600;border-bottom:1px solid ${INK.rule};">${
          escapeHtml(name)
        }</th>`
      ).join("")
    }</tr></thead>`
    : "";
  const body = rows.map((row) =>
    `<tr>${
      row.map((text, c) =>
        `<td style="${CELL}${align(c)}${!header && c === 0 ? `font-weight:600;${MUTED}` : ""}">${
          escapeHtml(text)
        }</td>`
      ).join("")
    }</tr>`
  ).join("");
  const more = omitted > 0
    ? `<tr><td colspan="${columns.length}" style="${CELL}${MUTED}">${moreRows(omitted)}</td></tr>`
    : "";
  const caption = options.caption
    ? `<caption style="text-align:left;font-weight:600;padding:4px 0;">${
      escapeHtml(options.caption)
    }</caption>`
    : "";
  return `<table class="qn-table ${OUTPUT_CLASS}" style="border-collapse:collapse;` +
    `font:13px/1.4 system-ui,sans-serif;font-variant-numeric:tabular-nums;margin:4px 0;">${caption}${head}` +
    `<tbody>${body}${more}</tbody></table>`;
}

/**
 * The one stylesheet of exported pages (notebook reports, tear sheets, the reports index): theme
 * variables for light and dark (`THEME_CSS`, following the reader's colour scheme), readable prose
 * width, code cells, outputs, tables. Inlined into each page; no fonts or files are fetched.
 *
 * @example
 * ```ts
 * `<style>${REPORT_CSS}</style>`;
 * ```
 */
export const REPORT_CSS = `${THEME_CSS}
body { margin: 0; background: var(--qn-page); color: var(--qn-fg);
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main, #notebook-container { max-width: 1200px; margin: 0 auto; padding: 24px 32px 48px; background: var(--qn-bg);
  min-height: 100vh; box-sizing: border-box; }
h1, h2, h3 { line-height: 1.25; margin: 1.2em 0 0.4em; }
h1 { font-size: 1.8em; } h2 { font-size: 1.4em; } h3 { font-size: 1.15em; }
.text_cell_render p, .text_cell_render li { max-width: 52em; }
a { color: var(--qn-link); }
a.anchor-link { display: none; }
code, pre { font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.cell { margin: 10px 0; }
.prompt { display: none; }
.input_area { background: var(--qn-code-bg); border: 1px solid var(--qn-line); border-radius: 6px; }
.input_area pre, .highlight pre { margin: 0; padding: 8px 12px; overflow-x: auto; }
.highlight { background: transparent; }
.output_area { margin: 6px 0; overflow-x: auto; }
.output_area pre { margin: 0; padding: 4px 2px; white-space: pre-wrap; }
.output_stderr { background: var(--qn-err-bg); }
.output_error pre, .output_stderr pre { color: var(--qn-err); }
.rendered_html table:not(.qn-table) { border-collapse: collapse; }
.rendered_html th, .rendered_html td { padding: 2px 10px; border-bottom: 1px solid var(--qn-line); }
figure { margin: 8px 0 16px; }
figcaption { font-size: 12px; color: var(--qn-muted); }
.highlight .k, .highlight .kd, .highlight .kn, .highlight .kr, .highlight .kc { color: var(--qn-kw); }
.highlight .s, .highlight .s1, .highlight .s2, .highlight .sb, .highlight .sr { color: var(--qn-str); }
.highlight .mi, .highlight .mf, .highlight .m { color: var(--qn-num); }
.highlight .c, .highlight .c1, .highlight .cm { color: var(--qn-com); font-style: italic; }
.highlight .nf, .highlight .nx, .highlight .n, .highlight .p, .highlight .o { color: var(--qn-fg); }
.highlight .err { border: none; }
ul.qn-index { padding-left: 1.2em; }
ul.qn-index li { margin: 4px 0; }
.qn-muted { color: var(--qn-muted); font-size: 13px; }
`;

/**
 * A complete, self-contained HTML page (UTF-8, inline `REPORT_CSS`, the hover script once when it has
 * charts) around already-escaped body HTML.
 *
 * @example
 * ```ts
 * htmlPage({ title: "Reports", body: "<h1>Reports</h1>" }); // => "<!doctype html>…"
 * ```
 */
export function htmlPage({ title, body }: { title: string; body: string }): string {
  return `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>${
      escapeHtml(title)
    }</title>\n` +
    `<style>${REPORT_CSS}</style>\n</head>\n<body>\n<main>\n${
      withHoverScript(body)
    }\n</main>\n</body>\n</html>\n`;
}
