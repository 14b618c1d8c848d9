/**
 * The row checks of a file ingest, written once from the column rules and evaluated two ways: as
 * counts in one scan of the typed rows (the fast path, when DuckDB typed the file itself), or as
 * rows with the file's own text (the precise pass that names row, column, expected and found).
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { queryRows, sqlIdent, sqlString } from "../store/db.ts";
import { TABLE_KEYS } from "../store/schema.ts";
import type { InputProblem } from "./errors.ts";
import { type ColumnRule, type FileTable, RULES } from "./file_rules.ts";

/** Something in a file that loads but looks wrong: how many rows, the first few, and what it means. */
export interface InputWarning {
  column: string;
  count: number;
  /** The first rows concerned (1-based data rows). */
  rows: number[];
  message: string;
}

/** One check: rows where `when` holds are a problem (error) or reported (warning). */
export interface Check {
  column: string;
  severity: "error" | "warning";
  when: string;
  /** error: what was expected; warning: what the rows show and what to do. */
  expected: string;
  found: string;
}

/** How the checks see the typed table. */
export interface CheckContext {
  table: FileTable;
  /** Target columns the file has → the file column named in messages. */
  columns: Record<string, string>;
  /** Precise: the table also has `raw_<target>` text columns. */
  precise: boolean;
  dateFormat: string;
  /** Plausible dates, inclusive, `YYYY-MM-DD`. */
  minDate: string;
  maxDate: string;
}

/** The checks of `context.table` over the typed columns present. */
export function fileChecks(context: CheckContext): Check[] {
  const { table, columns, precise } = context;
  const rules = RULES[table];
  const checks: Check[] = [];
  const views = Object.fromEntries(Object.keys(columns).map((t) => [t, view(t, rules[t], precise)]));
  for (const [target, rule] of Object.entries(rules)) {
    const v = views[target];
    if (!v) continue;
    const add = (when: string, expected: string, severity: Check["severity"] = "error") =>
      checks.push({ column: columns[target], severity, when, expected, found: v.found });
    switch (rule.kind) {
      case "id":
        add(v.missing, "a security id");
        break;
      case "date":
        add(
          rule.required ? `${v.typed} IS NULL` : `${v.typed} IS NULL AND NOT ${v.missing}`,
          `a date as ${context.dateFormat} (the file's format)`,
        );
        add(
          `${v.typed} < DATE ${sqlString(context.minDate)} OR ${v.typed} > DATE ${
            sqlString(context.maxDate)
          }`,
          `a date between ${context.minDate} and ${context.maxDate} (older history: pass --min-date)`,
        );
        if (rule.tradingDay) add(`isodow(${v.typed}) >= 6`, "fall on a Saturday or Sunday", "warning");
        break;
      case "number":
        if (rule.required) add(v.missing, "a number");
        add(`NOT ${v.missing} AND (${v.typed} IS NULL OR NOT isfinite(${v.typed}))`, "a finite number");
        if (rule.positive) add(`${v.typed} <= 0`, "a positive number");
        if (rule.nonNegative) add(`${v.typed} < 0`, "a number ≥ 0");
        break;
      case "kind":
        add(`${v.typed} IS NULL OR ${v.typed} NOT IN ('split', 'dividend')`, "split or dividend");
        break;
      case "class":
        add(
          `${v.missing} OR NOT regexp_full_match(${v.typed}, '[a-z][a-z0-9_]*')`,
          "an asset class such as equity or index (one lowercase word)",
        );
        break;
      case "text":
        if (rule.nonEmpty) add(v.missing, `a ${target} (or leave the column out to keep the stored ones)`);
        break;
    }
  }
  const pair = (a: string, b: string) => views[a] && views[b];
  if (table === "prices" && pair("high", "low")) {
    const [h, l] = [views.high, views.low];
    checks.push({
      column: columns.high,
      severity: "error",
      when: `${h.typed} < ${l.typed}`,
      expected: "high ≥ low",
      found: `'high ' || ${h.found} || ' < low ' || ${l.found}`,
    });
    for (const target of ["open", "close"]) {
      if (!views[target]) continue;
      const x = views[target].typed;
      checks.push({
        column: columns[target],
        severity: "warning",
        when: `${x} < ${l.typed} OR ${x} > ${h.typed}`,
        expected: `have ${target} outside [low, high]${
          target === "close" ? " (an adjusted close beside raw high/low? map the raw close instead)" : ""
        }`,
        found: views[target].found,
      });
    }
  }
  if (table === "securities" && pair("listed", "delisted")) {
    checks.push({
      column: columns.delisted,
      severity: "error",
      when: `${views.delisted.typed} < ${views.listed.typed}`,
      expected: "a delisting on or after the listing",
      found: `'delisted ' || ${views.delisted.found} || ' before listed ' || ${views.listed.found}`,
    });
  }
  return checks;
}

