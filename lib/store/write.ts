import {
  DATE,
  DOUBLE,
  type DuckDBConnection,
  DuckDBDataChunk,
  type DuckDBDateValue,
  type DuckDBVector,
  VARCHAR,
} from "@duckdb/node-api";
import type { Tables } from "./tables.ts";
import { inTransaction, queryRows, sqlString, type Store } from "./db.ts";
import { TABLE_KEYS } from "./schema.ts";
import { rowCounts } from "./check.ts";

const DAY_MS = 86_400_000;

/** A column to load: its SQL type and its values (dates as epoch ms, truncated to the day; NaN/null = NULL). */
export type Column =
  | { name: string; type: "VARCHAR"; values: readonly (string | null)[] }
  | { name: string; type: "DATE" | "DOUBLE"; values: ArrayLike<number | null> };

/** What was loaded, recorded in `ingest_log` (snapshot manifests carry it as generator parameters). */
export interface IngestSource {
  source: string;
  params: Record<string, unknown>;
}

/** Rows loaded per table by one `writeTables` call. */
export type LoadCounts = Record<keyof Required<Tables>, number>;

/** More work for the same `writeTables` transaction. */
export interface WriteMore {
  /** Columns for any other store table (e.g. the B3 tables), upserted by the table's key. */
  extra?: Readonly<Record<string, readonly Column[]>>;
  /**
   * Rows to delete before the upserts, per table: every row whose values match one row of these
   * columns (any subset of the table's columns, e.g. `security_id` alone drops whole securities).
   */
  remove?: Readonly<Record<string, readonly Column[]>>;
}

/**
 * Loads ingested tables into the store in ONE transaction with idempotent upserts keyed by each
 * table's primary key ((security_id, date) for prices and descriptors): re-loading the same data
 * changes nothing, a corrected row replaces the old one, and a failure leaves the store untouched.
 * `more` adds other tables' upserts (`extra`) and deletions (`remove`, run first) to that transaction.
 *
 * @example
 * ```ts
 * const counts = await writeTables(store, generateUniverse({ nSecurities: 20, years: 1 }));
 * counts.prices; // rows upserted
 * ```
 */
