/**
 * HTML pieces shared by the tear sheet and the notebook views: fixed-format numbers, a table with a
 * format per column, the verdict traffic light, a strip of key numbers, and the variant and
 * uniqueness tables of a suite. Inline styles only, so they survive notebook sanitisers; every text
 * that comes from data is escaped.
 */
import type { SliceSummary } from "../engine/types.ts";
import type { SignalRun, SuiteResult } from "../suite/run_suite.ts";
import type { Verdict } from "../suite/verdict.ts";
import { columnSpec, formatQuantity, type Quantity, valueSpec } from "./format.ts";
import { escapeHtml } from "./html.ts";
import { INK, MUTED, OUTPUT_CLASS, VERDICT_INK } from "./theme.ts";

/**
 * How a column's numbers are shown: a quantity (`format.ts`), or the short names `pct` (percent),
 * `f2` / `f3` (ratio with at least 2 / 3 decimals), `int` (count), `compact` (money).
 */
export type CellFormat = "pct" | "f2" | "f3" | "int" | "compact" | Quantity;

/** The quantity and minimum decimals a `CellFormat` stands for. */
function formatKind(format: CellFormat): { kind: Quantity; min?: number } {
  switch (format) {
    case "pct":
      return { kind: "percent" };
    case "f2":
      return { kind: "ratio", min: 2 };
    case "f3":
      return { kind: "ratio", min: 3 };
    case "int":
      return { kind: "count" };
    case "compact":
      return { kind: "money" };
    default:
      return { kind: format };
  }
}

/**
 * Formats one value on its own (a key number): `pct` → `12.34%`, `f2`/`f3` → 2 / 3 decimals, `int`
 * → grouped integer, `compact` → money (`1.50B`), any other quantity by its rule (`formatQuantity`);
 * non-finite numbers → `—`; strings as given. Columns of numbers go through `columnTable`, which
 * fixes decimals per column.
 *
 * @example
 * ```ts
 * formatValue(0.12345, "pct"); // => "12.35%"
 * formatValue(1.2345, "f2"); // => "1.23"
 * formatValue(1.5e9, "compact"); // => "1.50B"
 * ```
 */
export function formatValue(value: number | string, format: CellFormat): string {
  if (typeof value === "string") return value;
  if (!Number.isFinite(value)) return "—";
  const { kind, min } = formatKind(format);
  const decimals = min ??
    (kind === "percent" ? 2 : kind === "count" ? (Number.isInteger(value) ? 0 : 1) : undefined);
  return formatQuantity(value, decimals === undefined ? valueSpec(kind, value) : { kind, decimals });
}

/** A column of `columnTable`: header, how to read a row, how to format it (fixed `decimals` if given). */
export interface Column<R> {
  label: string;
  value: (row: R) => number | string;
  format: CellFormat;
  decimals?: number;
}

const CELL = `padding:3px 10px;border-bottom:1px solid ${INK.line};white-space:nowrap;`;

/**
 * An HTML table with one format per column and fixed decimals per column (`columnSpec`: at least the
 * format's decimals, more when two different values would otherwise print the same): numeric columns
 * right-aligned in tabular figures, text columns left-aligned, `highlight` rows bold on a translucent
 * yellow tint (readable in light and dark themes).
 *
 * @example
 * ```ts
 * columnTable([{ name: "a", sharpe: 1.234 }], [
 *   { label: "Name", value: (r) => r.name, format: "text" },
 *   { label: "Sharpe", value: (r) => r.sharpe, format: "f2" },
 * ]); // => '<table …>…<td …>1.23</td>…</table>'
 * ```
 */
