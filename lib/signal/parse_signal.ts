/**
 * Parsing a raw signal table (every cell as text, as read from CSV/Parquet) into the columnar
 * `Signal`, collecting a problem per bad cell instead of stopping at the first.
 */
import { parseIsoDate } from "../panel/types.ts";
import { problem, type SignalProblem } from "./problem.ts";
import type { Signal } from "./types.ts";

/** A raw table: column name → cell text (null = SQL NULL), all columns `nRows` long. */
export interface SignalTable {
  readonly columns: Readonly<Record<string, readonly (string | null)[]>>;
  readonly nRows: number;
}

/**
 * A parsed signal with the 1-based data row (header excluded) each entry came from, and the problems
 * met while parsing. Rows with a bad id, date or value are left out of `signal` (and reported).
 */
export interface ParsedSignal {
  readonly signal: Signal;
  readonly rows: Int32Array;
  readonly problems: readonly SignalProblem[];
  /**
   * The security ids as codes, when the reader has them already (the typed path):
   * `names[codes[r]] === signal.security_id[r]`. Validation then skips coding them again.
   */
  readonly securityCodes?: { readonly codes: Int32Array; readonly names: readonly string[] };
}

const REQUIRED = ["security_id", "date_sig", "signal"] as const;
const META = ["signal_name", "region", "universe", "version"] as const;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** Text a missing value is written as: empty, NaN, NA, NULL (any case). A missing value is "no opinion". */
const MISSING = /^(nan|na|null|)$/i;
const INFINITE = /^[+-]?(inf|infinity)$/i;
const DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Parses a date or timestamp to epoch ms (UTC): `YYYY-MM-DD`, optionally followed by `T` or a space,
 * `HH:MM[:SS[.fff]]` and a zone (`Z`, `+HH`, `+HH:MM`; none = UTC). NaN when it does not parse.
 *
 * @example
 * ```ts
 * parseSignalDate("2024-01-02"); // => Date.UTC(2024, 0, 2)
 * parseSignalDate("2024-01-02 16:30:00+01"); // => Date.UTC(2024, 0, 2, 15, 30)
 * ```
 */
export function parseSignalDate(text: string): number {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return NaN;
  let day: number;
  try {
    day = parseIsoDate(m[1]);
  } catch {
    return NaN;
  }
  const [hh, mm, ss] = [m[2], m[3], m[4]].map((x) => (x === undefined ? 0 : Number(x)));
  if (hh > 23 || mm > 59 || ss > 59) return NaN;
  const frac = m[5] ? Math.round(Number(m[5]) * 1000) : 0;
  let offset = 0;
  if (m[6] && m[6] !== "Z") {
    const sign = m[6][0] === "-" ? -1 : 1;
    const digits = m[6].slice(1).replace(":", "");
    offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0)) * 60_000;
  }
  return day + ((hh * 60 + mm) * 60 + ss) * 1000 + frac - offset;
}

/**
 * Parses a raw table into a `Signal`. Column names are matched after trimming and lower-casing;
 * extra columns are ignored; `signal_name`, `region`, `universe`, `version` take their first
 * non-empty value. Reports `empty`, `missing_column`, `wrong_type` (empty security_id, unparsable
 * date, non-numeric signal) and `non_finite` (±Infinity), each with its data row. A missing signal
 * value (empty, NaN, NA, NULL) is "no opinion": the row is dropped and counted in ONE `missing_value`
 * warning.
 *
 * @example
 * ```ts
 * const { signal, problems } = parseSignal({
 *   nRows: 2,
 *   columns: { security_id: ["A", "B"], date_sig: ["2024-01-02", "2024-01-02"], signal: ["1.5", "x"] },
 * });
 * // signal.signal => [1.5]; problems[0].kind => "wrong_type", row 2
 * ```
 */
