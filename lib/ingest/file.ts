import type { DuckDBConnection } from "@duckdb/node-api";
import { inTransaction, queryRows, sqlIdent, sqlString, type Store } from "../store/db.ts";
import { logLoad, replaceRows } from "../store/write.ts";
import { dateFormatCandidates } from "./date_format.ts";
import { InputError, type InputProblem } from "./errors.ts";
import { type ColumnRule, type FileTable, NEW_ROW_DEFAULTS, RULES } from "./file_rules.ts";
import {
  type CheckContext,
  countChecks,
  fileChecks,
  type InputWarning,
  listProblems,
  listWarnings,
} from "./file_checks.ts";
import {
  clearRejects,
  openSource,
  readSql,
  rejectedRows,
  type SourceFile,
  unreadableProblems,
} from "./file_source.ts";

export type { FileTable } from "./file_rules.ts";
export type { InputWarning } from "./file_checks.ts";

/** Options of `ingestFile`. */
export interface IngestFileOptions {
  table?: FileTable;
  /** Target column → source column, e.g. `{ date: "Date", close: "Adj Close" }`. Unmapped targets
   * match a source column of the same name, case-insensitively. */
  map?: Record<string, string>;
  /** A `strptime` pattern; detected from the data when omitted (an ambiguous day/month order is refused). */
  dateFormat?: string;
  /** The security id for every row, when the file has no id column (one security per file). */
  security?: string;
  /** Earliest plausible date, `YYYY-MM-DD` (default 1900-01-01); the latest is tomorrow. */
  minDate?: string;
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
  /** Rows whose key was new, and rows that replaced a stored row. */
  inserted: number;
  replaced: number;
  /** Loaded, but worth a look: weekend dates, prices outside [low, high], stored values cleared. */
  warnings: InputWarning[];
}

const DEFAULT_MIN_DATE = "1900-01-01";
const SAMPLE_ROWS = 2000;

/**
 * Ingests a user's CSV or Parquet file (by extension) into `prices` (default), `descriptors`,
 * `corporate_actions` or `securities` (names, industries, asset classes, listing dates), with a
 * column mapping and date-format detection. The path is taken literally: one file, never a folder
 * or a glob.
 *
 * DuckDB reads and types the file itself (numbers as DOUBLE, dates in the detected format) and one
 * scan checks every row; when anything is wrong, a precise pass reads the file as text and throws
 * an `InputError` naming file, row, column, what was expected and what was found — unparsable or
 * implausible dates (before `minDate`, after tomorrow), non-numeric or non-positive prices, negative
 * volume, high < low, duplicate keys, unknown action kinds, missing required columns, ragged rows,
 * over-long lines, binary content, a duplicated header column, no data rows. Nothing is written
 * then. A clean file is upserted in one transaction: only the columns the file provides are
 * written (a close-only correction keeps open, high, low and volume), new securities are
 * registered. Weekend dates, open/close outside [low, high] and stored values cleared by empty
 * cells load but are returned as `warnings`.
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
  const { table = "prices", map = {}, security, maxProblems = 20, minDate = DEFAULT_MIN_DATE } = options;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(minDate) || Number.isNaN(Date.parse(minDate))) {
    throw new RangeError(`minDate must be a date YYYY-MM-DD, found "${minDate}"`);
  }
  const conn = store.conn;
  const source = await openSource(conn, file);
  try {
    const rules = RULES[table];
    const mapping = resolveMapping(file, source.header, rules, map, security);
    const format = await chooseDateFormat(conn, source, rules, mapping, options.dateFormat);
    const columns: Record<string, string> = { ...mapping };
    if (security && !mapping.security_id) columns.security_id = "--security";
    const context = {
      table,
      columns: mapping,
      dateFormat: format.dateFormat,
      minDate,
      maxDate: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10),
    };
    const plan: ReadPlan = { conn, source, rules, mapping, security, context };
    const log = { file, table, columns: Object.keys(columns), dateFormat: format.dateFormat, mapping };
    if (format.fast && await isEmpty(conn, table)) {
      // An empty table: DuckDB reads the file straight into it, checked in the same transaction.
      try {
        return await inTransaction(conn, async () => {
          const warnings = await fastRead(plan, table);
          if (!warnings) throw NEEDS_PRECISE_PASS;
          return await load(conn, table, log, warnings);
        });
      } catch (error) {
        if (error !== NEEDS_PRECISE_PASS) throw error;
      }
    }
    const warnings = (format.fast && await fastRead(plan)) || await preciseRead(plan, maxProblems);
    return await inTransaction(conn, () => load(conn, "typed_input", log, warnings));
  } finally {
    await source.close();
    await conn.run("DROP TABLE IF EXISTS typed_input; DROP TABLE IF EXISTS raw_input");
    await clearRejects(conn);
  }
}

/** What both reads of a file work from. */
interface ReadPlan {
  conn: DuckDBConnection;
  source: SourceFile;
  rules: Record<string, ColumnRule>;
  mapping: Record<string, string>;
  security: string | undefined;
  context: Omit<CheckContext, "precise">;
}

