/**
 * Plain-text tables for terminals and logs, with the same cell formatting as the HTML tables.
 */

import { formatTable, moreRows, type TableData, type TableOptions } from "../report/html.ts";

/**
 * Renders table data as aligned plain text: a header and a dashed rule (none for a record of
 * scalars), numeric columns right-aligned, and "… N more rows" past `maxRows`. Cells are formatted
 * as in `renderTable` (one spec per column: percent, ratio, counts, dates, fixed decimals).
 *
 * @example
 * ```ts
 * renderTextTable([{ year: 2024, ret: 0.1 }]);
 * // year     ret
 * // ----  ------
 * // 2024  10.00%
 * ```
 */
export function renderTextTable(data: TableData, options: TableOptions = {}): string {
  const { columns, rows, numeric, header, omitted } = formatTable(data, options);
  const widths = columns.map((name, c) =>
    Math.max(header ? name.length : 0, ...rows.map((row) => row[c].length))
  );
  const pad = (text: string, c: number) => numeric[c] ? text.padStart(widths[c]) : text.padEnd(widths[c]);
  const lines = [
    ...(options.caption ? [options.caption] : []),
    ...(header ? [columns.map(pad).join("  ").trimEnd(), widths.map((w) => "-".repeat(w)).join("  ")] : []),
    ...rows.map((row) => row.map(pad).join("  ").trimEnd()),
  ];
  if (omitted > 0) lines.push(moreRows(omitted));
  return lines.join("\n");
}