/**
 * Counts each check's rows in one scan of `relation` (plus the keys that appear more than once).
 * Returns the number of errors and the counts per check.
 */
export async function countChecks(
  conn: DuckDBConnection,
  relation: string,
  table: FileTable,
  checks: readonly Check[],
): Promise<{ errors: number; counts: number[] }> {
  const keys = TABLE_KEYS[table];
  const [row] = await queryRows(
    conn,
    `SELECT ${checks.map((c, k) => `count(*) FILTER (WHERE ${c.when}) AS c${k}`).join(", ") || "0 AS none"},
      (SELECT count(*) FROM (SELECT 1 FROM ${relation} GROUP BY ${
      keys.join(", ")
    } HAVING count(*) > 1)) AS dups
     FROM ${relation}`,
  );
  const counts = checks.map((_, k) => row[`c${k}`] as number);
  const errors = checks.reduce((n, c, k) => n + (c.severity === "error" ? counts[k] : 0), 0);
  return { errors: errors + (row.dups as number), counts };
}

/**
 * The error rows of the precise pass (`relation` has `_row` and the `raw_` columns), ordered by row
 * and column, at most `limit`, plus how many more there are. Duplicate keys name the first row.
 */
export async function listProblems(
  conn: DuckDBConnection,
  relation: string,
  context: CheckContext,
  checks: readonly Check[],
  limit: number,
): Promise<{ problems: InputProblem[]; more: number }> {
  const parts = checks.filter((c) => c.severity === "error").map((c) =>
    `SELECT _row, ${sqlString(c.column)} AS col, ${sqlString(c.expected)} AS expected, ${c.found} AS found
     FROM ${relation} WHERE ${c.when}`
  );
  const keys = TABLE_KEYS[context.table];
  parts.push(`SELECT _row, ${sqlString(keys.map((k) => context.columns[k] ?? k).join(", "))} AS col,
    'a unique (' || ${sqlString(keys.join(", "))} || ')' AS expected,
    'a duplicate of row ' || first_row AS found
    FROM (SELECT _row, min(_row) OVER (PARTITION BY ${keys.join(", ")}) AS first_row FROM ${relation}
          WHERE ${keys.map((k) => `${k} IS NOT NULL`).join(" AND ")})
    WHERE _row > first_row`);
  // Materialized, then counted: `count(*) OVER ()` over this UNION ALL crashes DuckDB 1.5.5 now
  // and then ("Attempted to access index 0 within vector of size 0"), invalidating the database.
  await conn.run(`CREATE OR REPLACE TEMP TABLE ingest_problems AS ${parts.join(" UNION ALL ")}`);
  const [{ n }] = await queryRows(conn, "SELECT count(*) AS n FROM ingest_problems");
  const rows = await queryRows(conn, `SELECT * FROM ingest_problems ORDER BY _row, col LIMIT ${limit}`);
  await conn.run("DROP TABLE ingest_problems");
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

/** The warnings among `checks` with a non-zero count, each with its first five rows (`rowid + 1`). */
export async function listWarnings(
  conn: DuckDBConnection,
  relation: string,
  checks: readonly Check[],
  counts: readonly number[],
  row = "rowid + 1",
): Promise<InputWarning[]> {
  const warnings: InputWarning[] = [];
  for (const [k, check] of checks.entries()) {
    if (check.severity !== "warning" || counts[k] === 0) continue;
    const rows = (await queryRows(
      conn,
      `SELECT ${row} AS r FROM ${relation} WHERE ${check.when} ORDER BY r LIMIT 5`,
    )).map((r) => r.r as number);
    const more = counts[k] > rows.length ? ", …" : "";
    warnings.push({
      column: check.column,
      count: counts[k],
      rows,
      message: `${counts[k]} row(s) ${check.expected} (row ${rows.join(", ")}${more}); loaded as they are`,
    });
  }
  return warnings;
}

/** A typed column as the checks see it: its value, when it is missing, and how to show what was found. */
function view(target: string, rule: ColumnRule, precise: boolean) {
  const typed = sqlIdent(target);
  if (precise) {
    const raw = sqlIdent(`raw_${target}`);
    return {
      typed,
      missing: `(${raw} IS NULL OR trim(${raw}) = '')`,
      found: `coalesce('"' || ${raw} || '"', 'an empty cell')`,
    };
  }
  const text = rule.kind === "id" || rule.kind === "text" || rule.kind === "class" || rule.kind === "kind";
  return {
    typed,
    missing: text ? `(${typed} IS NULL OR ${typed} = '')` : `(${typed} IS NULL)`,
    found: `coalesce('"' || ${typed}::VARCHAR || '"', 'an empty cell')`,
  };
}