/**
 * The fast path: DuckDB parses and types the mapped columns into `typed_input`, rows it cannot
 * read go to its rejects table, and one scan counts every check. Returns the warnings when the file
 * is clean, `undefined` when anything needs the precise pass.
 */
async function fastRead(
  { conn, source, rules, mapping, security, context }: ReadPlan,
  into?: FileTable,
): Promise<InputWarning[] | undefined> {
  const types: Record<string, string> = {};
  let native = true;
  const select = selectList(rules, mapping, security, (target, rule, src, col) => {
    if (rule.kind !== "number" && rule.kind !== "date") {
      return [`${textSql(`${col}::VARCHAR`, rule)} AS ${target}`];
    }
    const wanted = rule.kind === "number" ? "DOUBLE" : "DATE";
    if (source.format === "csv") types[src] = wanted;
    else native &&= nativeType(source.types![src], rule.kind);
    return [`${source.format === "csv" ? col : `${col}::${wanted}`} AS ${target}`];
  });
  if (!native) return undefined; // Parquet text columns: the precise pass parses them
  await clearRejects(conn);
  const from = readSql(source, { types, dateFormat: context.dateFormat || undefined, rejects: true });
  const read = `SELECT ${select.join(", ")} FROM ${from}`;
  const relation = into ?? "typed_input";
  try {
    if (into) {
      const names = Object.keys(rules).filter((t) =>
        mapping[t] !== undefined || (t === "security_id" && security)
      );
      const defaults = Object.entries(NEW_ROW_DEFAULTS[into] ?? {}).filter(([c]) => !names.includes(c));
      await conn.run(
        `INSERT INTO ${into} (${[...names, ...defaults.map(([c]) => c)].join(", ")})
         SELECT s.*${defaults.map(([, sql]) => `, ${sql}`).join("")} FROM (${read}) s`,
      );
    } else await conn.run(`CREATE OR REPLACE TEMP TABLE typed_input AS ${read}`);
  } catch (error) {
    throw new InputError(source.file, await unreadableProblems(source, error));
  }
  const rejected = await rejectedRows(conn, source);
  if (rejected.problems.length) {
    throw new InputError(source.file, rejected.problems, rejected.total - rejected.problems.length);
  }
  if (rejected.casts > 0) return undefined; // values DuckDB could not type: the precise pass names them
  await refuseEmpty(conn, source, relation);
  const checks = fileChecks({ ...context, precise: false });
  const { errors, counts } = await countChecks(conn, relation, context.table, checks);
  if (errors > 0) return undefined;
  return await listWarnings(
    conn,
    relation,
    checks,
    counts,
    `rowid - (SELECT min(rowid) FROM ${relation}) + 1`,
  );
}

/** Thrown inside the direct load's transaction to roll it back when the precise pass must run. */
const NEEDS_PRECISE_PASS = new Error("the file needs the precise pass");

async function isEmpty(conn: DuckDBConnection, table: string): Promise<boolean> {
  return (await queryRows(conn, `SELECT 1 FROM ${table} LIMIT 1`)).length === 0;
}

/**
 * The precise pass: every column as the file's text (`raw_input`), parsed into `typed_input` beside
 * its raw text and row number, every problem listed with row, column, expected and found. Throws an
 * `InputError` when there is any; otherwise returns the warnings (the load then reads this table).
 */
