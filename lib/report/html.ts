/**
 * Shared HTML bits for notebooks and reports: escaping, number formatting, table rendering and the
 * one inline stylesheet every exported page uses. Everything here returns strings with no external
 * references, so pages stay self-contained.
 */

import { isoDate } from "../panel/types.ts";

/** Rows of records, columns of equal-length arrays, or one record of scalars (shown as metric/value). */
export type TableData =
  | readonly Readonly<Record<string, unknown>>[]
  | Readonly<Record<string, ArrayLike<unknown> | unknown>>;

/** Options shared by the HTML and plain-text table renderers. */
export interface TableOptions {
  /** Columns to format as percentages, in addition to the ones detected from their names. */
  percent?: readonly string[];
  /** Columns never formatted as percentages, even when their names suggest it. */
  plain?: readonly string[];
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
}

const PERCENT_WORDS = new Set([
  "ret",
  "rets",
  "return",
  "returns",
  "cagr",
  "vol",
  "volatility",
  "drawdown",
  "dd",
  "turnover",
  "weight",
  "weights",
  "pct",
  "percent",
  "tc",
  "hit",
  "win",
  "exposure",
]);
const COUNT_WORDS = new Set(["count", "n", "obs", "days", "periods", "id", "rank"]);
const DATE_WORDS = new Set(["date", "sig", "avail", "start", "end", "time", "timestamp"]);
const RAW_WORDS = new Set(["year", "id", "seed"]);

/** Lower-case words of a key: `maxDrawdown`, `max_drawdown` and `max drawdown` all give max, drawdown. */
function keyWords(key: string): string[] {
  return key.split(/[_\s\-./]+|(?<=[a-z0-9])(?=[A-Z])/).map((w) => w.toLowerCase()).filter(Boolean);
}

/**
 * Whether a column name reads as a return-like quantity shown as a percentage: one of its words is
 * ret/return/cagr/vol/drawdown/dd/turnover/weight/pct/tc/hit/win/exposure, and none is a count word.
 *
 * @example
 * ```ts
 * isPercentKey("maxDrawdown"); // => true
 * isPercentKey("sharpe"); // => false
 * ```
 */
export function isPercentKey(key: string): boolean {
  const words = keyWords(key);
  return words.some((w) => PERCENT_WORDS.has(w)) && !words.some((w) => COUNT_WORDS.has(w));
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
  const words = keyWords(key);
  return words.length > 0 && words.every((w) => DATE_WORDS.has(w)) && words.some((w) => w !== "sig");
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

const grouped2 = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const groupedInt = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const small3 = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 3 });

/**
 * Formats a number for a table: NaN/null → "—"; percentages with 2 decimals (`0.1234` → `12.34%`);
 * integers with thousands separators (`12,345`); |x| ≥ 1 with 2 decimals (`1,234.57`); smaller
 * values with 3 significant digits (`0.0345`), below 1e-4 in exponent form (`1.23e-5`).
 *
 * @example
 * ```ts
 * formatNumber(0.12345, { percent: true }); // => "12.35%"
 * formatNumber(1234567); // => "1,234,567"
 * formatNumber(0.034512); // => "0.0345"
 * ```
 */
export function formatNumber(value: number | null | undefined, { percent = false } = {}): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  if (!Number.isFinite(value)) return value > 0 ? "∞" : "-∞";
  if (percent) return `${grouped2.format(value * 100)}%`;
  if (Number.isInteger(value)) return groupedInt.format(value);
  const abs = Math.abs(value);
  if (abs >= 1) return grouped2.format(value);
  if (abs >= 1e-4) return small3.format(value);
  return value.toExponential(2);
}