export function columnTable<R>(
  rows: readonly R[],
  columns: readonly Column<R>[],
  { highlight }: { highlight?: (row: R) => boolean } = {},
): string {
  const align = (c: Column<R>) => (c.format === "text" ? "text-align:left;" : "text-align:right;");
  const specs = columns.map((c) => {
    const { kind, min } = formatKind(c.format);
    return kind === "text" ? { kind } : columnSpec(kind, rows.map(c.value), c.decimals, { min });
  });
  const head = columns.map((c) =>
    `<th style="${CELL}${align(c)}font-weight:600;border-bottom:1.5px solid ${INK.rule};">${
      escapeHtml(c.label)
    }</th>`
  ).join("");
  const body = rows.map((row) => {
    const mark = highlight?.(row)
      ? ` class="qn-best" style="background:${INK.highlight};font-weight:600;"`
      : "";
    const cells = columns.map((c, k) =>
      `<td style="${CELL}${align(c)}">${escapeHtml(formatQuantity(c.value(row), specs[k]))}</td>`
    );
    return `<tr${mark}>${cells.join("")}</tr>`;
  }).join("");
  return `<table class="qn-table ${OUTPUT_CLASS}" style="border-collapse:collapse;` +
    `font:13px/1.4 system-ui,sans-serif;font-variant-numeric:tabular-nums;margin:4px 0;">` +
    `<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/**
 * The verdict as a traffic light (red, yellow, green lamps, the verdict's lit), its colour as a word
 * and the reasons as bullets, on a translucent tint of the verdict's colour (text in the inherited
 * colour, so it reads in light and dark themes). The panel carries the class `verdict-<color>`.
 *
 * @example
 * ```ts
 * verdictPanel({ color: "yellow", reasons: ["high turnover"] }); // => '<div class="qn-verdict verdict-yellow" …'
 * ```
 */
export function verdictPanel(verdict: Verdict): string {
  const style = VERDICT_INK[verdict.color];
  const lamps = (["red", "yellow", "green"] as const).map((color) => {
    const on = color === verdict.color;
    const fill = on ? VERDICT_INK[color].lamp : "#6e7781";
    const glow = on ? `box-shadow:0 0 8px ${VERDICT_INK[color].lamp};` : "opacity:0.45;";
    return `<span class="qn-lamp${on ? " qn-lamp-on" : ""}" title="${color}" style="display:inline-block;` +
      `width:18px;height:18px;border-radius:50%;background:${fill};${glow}"></span>`;
  }).join("");
  const reasons = verdict.reasons.map((r) => `<li style="margin:2px 0;">${escapeHtml(r)}</li>`).join("");
  return `<div class="qn-verdict verdict-${verdict.color} ${OUTPUT_CLASS}" style="display:flex;gap:18px;` +
    `align-items:flex-start;background:${style.tint};border-left:6px solid ${style.lamp};border-radius:6px;` +
    `padding:12px 16px;margin:8px 0;font:14px/1.5 system-ui,sans-serif;">` +
    `<div style="display:flex;flex-direction:column;gap:5px;background:#24292f;padding:7px 6px;` +
    `border-radius:12px;">${lamps}</div>` +
    `<div><div style="font-size:20px;font-weight:700;letter-spacing:0.04em;">` +
    `${verdict.color.toUpperCase()} <span style="font-weight:400;font-size:15px;${MUTED}">· ${style.word}</span>` +
    `</div><ul style="margin:4px 0 0;padding-left:20px;">${reasons}</ul></div></div>`;
}

/**
 * The frame of a notebook view: a bold title, a dimmed detail line and the body, in one `<div
 * class="qn-view">` that inherits the notebook's colours and carries `tex2jax_ignore` (no MathJax).
 *
 * @example
 * ```ts
 * viewFrame("Backtest", "2010-01-04 → 2019-12-31 · lag 1", keys + chart);
 * ```
 */
export function viewFrame(title: string, detail: string, body: string): string {
  return `<div class="qn-view ${OUTPUT_CLASS}" style="font:14px/1.45 system-ui,sans-serif;">` +
    `<div style="font-size:16px;font-weight:700;margin:4px 0 2px;">${escapeHtml(title)}</div>` +
    `<div style="font-size:12.5px;${MUTED}">${escapeHtml(detail)}</div>${body}</div>`;
}

/**
 * Warnings as a list on a translucent yellow tint with a marker (readable in light and dark
 * themes); empty when there are none.
 *
 * @example
 * ```ts
 * warningNotes(["3 dates skipped"]); // => '<div class="qn-warnings" …><li>3 dates skipped</li>…'
 * ```
 */
export function warningNotes(warnings: readonly string[], title = "Warnings"): string {
  if (!warnings.length) return "";
  return `<div class="qn-warnings ${OUTPUT_CLASS}" style="background:${INK.warn};border-left:5px solid #e3b341;` +
    `border-radius:4px;padding:6px 14px;margin:8px 0;font:13.5px/1.45 system-ui,sans-serif;">` +
    `<strong>⚠ ${escapeHtml(title)}</strong><ul style="margin:4px 0;padding-left:18px;">${
      warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join("")
    }</ul></div>`;
}

/**
 * A bold sub-heading inside a view (not an `<h2>`/`<h3>`, which notebooks style as page sections).
 *
 * @example
 * ```ts
 * subheading("Variants"); // => '<div style="font-weight:600;…">Variants</div>'
 * ```
 */
export function subheading(text: string): string {
  return `<div style="font-weight:600;margin:10px 0 2px;">${escapeHtml(text)}</div>`;
}

/**
 * A strip of labelled headline numbers (already formatted), e.g. Sharpe, annual return, max drawdown.
 *
 * @example
 * ```ts
 * keyNumbers([["Sharpe", "1.23"], ["Max drawdown", "-12.00%"]]);
 * ```
 */
