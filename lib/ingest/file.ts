import type { DuckDBConnection } from "@duckdb/node-api";
import { inTransaction, queryRows, sqlString, type Store } from "../store/db.ts";
import { TABLE_KEYS } from "../store/schema.ts";
import { logLoad, replaceRows } from "../store/write.ts";
import { detectDateFormat } from "./date_format.ts";
import { InputError, type InputProblem } from "./errors.ts";

/** Which store table a file feeds, and that table's columns. */
export type FileTable = "prices" | "descriptors" | "corporate_actions";

interface ColumnRule {
  kind: "id" | "date" | "number" | "kind";
  required: boolean;
  /** Smallest allowed value (exclusive when `positive`). */
  positive?: boolean;
  nonNegative?: boolean;
}

const RULES: Record<FileTable, Record<string, ColumnRule>> = {
  prices: {
    security_id: { kind: "id", required: true },
    date: { kind: "date", required: true },
    open: { kind: "number", required: false, positive: true },
    high: { kind: "number", required: false, positive: true },
    low: { kind: "number", required: false, positive: true },
    close: { kind: "number", required: true, positive: true },
    volume: { kind: "number", required: false, nonNegative: true },
  },
  descriptors: {
    security_id: { kind: "id", required: true },
    date: { kind: "date", required: true },
    mcap: { kind: "number", required: false, positive: true },
    adv: { kind: "number", required: false, nonNegative: true },
    value: { kind: "number", required: false },
    beta: { kind: "number", required: false },
  },
  corporate_actions: {
    security_id: { kind: "id", required: true },
    ex_date: { kind: "date", required: true },
    kind: { kind: "kind", required: true },
    value: { kind: "number", required: true, positive: true },
  },
};

/** Options of `ingestFile`. */
export interface IngestFileOptions {
  table?: FileTable;
  /** Target column → source column, e.g. `{ date: "Date", close: "Adj Close" }`. Unmapped targets
   * match a source column of the same name, case-insensitively. */
  map?: Record<string, string>;
  /** A `strptime` pattern; detected from the data when omitted. */
  dateFormat?: string;
  /** The security id for every row, when the file has no id column (one security per file). */
  security?: string;
  /** Stop collecting after this many problems. */
  maxProblems?: number;
}

/** What `ingestFile` loaded. */
export interface IngestFileResult {
  file: string;
  table: FileTable;
  rows: number;
  securities: number;
  dateFormat: string;
  mapping: Record<string, string>;
}

/**
 * Ingests a user's CSV or Parquet file (by extension) into `prices` (default), `descriptors` or
 * `corporate_actions`, with a column mapping and date-format detection. Every row is checked first
 * (unparsable date, non-numeric or non-positive price, negative volume, duplicate key, unknown action
 * kind, missing required column); any problem throws an `InputError` naming file, row and column and
 * nothing is written. A clean file is upserted in one transaction; new securities are registered.
 *
 * @example
 * ```ts
 * await ingestFile(store, "data/raw/aapl.csv", { security: "AAPL", map: { close: "Adj Close" } });
 * ```
 */