/**
 * Formats one table cell by its column name and value: numbers through `formatNumber` (percent when
 * `isPercentKey(key)` or listed in `options.percent`), epoch-ms numbers in date columns and `Date`s as
 * `YYYY-MM-DD` (with `HH:MM` when not midnight UTC), integers in year/id/seed columns as-is (`2024`),
 * everything else as `String(value)`.
 *
 * @example
 * ```ts
 * formatCell("date", Date.UTC(2024, 0, 2), {}); // => "2024-01-02"
 * formatCell("ann_ret", 0.1, {}); // => "10.00%"
 * ```
 */
export function formatCell(key: string, value: unknown, options: TableOptions): string {
  if (value instanceof Date) return formatTimestamp(value.getTime());
  if (typeof value === "number") {
    if (isDateKey(key) && Number.isFinite(value) && Math.abs(value) > 1e10) return formatTimestamp(value);
    if (Number.isInteger(value) && keyWords(key).some((w) => RAW_WORDS.has(w))) return String(value);
    const percent = !(options.plain ?? []).includes(key) &&
      ((options.percent ?? []).includes(key) || isPercentKey(key));
    return formatNumber(value, { percent });
  }
  if (value === null || value === undefined) return "—";
  if (typeof value === "bigint") return groupedInt.format(value);
  return String(value);
}

function formatTimestamp(ms: number): string {
  if (ms % 86_400_000 === 0) return isoDate(ms);
  return new Date(ms).toISOString().slice(0, 16).replace("T", " ");
}