export function parseSignal(table: SignalTable): ParsedSignal {
  const problems: SignalProblem[] = [];
  const byName = new Map<string, readonly (string | null)[]>();
  for (const [name, cells] of Object.entries(table.columns)) byName.set(name.trim().toLowerCase(), cells);
  const missing = REQUIRED.filter((c) => !byName.has(c));
  for (const c of missing) {
    problems.push(problem(
      "missing_column",
      `required column "${c}" not found; columns present: ${[...byName.keys()].join(", ") || "(none)"}`,
      undefined,
      c,
    ));
  }
  if (table.nRows === 0) problems.push(problem("empty", "the signal has no data rows"));
  if (missing.length || table.nRows === 0) {
    return { signal: emptySignal(), rows: new Int32Array(0), problems };
  }
  const ids = byName.get("security_id")!, sig = byName.get("date_sig")!, val = byName.get("signal")!;
  const avail = byName.get("date_avail");
  const n = table.nRows;
  const outId: string[] = [];
  const outSig = new Float64Array(n), outAvail = new Float64Array(n), outVal = new Float64Array(n);
  const rows = new Int32Array(n);
  const missingRows: number[] = [];
  let kept = 0;
  for (let r = 0; r < n; r++) {
    const row = r + 1;
    let good = true;
    const id = (ids[r] ?? "").trim();
    if (id === "") {
      problems.push(problem("wrong_type", "security_id is empty", row, "security_id"));
      good = false;
    }
    const dSig = parseSignalDate(sig[r] ?? "");
    if (Number.isNaN(dSig)) {
      problems.push(problem(
        "wrong_type",
        `date_sig "${sig[r] ?? ""}" is not a date (expected YYYY-MM-DD)`,
        row,
        "date_sig",
      ));
      good = false;
    }
    let dAvail = dSig;
    const availText = avail?.[r]?.trim() ?? "";
    if (availText !== "") {
      dAvail = parseSignalDate(availText);
      if (Number.isNaN(dAvail)) {
        problems.push(problem(
          "wrong_type",
          `date_avail "${availText}" is not a date or timestamp (expected YYYY-MM-DD[ HH:MM[:SS]][Z|±HH:MM])`,
          row,
          "date_avail",
        ));
        good = false;
      }
    }
    const text = (val[r] ?? "").trim();
    let value = NaN;
    if (NUMBER.test(text)) value = Number(text);
    else if (MISSING.test(text)) {
      if (good) missingRows.push(row);
      continue;
    } else if (INFINITE.test(text)) {
      problems.push(problem("non_finite", `signal is "${text}"; expected a finite number`, row, "signal"));
      good = false;
    } else {
      problems.push(problem("wrong_type", `signal "${text}" is not a number`, row, "signal"));
      good = false;
    }
    if (!good) continue;
    outId.push(id);
    outSig[kept] = dSig;
    outAvail[kept] = dAvail;
    outVal[kept] = value;
    rows[kept++] = row;
  }
  const meta: Record<string, string> = {};
  for (const c of META) {
    const first = byName.get(c)?.find((x) => x !== null && x.trim() !== "");
    if (first) meta[c] = first.trim();
  }
  const signal: Signal = {
    security_id: outId,
    date_sig: outSig.slice(0, kept),
    date_avail: outAvail.slice(0, kept),
    signal: outVal.slice(0, kept),
    ...meta,
  };
  if (missingRows.length) problems.push(missingValueProblem(missingRows));
  return { signal, rows: rows.slice(0, kept), problems };
}

/**
 * The one warning for rows without a signal value: how many, and the first few data rows.
 *
 * @example
 * ```ts
 * missingValueProblem([4, 9]).message;
 * // => '2 rows have no signal value (empty, NULL or NaN) and are dropped as "no opinion": rows 4, 9'
 * ```
 */
export function missingValueProblem(rows: readonly number[], shown = 10): SignalProblem {
  const list = rows.slice(0, shown).join(", ") +
    (rows.length > shown ? `, … (${rows.length - shown} more)` : "");
  return problem(
    "missing_value",
    `${rows.length} row${rows.length === 1 ? " has" : "s have"} no signal value (empty, NULL or NaN) and ${
      rows.length === 1 ? "is" : "are"
    } dropped as "no opinion": row${rows.length === 1 ? "" : "s"} ${list}`,
    undefined,
    "signal",
  );
}

function emptySignal(): Signal {
  return { security_id: [], date_sig: new Float64Array(0), signal: new Float64Array(0) };
}