async function preciseRead(
  { conn, source, rules, mapping, security, context }: ReadPlan,
  maxProblems: number,
): Promise<InputWarning[]> {
  await clearRejects(conn);
  const from = readSql(source, { rejects: true });
  const all = source.format === "csv" ? "*" : "COLUMNS(*)::VARCHAR";
  try {
    await conn.run(`CREATE OR REPLACE TEMP TABLE raw_input AS SELECT ${all} FROM ${from}`);
  } catch (error) {
    throw new InputError(source.file, await unreadableProblems(source, error));
  }
  const structural = await rejectedRows(conn, source, { casts: true });
  if (structural.problems.length) {
    throw new InputError(source.file, structural.problems, structural.total - structural.problems.length);
  }
  await refuseEmpty(conn, source, "raw_input");
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE typed_input AS SELECT rowid + 1 AS _row, ${
      typedSelect(mapping, rules, context.dateFormat, security)
    } FROM raw_input`,
  );
  const checks = fileChecks({ ...context, precise: true });
  const { problems, more } = await listProblems(
    conn,
    "typed_input",
    { ...context, precise: true },
    checks,
    maxProblems,
  );
  if (problems.length) throw new InputError(source.file, problems, more);
  const { counts } = await countChecks(conn, "typed_input", context.table, checks);
  return await listWarnings(conn, "typed_input", checks, counts, "_row");
}

/** What a load records, and where. */
interface LoadLog {
  file: string;
  table: FileTable;
  /** Target columns the load writes (mapped, and security_id from --security). */
  columns: string[];
  dateFormat: string;
  mapping: Record<string, string>;
}

/**
 * Finishes a load inside its transaction: upserts `typed_input` into the table (or, with `rows` =
 * the table itself, takes the rows a direct read put there), registers new securities, adds price
 * dates to the calendar and logs the load.
 */
async function load(
  conn: DuckDBConnection,
  rows: string,
  { file, table, columns, dateFormat, mapping }: LoadLog,
  warnings: InputWarning[],
): Promise<IngestFileResult> {
  const dateColumn = Object.keys(RULES[table]).find((c) =>
    RULES[table][c].kind === "date" && RULES[table][c].required
  );
  if (table !== "securities") {
    await conn.run(`INSERT OR IGNORE INTO securities (security_id, name, listed)
      SELECT security_id, security_id, min(${dateColumn}) FROM ${rows} GROUP BY security_id`);
  }
  const [c] = await queryRows(conn, `SELECT count(*) AS n, count(DISTINCT security_id) AS s FROM ${rows}`);
  const stats = rows === table
    ? { inserted: c.n as number, replaced: 0, cleared: {} }
    : await replaceRows(conn, table, rows, columns, { checked: true, defaults: NEW_ROW_DEFAULTS[table] });
  if (table === "prices") await conn.run(`INSERT OR IGNORE INTO calendar SELECT DISTINCT date FROM ${rows}`);
  await logLoad(conn, {
    source: `file:${table}`,
    params: { file, table, mapping, date_format: dateFormat },
  }, c.n as number);
  return {
    file,
    table,
    rows: c.n as number,
    securities: c.s as number,
    dateFormat,
    mapping,
    inserted: stats.inserted,
    replaced: stats.replaced,
    warnings: [
      ...warnings,
      ...Object.entries(stats.cleared).map(([target, count]) => ({
        column: mapping[target] ?? target,
        count,
        rows: [],
        message: `${count} stored value(s) of ${target} cleared: the file's cells are empty there`,
      })),
    ],
  };
}

/** A file with a header and no data rows is an error, not a load of nothing. */
async function refuseEmpty(
  conn: DuckDBConnection,
  source: SourceFile,
  relation = "typed_input",
): Promise<void> {
  const [{ n }] = await queryRows(conn, `SELECT count(*) AS n FROM ${relation}`);
  if (n === 0) {
    throw new InputError(source.file, [{
      expected: "data rows after the header",
      found: `only the header (${source.header.join(", ")})`,
    }]);
  }
}

/**
 * The date format of the file's date columns: the given one, ISO for native Parquet dates, else
 * detected from the first rows. When those cannot tell day-first from month-first, every row is
 * looked at; still ambiguous is an error. `fast` is false when dates carry a time of day (the
 * precise pass strips it).
 */