export async function writeTables(
  store: Store,
  tables: Partial<Tables>,
  source: IngestSource = { source: "unknown", params: {} },
  { extra = {}, remove = {} }: WriteMore = {},
): Promise<LoadCounts & Record<string, number>> {
  const plan: [string, readonly Column[]][] = [];
  if (tables.securities?.length) {
    const s = tables.securities;
    plan.push(["securities", [
      { name: "security_id", type: "VARCHAR", values: s.map((r) => r.security_id) },
      { name: "name", type: "VARCHAR", values: s.map((r) => r.name) },
      { name: "industry", type: "VARCHAR", values: s.map((r) => r.industry) },
      { name: "asset_class", type: "VARCHAR", values: s.map((r) => r.asset_class ?? "equity") },
      { name: "listed", type: "DATE", values: s.map((r) => r.listed) },
      { name: "delisted", type: "DATE", values: s.map((r) => r.delisted) },
    ]]);
  }
  if (tables.prices?.date.length) {
    const p = tables.prices;
    plan.push(["prices", [
      { name: "security_id", type: "VARCHAR", values: p.security_id },
      { name: "date", type: "DATE", values: p.date },
      { name: "open", type: "DOUBLE", values: p.open },
      { name: "high", type: "DOUBLE", values: p.high },
      { name: "low", type: "DOUBLE", values: p.low },
      { name: "close", type: "DOUBLE", values: p.close },
      { name: "volume", type: "DOUBLE", values: p.volume },
    ]]);
  }
  if (tables.corporate_actions?.ex_date.length) {
    const a = tables.corporate_actions;
    plan.push(["corporate_actions", [
      { name: "security_id", type: "VARCHAR", values: a.security_id },
      { name: "ex_date", type: "DATE", values: a.ex_date },
      { name: "kind", type: "VARCHAR", values: a.kind },
      { name: "value", type: "DOUBLE", values: a.value },
    ]]);
  }
  if (tables.descriptors?.date.length) {
    const d = tables.descriptors;
    plan.push(["descriptors", [
      { name: "security_id", type: "VARCHAR", values: d.security_id },
      { name: "date", type: "DATE", values: d.date },
      { name: "mcap", type: "DOUBLE", values: d.mcap },
      { name: "adv", type: "DOUBLE", values: d.adv },
      { name: "value", type: "DOUBLE", values: d.value },
      { name: "beta", type: "DOUBLE", values: d.beta },
    ]]);
  }
  if (tables.series_info?.length) {
    const s = tables.series_info;
    plan.push(["series_info", [
      { name: "series_id", type: "VARCHAR", values: s.map((r) => r.series_id) },
      { name: "name", type: "VARCHAR", values: s.map((r) => r.name) },
      { name: "kind", type: "VARCHAR", values: s.map((r) => r.kind) },
      { name: "unit", type: "VARCHAR", values: s.map((r) => r.unit) },
      { name: "source", type: "VARCHAR", values: s.map((r) => r.source) },
    ]]);
  }
  if (tables.series?.date.length) {
    const v = tables.series;
    plan.push(["series", [
      { name: "series_id", type: "VARCHAR", values: v.series_id },
      { name: "date", type: "DATE", values: v.date },
      { name: "value", type: "DOUBLE", values: v.value },
    ]]);
  }
  const calendar = tables.calendar?.length
    ? tables.calendar
    : tables.prices && Float64Array.from(new Set(tables.prices.date)).sort();
  if (calendar?.length) plan.push(["calendar", [{ name: "date", type: "DATE", values: calendar }]]);
  for (const [table, columns] of Object.entries(extra)) {
    if (columns[0]?.values.length) plan.push([table, columns]);
  }

  const counts: LoadCounts & Record<string, number> = {
    securities: 0,
    prices: 0,
    corporate_actions: 0,
    descriptors: 0,
    calendar: 0,
    series: 0,
    series_info: 0,
  };
  await inTransaction(store.conn, async () => {
    for (const [table, columns] of Object.entries(remove)) await removeMatching(store.conn, table, columns);
    for (const [table, columns] of plan) counts[table] = await upsert(store.conn, table, columns);
    await logLoad(store.conn, source, Object.values(counts).reduce((a, b) => a + b, 0));
  });
  return counts;
}

/**
 * Records one load in `ingest_log`: source, parameters, rows loaded and the row count of every table
 * after it (what `checkStore` compares the tables with). Call last, inside the load's transaction.
 *
 * @example
 * ```ts
 * await logLoad(store.conn, { source: "file:prices", params: { file } }, 1250);
 * ```
 */
export async function logLoad(conn: DuckDBConnection, source: IngestSource, rows: number): Promise<void> {
  const counts = JSON.stringify(await rowCounts(conn));
  await conn.run(
    `INSERT INTO ingest_log (loaded_at, source, params, rows, counts) VALUES (now()::TIMESTAMP, ${
      sqlString(source.source)
    }, ${sqlString(JSON.stringify(source.params))}, ${rows}, ${sqlString(counts)})`,
  );
}

/** Rows per appended data chunk (DuckDB's vector size). */
const CHUNK_ROWS = 2048;

/**
 * Appends columnar data to an existing table whose columns are, in order, `columns`: one DuckDB
 * data chunk per 2,048 rows through the appender (no per-row calls).
 *
 * @example
 * ```ts
 * await appendColumns(conn, "s", [{ name: "x", type: "DOUBLE", values: Float64Array.of(1, 2) }]);
 * ```
 */
