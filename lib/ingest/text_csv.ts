/**
 * Small CSV files read as text (DuckDB sniffs the delimiter and quoting; Latin-1 files are read too),
 * and the number and date forms Brazilian sources write: `1.234,56` or `1,234.56`, `31/12/2024` or
 * `2024-12-31`. For the B3 corporate-action and the CDI/Ibovespa CSV loaders.
 */
import { queryRows, sqlString, type Store } from "../store/db.ts";
import { InputError } from "./errors.ts";

/** A CSV as text: lower-cased, trimmed column names, and rows of cells (null = empty). */
export interface TextCsv {
  columns: string[];
  rows: (string | null)[][];
}

/**
 * Reads a CSV with a header row as text cells, trying UTF-8 then Latin-1. Throws an `InputError`
 * naming the file when it is missing or unreadable.
 *
 * @example
 * ```ts
 * const { columns, rows } = await readTextCsv(store, "events.csv");
 * ```
 */
export async function readTextCsv(store: Store, file: string): Promise<TextCsv> {
  try {
    await Deno.stat(file);
  } catch {
    throw new InputError(file, [{ expected: "an existing CSV file", found: "no such file" }]);
  }
  let lastError = "";
  for (const encoding of ["utf-8", "latin-1"]) {
    try {
      const rows = await queryRows(
        store.conn,
        `SELECT * FROM read_csv(${sqlString(file)}, all_varchar = true, header = true, encoding = ${
          sqlString(encoding)
        })`,
      );
      const names = await queryRows(
        store.conn,
        `DESCRIBE SELECT * FROM read_csv(${sqlString(file)}, all_varchar = true, header = true, encoding = ${
          sqlString(encoding)
        })`,
      );
      const columns = names.map((r) => String(r.column_name));
      return {
        columns: columns.map((c) => c.trim().toLowerCase()),
        rows: rows.map((r) =>
          columns.map((c) => (r[c] === null || r[c] === undefined ? null : String(r[c]).trim()))
        ),
      };
    } catch (error) {
      lastError = (error as Error).message.split("\n")[0];
    }
  }
  throw new InputError(file, [{ expected: "a readable CSV with a header row", found: lastError }]);
}

/**
 * A decimal number written either way: `1.234,56` and `0,043739` (Brazilian) or `1,234.56` and
 * `0.043739`. With both separators the last one is the decimal mark; a lone comma is a decimal mark
 * unless it groups thousands (`1,234`). NaN when the text is not a number.
 *
 * @example
 * ```ts
 * parseDecimal("130.000,12"); // => 130000.12
 * parseDecimal("0,043739"); // => 0.043739
 * ```
 */
export function parseDecimal(text: string | null): number {
  if (text === null) return NaN;
  let t = text.trim().replace(/\s/g, "");
  if (!/^[+-]?[\d.,]+$/.test(t) || !/\d/.test(t)) return NaN;
  const comma = t.lastIndexOf(","), dot = t.lastIndexOf(".");
  if (comma >= 0 && dot >= 0) {
    t = comma > dot ? t.replaceAll(".", "").replace(",", ".") : t.replaceAll(",", "");
  } else if (comma >= 0) {
    t = /^[+-]?\d{1,3}(,\d{3})+$/.test(t) ? t.replaceAll(",", "") : t.replace(",", ".");
  } else if (/^[+-]?\d{1,3}(\.\d{3}){2,}$/.test(t)) {
    t = t.replaceAll(".", "");
  }
  const v = Number(t);
  return Number.isFinite(v) ? v : NaN;
}

/**
 * A day as `YYYY-MM-DD` or `DD/MM/YYYY` (how B3 and the central bank print dates), as epoch ms at
 * UTC midnight; NaN when it is neither or not a real date.
 *
 * @example
 * ```ts
 * parseDay("02/01/2024") === parseDay("2024-01-02"); // => true
 * ```
 */
export function parseDay(text: string | null): number {
  if (text === null) return NaN;
  const t = text.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  let y: number, mo: number, d: number;
  if (m) [y, mo, d] = [+m[1], +m[2], +m[3]];
  else {
    m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(t);
    if (!m) return NaN;
    [d, mo, y] = [+m[1], +m[2], +m[3]];
  }
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? ms : NaN;
}