async function chooseDateFormat(
  conn: DuckDBConnection,
  source: SourceFile,
  rules: Record<string, ColumnRule>,
  mapping: Record<string, string>,
  given: string | undefined,
): Promise<{ dateFormat: string; fast: boolean }> {
  const dateColumns = Object.keys(rules).filter((c) => rules[c].kind === "date" && mapping[c] !== undefined)
    .map((c) => mapping[c]);
  if (dateColumns.length === 0) return { dateFormat: "", fast: true };
  if (source.format === "parquet" && dateColumns.every((c) => nativeType(source.types![c], "date"))) {
    return { dateFormat: given ?? "%Y-%m-%d", fast: true };
  }
  const from = readSql(source);
  const values = dateColumns.map((c) => `${sqlIdent(c)}::VARCHAR`);
  const indexes = dateColumns.map((c) => source.header.indexOf(c));
  const sampled = source.sample?.length
    ? source.sample.flatMap((fields) => indexes.map((k) => fields[k]))
    : (await queryRows(
      conn,
      `SELECT unnest([${values.join(", ")}]) AS v FROM (SELECT * FROM ${from} LIMIT ${SAMPLE_ROWS})`,
    ).catch(() => [])).map((r) => r.v as string | null); // an unreadable file is reported by the read itself
  const samples = sampled.filter((v): v is string => !!v && v.trim() !== "");
  const timed = samples.some((v) => /[ T]\d/.test(v.trim()));
  const fast = source.format === "csv" && !timed;
  if (given) return { dateFormat: given, fast };
  const candidates = dateFormatCandidates(samples.map(stripTime));
  if (candidates.length === 0) {
    if (samples.length === 0) return { dateFormat: "%Y-%m-%d", fast }; // no dates: the row checks say so
    throw new InputError(source.file, [{
      row: 1,
      column: dateColumns[0],
      expected: "a date such as 2020-01-31, 20200131, 01/31/2020 or 31.01.2020 (or pass --date-format)",
      found: `"${samples[0]}"`,
    }]);
  }
  if (candidates.length === 1) return { dateFormat: candidates[0], fast };
  // The first rows cannot tell: count what each reading parses over the whole file.
  const strip = (v: string) => `regexp_replace(trim(${v}), '[ T]\\d.*$', '')`;
  const parsed = (format: string) => values.map((v) => `try_strptime(${strip(v)}, ${sqlString(format)})`);
  const [stats] = await queryRows(
    conn,
    `SELECT count(*) AS rows, ${
      candidates.map((f, k) =>
        `${parsed(f).map((p) => `count(${p})`).join(" + ")} AS ok${k}, ${
          parsed(f).map((p) => `count(*) FILTER (WHERE isodow(${p}) >= 6)`).join(" + ")
        } AS weekend${k}`
      ).join(", ")
    } FROM ${from}`,
  );
  const ok = candidates.map((_, k) => stats[`ok${k}`] as number);
  const best = Math.max(...ok);
  const winners = candidates.filter((_, k) => ok[k] === best);
  if (winners.length === 1) return { dateFormat: winners[0], fast };
  throw new InputError(source.file, [{
    column: dateColumns[0],
    expected: `dates that tell the day from the month, or --date-format: every date reads both as ${
      candidates.map((f, k) => `${f} (${stats[`weekend${k}`]} on a weekend)`).join(" and as ")
    }`,
    found: `${best} dates such as "${samples[0]}", none with a day or month above 12`,
  }]);
}

/** True when a Parquet column type already is a number (DOUBLE, INTEGER, DECIMAL…) or a date/timestamp. */
function nativeType(type: string | undefined, kind: "number" | "date"): boolean {
  if (!type) return false;
  return kind === "number"
    ? /^(DOUBLE|FLOAT|REAL|DECIMAL|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|U\w*INT)/.test(type)
    : /^(DATE|TIMESTAMP)/.test(type);
}

function stripTime(value: string): string {
  return value.trim().replace(/[ T]\d.*$/, "");
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

/** SELECT list that parses each mapped column into its typed form beside its raw text (NULL where unparsable). */
function typedSelect(
  mapping: Record<string, string>,
  rules: Record<string, ColumnRule>,
  dateFormat: string,
  security?: string,
): string {
  return selectList(rules, mapping, security, (target, rule, _src, col) => [
    `${col} AS "raw_${target}"`,
    rule.kind === "date"
      ? `try_strptime(regexp_replace(trim(${col}), '[ T]\\d.*$', ''), ${
        sqlString(dateFormat)
      })::DATE AS ${target}`
      : rule.kind === "number"
      ? `try_cast(trim(${col}) AS DOUBLE) AS ${target}`
      : `${textSql(col, rule)} AS ${target}`,
  ]).join(", ");
}

/**
 * A SELECT list over the rules' targets the file maps: `parts(target, rule, file column, its SQL
 * name)` for each, and the `--security` id as `security_id` when the file has no id column.
 */
function selectList(
  rules: Record<string, ColumnRule>,
  mapping: Record<string, string>,
  security: string | undefined,
  parts: (target: string, rule: ColumnRule, src: string, col: string) => string[],
): string[] {
  const out: string[] = [];
  for (const [target, rule] of Object.entries(rules)) {
    const src = mapping[target];
    if (src !== undefined) out.push(...parts(target, rule, src, sqlIdent(src)));
    else if (target === "security_id" && security) out.push(`${sqlString(security)} AS security_id`);
  }
  return out;
}

/** A text column trimmed: kinds and asset classes lower-cased, free text never NULL (its column is NOT NULL). */
function textSql(col: string, rule: ColumnRule): string {
  if (rule.kind === "kind" || rule.kind === "class") return `lower(trim(${col}))`;
  return rule.kind === "text" ? `coalesce(trim(${col}), '')` : `trim(${col})`;
}