export function keyNumbers(items: readonly (readonly [string, string])[]): string {
  const cells = items.map(([label, value]) =>
    `<div style="flex:0 0 auto;min-width:96px;padding:6px 12px;border:1px solid ${INK.line};border-radius:6px;">` +
    `<div style="font-size:11.5px;${MUTED}text-transform:uppercase;letter-spacing:0.03em;">${
      escapeHtml(label)
    }</div><div class="qn-key-value" style="font-size:18px;font-weight:600;white-space:nowrap;` +
    `font-variant-numeric:tabular-nums;">${escapeHtml(value)}</div></div>`
  ).join("");
  return `<div class="qn-keys ${OUTPUT_CLASS}" style="display:flex;flex-wrap:wrap;gap:8px;margin:8px 0;` +
    `font-family:system-ui,sans-serif;">${cells}</div>`;
}

/**
 * The performance columns of a slice summary, for `columnTable`: net and gross Sharpe, annual return,
 * vol, max drawdown (percent), mean daily turnover, hit rate (percent).
 *
 * @example
 * ```ts
 * columnTable(suite.signal.variants, sliceColumns((v) => v.result.summary.overall));
 * ```
 */
export function sliceColumns<R>(summary: (row: R) => SliceSummary): Column<R>[] {
  return [
    { label: "Sharpe (net)", value: (r) => summary(r).sharpe, format: "f2" },
    { label: "Sharpe (gross)", value: (r) => summary(r).sharpe_gross, format: "f2" },
    { label: "Ann. return", value: (r) => summary(r).annual_return, format: "pct" },
    { label: "Ann. vol", value: (r) => summary(r).annual_volatility, format: "pct" },
    { label: "Max DD", value: (r) => summary(r).max_drawdown, format: "pct" },
    { label: "Turnover/day", value: (r) => summary(r).turnover, format: "f2" },
    { label: "Hit rate", value: (r) => summary(r).hit_rate, format: "pct" },
  ];
}

/**
 * Every variant of a signal run, one row each (label — which names lag, residualize and any tc —,
 * the slice columns, IC mean and t-stat), the best variant highlighted.
 *
 * @example
 * ```ts
 * variantTable(suite.signal); // => '<table …>…</table>'
 * ```
 */
export function variantTable(run: SignalRun): string {
  type V = SignalRun["variants"][number];
  return columnTable<V>(run.variants, [
    { label: "Variant", value: (v) => v.label + (v.label === run.best.label ? " ★" : ""), format: "text" },
    ...sliceColumns<V>((v) => v.result.summary.overall),
    { label: "IC mean", value: (v) => v.result.ic.mean, format: "f3" },
    { label: "IC t", value: (v) => v.result.ic.t_stat, format: "f2" },
  ], { highlight: (v) => v.label === run.best.label });
}

/**
 * The signal against each baseline: mean rank correlation of the signals, correlation of daily net
 * PnL (at the signal's best variant), and the baseline's own Sharpe at that variant and at its best.
 *
 * @example
 * ```ts
 * uniquenessTable(suite); // => '<table …>…</table>'
 * ```
 */
export function uniquenessTable(suite: SuiteResult): string {
  const label = suite.signal.best.label;
  const rows = suite.uniqueness.map((u) => {
    const run = suite.baselines.find((b) => b.name === u.baseline);
    const same = run?.variants.find((v) => v.label === label);
    return { ...u, same: same?.result.summary.overall.sharpe ?? NaN, best: run?.best };
  });
  return columnTable(rows, [
    { label: "Baseline", value: (r) => r.baseline, format: "text" },
    { label: "Rank corr", value: (r) => r.rank_correlation, format: "f2" },
    { label: "PnL corr", value: (r) => r.pnl_correlation, format: "f2" },
    { label: `Sharpe (${label})`, value: (r) => r.same, format: "f2" },
    { label: "Best Sharpe", value: (r) => r.best?.result.summary.overall.sharpe ?? NaN, format: "f2" },
    { label: "Best variant", value: (r) => r.best?.label ?? "—", format: "text" },
  ]);
}

/**
 * The key numbers of a backtest slice as `keyNumbers` items: net and gross Sharpe, annual return and
 * volatility, max drawdown, turnover, hit rate and mean IC (tear sheet headline and notebook view).
 *
 * @example
 * ```ts
 * keyNumbers([["Best variant", label], ...sliceKeyNumbers(summary.overall, ic.mean)]);
 * ```
 */
export function sliceKeyNumbers(o: SliceSummary, icMean: number): [string, string][] {
  return [
    ["Sharpe (net)", formatValue(o.sharpe, "f2")],
    ["Sharpe (gross)", formatValue(o.sharpe_gross, "f2")],
    ["Ann. return", formatValue(o.annual_return, "pct")],
    ["Ann. vol", formatValue(o.annual_volatility, "pct")],
    ["Max drawdown", formatValue(o.max_drawdown, "pct")],
    ["Turnover/day", formatValue(o.turnover, "f2")],
    ["Hit rate", formatValue(o.hit_rate, "pct")],
    ["IC mean", formatValue(icMean, "f3")],
  ];
}