export async function ingestFile(
  store: Store,
  file: string,
  options: IngestFileOptions = {},
): Promise<IngestFileResult> {
  const { table = "prices", map = {}, security, maxProblems = 20 } = options;
  const conn = store.conn;
  await loadRaw(conn, file);
  const header = (await queryRows(conn, "DESCRIBE raw_input")).map((r) => r.column_name as string);
  const rules = RULES[table];
  const mapping = resolveMapping(file, header, rules, map, security);

  const dateColumns = Object.keys(rules).filter((c) => rules[c].kind === "date");
  let dateFormat = options.dateFormat ?? "";
  if (!dateFormat) {
    const samples = await queryRows(
      conn,
      `SELECT ${quoteIdent(mapping[dateColumns[0]])} AS v FROM raw_input WHERE v IS NOT NULL LIMIT 500`,
    );
    dateFormat = detectDateFormat(samples.map((r) => (r.v as string).replace(/[ T]\d.*$/, ""))) ?? "";
    if (!dateFormat) {
      const first = samples[0]?.v ?? "";
      throw new InputError(file, [{
        row: 1,
        column: mapping[dateColumns[0]],
        expected: "a date such as 2020-01-31, 20200131, 01/31/2020 or 31.01.2020 (or pass --date-format)",
        found: `"${first}"`,
      }]);
    }
  }
  const typed = typedSelect(mapping, rules, dateFormat, security);
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE typed_input AS SELECT rowid + 1 AS _row, ${typed} FROM raw_input`,
  );
  const problems = await findProblems(conn, mapping, rules, table, dateFormat, maxProblems);
  if (problems.problems.length) throw new InputError(file, problems.problems, problems.more);

  const columns = Object.keys(rules).filter((c) => c in mapping || (c === "security_id" && security));
  const dateColumn = dateColumns[0];
  const counts = await inTransaction(conn, async () => {
    await conn.run(`INSERT OR IGNORE INTO securities (security_id, name, listed)
      SELECT security_id, security_id, min(${dateColumn}) FROM typed_input GROUP BY security_id`);
    await replaceRows(conn, table, "typed_input", columns, { checked: true });
    if (table === "prices") {
      await conn.run("INSERT OR IGNORE INTO calendar SELECT DISTINCT date FROM typed_input");
    }
    const [c] = await queryRows(
      conn,
      "SELECT count(*) AS n, count(DISTINCT security_id) AS s FROM typed_input",
    );
    await logLoad(conn, {
      source: `file:${table}`,
      params: { file, table, mapping, date_format: dateFormat },
    }, c.n as number);
    return c;
  });
  await conn.run("DROP TABLE typed_input; DROP TABLE raw_input");
  return { file, table, rows: counts.n as number, securities: counts.s as number, dateFormat, mapping };
}

/** Reads the file as all-text columns into `raw_input`, in file order (rowid + 1 = data row). */
async function loadRaw(conn: DuckDBConnection, file: string): Promise<void> {
  try {
    await Deno.stat(file);
  } catch {
    throw new InputError(file, [{ expected: "an existing CSV or Parquet file", found: "no such file" }]);
  }
  const source = /\.parquet$/i.test(file)
    ? `SELECT COLUMNS(*)::VARCHAR FROM read_parquet(${sqlString(file)})`
    : `SELECT * FROM read_csv(${sqlString(file)}, all_varchar = true, header = true)`;
  try {
    await conn.run(`CREATE OR REPLACE TEMP TABLE raw_input AS ${source}`);
  } catch (error) {
    throw new InputError(file, [{
      expected: "a readable CSV (with a header row) or Parquet file",
      found: (error as Error).message.split("\n")[0],
    }]);
  }
}

function resolveMapping(
  file: string,
  header: string[],
  rules: Record<string, ColumnRule>,
  map: Record<string, string>,
  security?: string,
): Record<string, string> {
  const problems: InputProblem[] = [];
  for (const target of Object.keys(map)) {
    if (!(target in rules)) {
      problems.push({
        column: target,
        expected: `a target column among ${Object.keys(rules).join(", ")}`,
        found: target,
      });
    }
  }
  const mapping: Record<string, string> = {};
  for (const [target, rule] of Object.entries(rules)) {
    const wanted = map[target];
    const source = wanted !== undefined
      ? header.find((h) => h === wanted)
      : header.find((h) =>
        h.toLowerCase() === target || (target === "security_id" && /^(ticker|symbol)$/i.test(h))
      );
    if (source !== undefined) mapping[target] = source;
    else if (wanted !== undefined) {
      problems.push({
        column: wanted,
        expected: `a column "${wanted}" (mapped to ${target})`,
        found: `columns ${header.join(", ")}`,
      });
    } else if (rule.required && !(target === "security_id" && security)) {
      problems.push({
        column: target,
        expected: `a required column "${target}"${
          target === "security_id" ? " (or --security ID)" : ""
        } (map one with --map ${target}=COLUMN)`,
        found: `columns ${header.join(", ")}`,
      });
    }
  }
  if (problems.length) throw new InputError(file, problems);
  return mapping;
}

/** SELECT list that parses each mapped column into its typed form (NULL where unparsable). */
function typedSelect(
  mapping: Record<string, string>,
  rules: Record<string, ColumnRule>,
  dateFormat: string,
  security?: string,
): string {
  const parts: string[] = [];
  for (const [target, rule] of Object.entries(rules)) {
    const src = mapping[target];
    if (src === undefined) {
      if (target === "security_id" && security) parts.push(`${sqlString(security)} AS security_id`);
      continue;
    }
    const col = quoteIdent(src);
    parts.push(`${col} AS "raw_${target}"`);
    if (rule.kind === "date") {
      parts.push(
        `try_strptime(regexp_replace(trim(${col}), '[ T]\\d.*$', ''), ${
          sqlString(dateFormat)
        })::DATE AS ${target}`,
      );
    } else if (rule.kind === "number") parts.push(`try_cast(trim(${col}) AS DOUBLE) AS ${target}`);
    else if (rule.kind === "kind") parts.push(`lower(trim(${col})) AS ${target}`);
    else parts.push(`trim(${col}) AS ${target}`);
  }
  return parts.join(", ");
}

async function findProblems(
  conn: DuckDBConnection,
  mapping: Record<string, string>,
  rules: Record<string, ColumnRule>,
  table: FileTable,
  dateFormat: string,
  maxProblems: number,
): Promise<{ problems: InputProblem[]; more: number }> {
  const checks: string[] = [];
  for (const [target, rule] of Object.entries(rules)) {
    const src = mapping[target];
    if (src === undefined) continue;
    const raw = `"raw_${target}"`;
    const label = sqlString(src);
    const missing = `(${raw} IS NULL OR trim(${raw}) = '')`;
    const check = (cond: string, expected: string) =>
      checks.push(
        `SELECT _row, ${label} AS col, ${
          sqlString(expected)
        } AS expected, coalesce('"' || ${raw} || '"', 'an empty cell') AS found FROM typed_input WHERE ${cond}`,
      );
    if (rule.kind === "date") check(`${target} IS NULL`, `a date as ${dateFormat} (the file's format)`);
    else if (rule.kind === "id") check(missing, "a security id");
    else if (rule.kind === "kind") {
      check(`${target} IS NULL OR ${target} NOT IN ('split', 'dividend')`, "split or dividend");
    } else {
      if (rule.required) check(missing, "a number");
      check(`NOT ${missing} AND (${target} IS NULL OR NOT isfinite(${target}))`, "a finite number");
      if (rule.positive) check(`${target} <= 0`, "a positive number");
      if (rule.nonNegative) check(`${target} < 0`, "a number ≥ 0");
    }
  }
  const keys = TABLE_KEYS[table];
  checks.push(`SELECT _row, ${sqlString(keys.map((k) => mapping[k] ?? k).join(", "))} AS col,
    'a unique (' || ${sqlString(keys.join(", "))} || ')' AS expected,
    'a duplicate of row ' || first_row AS found
    FROM (SELECT _row, min(_row) OVER (PARTITION BY ${keys.join(", ")}) AS first_row FROM typed_input
          WHERE ${keys.map((k) => `${k} IS NOT NULL`).join(" AND ")})
    WHERE _row > first_row`);
  const rows = await queryRows(
    conn,
    `SELECT *, count(*) OVER () AS n FROM (${
      checks.join(" UNION ALL ")
    }) ORDER BY _row, col LIMIT ${maxProblems}`,
  );
  const n = rows[0]?.n ?? 0;
  return {
    problems: rows.map((r) => ({
      row: r._row as number,
      column: r.col as string,
      expected: r.expected as string,
      found: r.found as string,
    })),
    more: (n as number) - rows.length,
  };
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