export async function appendColumns(
  conn: DuckDBConnection,
  table: string,
  columns: readonly Column[],
): Promise<void> {
  const appender = await conn.createAppender(table);
  const types = columns.map((c) => c.type === "VARCHAR" ? VARCHAR : c.type === "DATE" ? DATE : DOUBLE);
  const n = columns[0].values.length;
  for (let offset = 0; offset < n; offset += CHUNK_ROWS) {
    const rows = Math.min(CHUNK_ROWS, n - offset);
    const chunk = DuckDBDataChunk.create(types, rows);
    columns.forEach((column, c) => fillVector(chunk.getColumnVector(c), column, offset, rows));
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
}

/** Deletes the rows of `table` whose `columns` values match one staged row. Call inside a transaction. */
async function removeMatching(
  conn: DuckDBConnection,
  table: string,
  columns: readonly Column[],
): Promise<void> {
  const staging = `staging_remove_${table}`;
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE ${staging} AS SELECT ${
      columns.map((c) => c.name).join(", ")
    } FROM ${table} LIMIT 0`,
  );
  await appendColumns(conn, staging, columns);
  await conn.run(
    `DELETE FROM ${table} USING ${staging} s WHERE ${
      columns.map((c) => `${table}.${c.name} = s.${c.name}`).join(" AND ")
    }`,
  );
  await conn.run(`DROP TABLE ${staging}`);
}

/**
 * Appends the columns to a temp table, then upserts them into `table` by its key. Keys must be
 * unique within one load (ingest validates this first).
 */
async function upsert(conn: DuckDBConnection, table: string, columns: readonly Column[]): Promise<number> {
  const n = columns[0].values.length;
  const declared = (await tableColumns(conn, table)).map((d) => d.name);
  const empty = (await queryRows(conn, `SELECT 1 FROM ${table} LIMIT 1`)).length === 0;
  if (empty && declared.join() === columns.map((c) => c.name).join()) {
    // An empty table and every column in order: append straight into it (inside the transaction).
    await appendColumns(conn, table, columns);
    await assertUniqueKeys(conn, table, table);
    return n;
  }
  const staging = `staging_${table}`;
  const names = columns.map((c) => c.name).join(", ");
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${staging} AS SELECT ${names} FROM ${table} LIMIT 0`);
  await appendColumns(conn, staging, columns);
  await replaceRows(conn, table, staging, columns.map((c) => c.name));
  await conn.run(`DROP TABLE ${staging}`);
  return n;
}

/** Throws an `Error` naming the first key of `table`'s key that appears twice in `source`. */
async function assertUniqueKeys(conn: DuckDBConnection, table: string, source: string): Promise<void> {
  const keys = TABLE_KEYS[table];
  const group = `FROM ${source} GROUP BY ${keys.join(", ")} HAVING count(*) > 1`;
  if ((await queryRows(conn, `SELECT 1 ${group} LIMIT 1`)).length === 0) return;
  const [dup] = (await conn.runAndReadAll(
    `SELECT ${keys.map((k) => `${k}::VARCHAR`).join(", ")} ${group} ORDER BY ALL LIMIT 1`,
  )).getRows();
  throw new Error(
    `duplicate key (${keys.join(", ")}) = (${dup.join(", ")}) in the rows loaded into ${table}`,
  );
}

/** A table's columns in order, with their declared DEFAULT expressions. */
async function tableColumns(
  conn: DuckDBConnection,
  table: string,
): Promise<{ name: string; def: string | null }[]> {
  return (await queryRows(
    conn,
    `SELECT column_name AS name, column_default AS def FROM information_schema.columns
     WHERE table_schema = 'main' AND table_name = ${sqlString(table)} ORDER BY ordinal_position`,
  )).map((r) => ({ name: r.name as string, def: r.def as string | null }));
}

/** What `replaceRows` did. */
export interface ReplaceStats {
  /** Rows whose key was new to the table. */
  inserted: number;
  /** Rows that replaced a stored row with the same key. */
  replaced: number;
  /** Per loaded column: stored non-NULL values the load set to NULL (missing in the source). */
  cleared: Record<string, number>;
}

/**
 * Upserts the rows of `source` into `table` by the table's key: refuses duplicate keys within
 * `source` (an `Error` naming the first one; skipped when the caller has `checked` them already),
 * deletes the rows whose keys are being loaded, then inserts. Only `columns` come from `source`:
 * a stored row keeps its values in every other column (a close-only correction keeps open, high,
 * low and volume), and a new row gets the column's `defaults` (SQL over the source row `s`), its
 * declared DEFAULT or NULL there. Call inside a transaction.
 *
 * @example
 * ```ts
 * // staged(security_id, date, close): corrects closes, keeps the other columns
 * const stats = await replaceRows(conn, "prices", "staged", ["security_id", "date", "close"]);
 * stats.replaced; // rows that existed
 * ```
 */
