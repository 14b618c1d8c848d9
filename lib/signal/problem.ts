/**
 * What signal validation reports: every problem found, each with where (1-based data row, column),
 * what kind, and a message saying expected vs found.
 *
 * Row numbers count DATA rows from 1, the header excluded: row 1 is the first line under the header
 * (line 2 of a CSV file, row 2 of a spreadsheet with a header row).
 */

import type { LookaheadReport } from "./lookahead.ts";

/**
 * Problem kinds. Errors make a signal invalid; warnings only inform.
 * - `empty` (error): no data rows.
 * - `missing_column` (error): `security_id`, `date_sig` or `signal` absent.
 * - `wrong_type` (error): a value that does not parse (non-numeric signal, unparsable date, empty id).
 * - `non_finite` (error): signal ±Infinity.
 * - `duplicate` (error): a second row for the same (security_id, date_sig).
 * - `lookahead` (error): `date_avail` before `date_sig`.
 * - `not_trading_day` (error): `date_sig` inside the calendar's range but not one of its days.
 * - `lookahead_suspected` (error): the values as the engine holds them predict a return realised after
 *   they became known implausibly well (see `checkLookahead` in `lookahead.ts`).
 * - `no_overlap` (error): not one row maps to a known security on a calendar day.
 * - `missing_value` (warning): rows without a signal value (empty, NULL, NaN): "no opinion", dropped;
 *   one warning counts them all.
 * - `unknown_security` (warning): a security_id the panel does not have (the row is ignored).
 * - `date_before_calendar` / `date_after_calendar` (warning): outside the calendar (the row is ignored).
 */
export type ProblemKind =
  | "empty"
  | "missing_column"
  | "wrong_type"
  | "non_finite"
  | "duplicate"
  | "lookahead"
  | "not_trading_day"
  | "lookahead_suspected"
  | "no_overlap"
  | "missing_value"
  | "unknown_security"
  | "date_before_calendar"
  | "date_after_calendar";

/** One problem. `row` is the 1-based data row (header excluded) when the problem is about one row. */
export interface SignalProblem {
  readonly row?: number;
  readonly column?: string;
  readonly kind: ProblemKind;
  readonly message: string;
  readonly severity: "error" | "warning";
}

/**
 * The result of `validate`: `ok` is true when no problem has severity "error"; `lookahead` holds the
 * lookahead check's statistics (rank IC per return horizon) when a panel with `ret` was given.
 */
export interface ValidationResult {
  readonly ok: boolean;
  readonly problems: readonly SignalProblem[];
  readonly lookahead?: LookaheadReport;
}

const WARNINGS: ReadonlySet<ProblemKind> = new Set([
  "missing_value",
  "unknown_security",
  "date_before_calendar",
  "date_after_calendar",
]);

/**
 * Builds a problem with the severity its kind carries.
 *
 * @example
 * ```ts
 * problem("lookahead", "date_avail 2024-01-01 is before date_sig 2024-01-02", 3, "date_avail").severity;
 * // => "error"
 * ```
 */
export function problem(kind: ProblemKind, message: string, row?: number, column?: string): SignalProblem {
  return { row, column, kind, message, severity: WARNINGS.has(kind) ? "warning" : "error" };
}

/**
 * Formats a validation result for a terminal: a verdict line, then per kind the count and the first
 * `perKind` problems (row, column, message). Row numbers are 1-based data rows (header excluded).
 *
 * @example
 * ```ts
 * console.log(formatReport(validate(signal, { panel })));
 * ```
 */
export function formatReport(result: ValidationResult, perKind = 10): string {
  const errors = result.problems.filter((p) => p.severity === "error").length;
  const warnings = result.problems.length - errors;
  // counts grouped by thousands, as every count quantnb prints (1,459,303 warnings)
  const n = (count: number, word: string) =>
    `${count.toLocaleString("en-US")} ${word}${count === 1 ? "" : "s"}`;
  const lines = [
    result.ok
      ? `signal OK (${n(warnings, "warning")})`
      : `signal INVALID: ${n(errors, "error")}, ${
        n(warnings, "warning")
      } (rows are data rows, 1 = first row under the header)`,
  ];
  const byKind = new Map<ProblemKind, SignalProblem[]>();
  for (const p of result.problems) {
    const list = byKind.get(p.kind) ?? [];
    list.push(p);
    byKind.set(p.kind, list);
  }
  for (const [kind, list] of byKind) {
    lines.push(`  ${list[0].severity} ${kind} × ${list.length.toLocaleString("en-US")}`);
    for (const p of list.slice(0, perKind)) {
      const where = [p.row !== undefined ? `row ${p.row}` : "", p.column ? `column ${p.column}` : ""]
        .filter(Boolean).join(", ");
      lines.push(`    ${where ? where + ": " : ""}${p.message}`);
    }
    if (list.length > perKind) {
      lines.push(`    … and ${(list.length - perKind).toLocaleString("en-US")} more`);
    }
  }
  return lines.join("\n");
}
