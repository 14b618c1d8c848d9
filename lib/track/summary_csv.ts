/** The summary table of a run, stored as `summary.csv`. */

/** One CSV field: numbers as `String(n)` (NaN and ±Infinity as empty), strings quoted when needed. */
function csvField(value: string | number | undefined): string {
  if (value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Formats summary rows as RFC 4180 CSV with a header. Columns are the union of the rows' keys in
 * first-seen order; a row missing a column gets an empty field, as does a non-finite number. No rows ⇒
 * an empty string.
 *
 * @example
 * ```ts
 * summaryCsv([{ variant: "q5", sharpe: 1.2 }, { variant: "q10", sharpe: 0.9 }]);
 * // => "variant,sharpe\nq5,1.2\nq10,0.9\n"
 * ```
 */
export function summaryCsv(rows: readonly Record<string, string | number>[]): string {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (seen.has(key)) continue;
      seen.add(key);
      columns.push(key);
    }
  }
  if (columns.length === 0) return "";
  const lines = [columns.map(csvField).join(",")];
  for (const row of rows) lines.push(columns.map((c) => csvField(row[c])).join(","));
  return lines.join("\n") + "\n";
}