function isColumn(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/**
 * Normalises table data to columns and a cell accessor. Accepts an array of records (columns are the
 * union of keys in first-seen order), a record of equal-length columns (arrays or typed arrays), or a
 * record of scalars (two columns: `metric`, `value`). Throws a `RangeError` when columns differ in length.
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
    columns: ["metric", "value"],
    nRows: columns.length,
    cell: (r, c) => (c === 0 ? columns[r] : record[columns[r]]),
  };
}

/**
 * The formatted text of every shown cell of a table (a row-major string grid), which columns are
 * numeric (right-aligned), and how many rows `maxRows` left out. In metric/value tables each value
 * is formatted by its metric's name.
 *
 * @example
 * ```ts
 * formatTable({ ret: [0.1] }).rows; // => [["10.00%"]]
 * ```
 */
export function formatTable(data: TableData, options: TableOptions = {}): {
  columns: readonly string[];
  rows: string[][];
  numeric: boolean[];
  omitted: number;
} {
  const view = tableOf(data);
  const metricValue = view.columns.length === 2 && view.columns[0] === "metric" && !Array.isArray(data);
  const shown = Math.min(view.nRows, options.maxRows ?? 60);
  const rows: string[][] = [];
  const numeric = view.columns.map(() => true);
  for (let r = 0; r < shown; r++) {
    const row: string[] = [];
    for (let c = 0; c < view.columns.length; c++) {
      const value = view.cell(r, c);
      const key = metricValue && c === 1 ? String(view.cell(r, 0)) : view.columns[c];
      if (typeof value !== "number" && value !== null && value !== undefined) numeric[c] = false;
      row.push(formatCell(key, value, options));
    }
    rows.push(row);
  }
  if (metricValue) numeric[0] = false;
  return { columns: view.columns, rows, numeric, omitted: view.nRows - shown };
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

const CELL = "padding:2px 10px;border-bottom:1px solid #e5e7eb;";

/**
 * Renders table data as an HTML `<table>` with inline styles (so it survives notebook sanitisers):
 * numeric columns right-aligned in tabular figures, a header row, an optional caption and a
 * `moreRows` line past `maxRows`.
 *
 * @example
 * ```ts
 * renderTable([{ year: 2024, ret: 0.1 }]); // => '<table …><th …>year</th>…<td …>10.00%</td>…'
 * ```
 */
export function renderTable(data: TableData, options: TableOptions = {}): string {
  const { columns, rows, numeric, omitted } = formatTable(data, options);
  const align = (c: number) => (numeric[c] ? "text-align:right;" : "text-align:left;");
  const head = columns.map((name, c) =>
    `<th style="${CELL}${align(c)}font-weight:600;border-bottom:1px solid #9ca3af;">${escapeHtml(name)}</th>`
  ).join("");
  const body = rows.map((row) =>
    `<tr>${row.map((text, c) => `<td style="${CELL}${align(c)}">${escapeHtml(text)}</td>`).join("")}</tr>`
  ).join("");
  const more = omitted > 0
    ? `<tr><td colspan="${columns.length}" style="${CELL}color:#6b7280;">${moreRows(omitted)}</td></tr>`
    : "";
  const caption = options.caption
    ? `<caption style="text-align:left;font-weight:600;padding:4px 0;">${
      escapeHtml(options.caption)
    }</caption>`
    : "";
  return `<table class="qn-table" style="border-collapse:collapse;font:13px/1.4 system-ui,sans-serif;` +
    `font-variant-numeric:tabular-nums;margin:4px 0;">${caption}<thead><tr>${head}</tr></thead>` +
    `<tbody>${body}${more}</tbody></table>`;
}

/**
 * The one stylesheet of exported pages (notebook reports and the reports index): readable prose
 * width, code cells, outputs, tables. Inlined into each page; no fonts or files are fetched.
 *
 * @example
 * ```ts
 * `<style>${REPORT_CSS}</style>`;
 * ```
 */
export const REPORT_CSS = `
:root { color-scheme: light; }
body { margin: 0; background: #f6f7f9; color: #1f2328;
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main, #notebook-container { max-width: 980px; margin: 0 auto; padding: 24px 32px 48px; background: #fff;
  min-height: 100vh; box-sizing: border-box; }
h1, h2, h3 { line-height: 1.25; margin: 1.2em 0 0.4em; }
h1 { font-size: 1.8em; } h2 { font-size: 1.4em; } h3 { font-size: 1.15em; }
a { color: #1f6feb; }
a.anchor-link { display: none; }
code, pre { font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.cell { margin: 10px 0; }
.prompt { display: none; }
.input_area { background: #f6f8fa; border: 1px solid #e5e7eb; border-radius: 6px; }
.input_area pre, .highlight pre { margin: 0; padding: 8px 12px; overflow-x: auto; }
.output_area { margin: 6px 0; overflow-x: auto; }
.output_area pre { margin: 0; padding: 4px 2px; white-space: pre-wrap; }
.output_stderr { background: #fff5f5; }
.output_error pre, .output_stderr pre { color: #b42318; }
.rendered_html table:not(.qn-table) { border-collapse: collapse; }
.rendered_html th, .rendered_html td { padding: 2px 10px; border-bottom: 1px solid #e5e7eb; }
figure { margin: 8px 0 16px; }
figure h2 { font-size: 15px; margin: 0 0 2px; }
figure h3 { font-size: 13px; font-weight: 400; color: #57606a; margin: 0 0 4px; }
figcaption { font-size: 12px; color: #57606a; }
.highlight .k, .highlight .kd, .highlight .kn, .highlight .kr, .highlight .kc { color: #8250df; }
.highlight .s, .highlight .s1, .highlight .s2, .highlight .sb, .highlight .sr { color: #0a3069; }
.highlight .mi, .highlight .mf, .highlight .m { color: #0550ae; }
.highlight .c, .highlight .c1, .highlight .cm { color: #6e7781; font-style: italic; }
.highlight .nf, .highlight .nx { color: #1f2328; }
.highlight .err { border: none; }
ul.qn-index { padding-left: 1.2em; }
ul.qn-index li { margin: 4px 0; }
.qn-muted { color: #57606a; font-size: 13px; }
`;

/**
 * A complete, self-contained HTML page (UTF-8, inline `REPORT_CSS`) around already-escaped body HTML.
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
    `<style>${REPORT_CSS}</style>\n</head>\n<body>\n<main>\n${body}\n</main>\n</body>\n</html>\n`;
}