export async function replaceRows(
  conn: DuckDBConnection,
  table: string,
  source: string,
  columns: readonly string[],
  { checked = false, defaults = {} }: { checked?: boolean; defaults?: Record<string, string> } = {},
): Promise<ReplaceStats> {
  const keys = TABLE_KEYS[table];
  if (!checked) await assertUniqueKeys(conn, table, source);
  const declared = await tableColumns(conn, table);
  const on = keys.map((k) => `t.${k} = s.${k}`).join(" AND ");
  const values = columns.filter((c) => !keys.includes(c));
  if ((await queryRows(conn, `SELECT 1 FROM ${table} LIMIT 1`)).length === 0) {
    // Nothing stored yet: nothing to replace, keep or clear.
    const fill = declared.filter((d) => !columns.includes(d.name) && defaults[d.name]);
    const names = [...columns, ...fill.map((d) => d.name)];
    await conn.run(
      `INSERT INTO ${table} (${names.join(", ")}) SELECT ${
        [...columns.map((c) => `s.${c}`), ...fill.map((d) => defaults[d.name])].join(", ")
      } FROM ${source} s`,
    );
    const [{ n }] = await queryRows(conn, `SELECT count(*) AS n FROM ${source}`);
    return { inserted: n as number, replaced: 0, cleared: {} };
  }
  const [stats] = await queryRows(
    conn,
    `SELECT count(*) AS replaced${
      values.map((c, k) => `, count(*) FILTER (WHERE s.${c} IS NULL AND t.${c} IS NOT NULL) AS c${k}`).join(
        "",
      )
    }, (SELECT count(*) FROM ${source}) AS total FROM ${source} s JOIN ${table} t ON ${on}`,
  );
  const kept = declared.filter((d) => !columns.includes(d.name));
  let rows = source;
  if (kept.length) {
    rows = `merged_${table}`;
    const fill = kept.map((d) => {
      const name = d.name;
      const fresh = defaults[name] ?? d.def ?? "NULL";
      return `CASE WHEN t.${keys[0]} IS NULL THEN ${fresh} ELSE t.${name} END AS ${name}`;
    });
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE ${rows} AS SELECT ${columns.map((c) => `s.${c}`).join(", ")}, ${
        fill.join(", ")
      } FROM ${source} s LEFT JOIN ${table} t ON ${on}`,
    );
  }
  await conn.run(
    `DELETE FROM ${table} USING ${rows} s WHERE ${keys.map((k) => `${table}.${k} = s.${k}`).join(" AND ")}`,
  );
  const names = [...columns, ...kept.map((d) => d.name)].join(", ");
  await conn.run(`INSERT INTO ${table} (${names}) SELECT ${names} FROM ${rows}`);
  if (kept.length) await conn.run(`DROP TABLE ${rows}`);
  const replaced = stats.replaced as number;
  return {
    inserted: (stats.total as number) - replaced,
    replaced,
    cleared: Object.fromEntries(
      values.map((c, k) => [c, stats[`c${k}`] as number]).filter(([, n]) => (n as number) > 0),
    ),
  };
}

/**
 * Writes rows `offset … offset + rows` of a column into a chunk's vector, value by value without
 * building DuckDB value objects (NaN/null/undefined → NULL, epoch ms → its DATE), then flushes it.
 */
function fillVector(vector: DuckDBVector, column: Column, offset: number, rows: number): void {
  const values = column.values;
  if (column.type === "DATE") {
    const day = { days: 0 } as DuckDBDateValue; // read by setItem, reused for every row
    const dates = vector as DuckDBVector<DuckDBDateValue>;
    for (let k = 0; k < rows; k++) {
      const value = values[offset + k] as number | null | undefined;
      if (value === null || value === undefined || Number.isNaN(value)) dates.setItem(k, null);
      else {
        (day as { days: number }).days = Math.floor(value / DAY_MS);
        dates.setItem(k, day);
      }
    }
  } else {
    for (let k = 0; k < rows; k++) {
      const value = values[offset + k];
      vector.setItem(
        k,
        value === undefined || (typeof value === "number" && Number.isNaN(value)) ? null : value,
      );
    }
  }
  vector.flush();
}
