import {
  DATE,
  DOUBLE,
  type DuckDBConnection,
  DuckDBDataChunk,
  DuckDBDateValue,
  type DuckDBValue,
  VARCHAR,
} from "@duckdb/node-api";
import type { Tables } from "./tables.ts";
import { inTransaction, sqlString, type Store } from "./db.ts";
import { TABLE_KEYS } from "./schema.ts";

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
    const rows = Object.values(counts).reduce((a, b) => a + b, 0);
    await store.conn.run(
      `INSERT INTO ingest_log VALUES (now()::TIMESTAMP, ${sqlString(source.source)}, ${
        sqlString(JSON.stringify(source.params))
      }, ${rows})`,
    );
  });
  return counts;
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
    chunk.setColumns(columns.map((column) => chunkValues(column, offset, rows)));
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
  const staging = `staging_${table}`;
  const names = columns.map((c) => c.name).join(", ");
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${staging} AS SELECT ${names} FROM ${table} LIMIT 0`);
  await appendColumns(conn, staging, columns);
  const n = columns[0].values.length;
  await replaceRows(conn, table, staging, columns.map((c) => c.name));
  await conn.run(`DROP TABLE ${staging}`);
  return n;
}

/**
 * Upserts the rows of `source` into `table` by the table's key: refuses duplicate keys within
 * `source` (an `Error` naming the first one; skipped when the caller has `checked` them already),
 * deletes the rows whose keys are being loaded, then inserts. Call inside a transaction.
 */
export async function replaceRows(
  conn: DuckDBConnection,
  table: string,
  source: string,
  columns: readonly string[],
  { checked = false } = {},
): Promise<void> {
  const keys = TABLE_KEYS[table];
  const dup = checked ? undefined : await conn.runAndReadAll(
    `SELECT ${
      keys.map((k) => `${k}::VARCHAR`).join(", ")
    } FROM ${source} GROUP BY ALL HAVING count(*) > 1 LIMIT 1`,
  );
  if (dup && dup.currentRowCount > 0) {
    throw new Error(
      `duplicate key (${keys.join(", ")}) = (${
        dup.getRows()[0].join(", ")
      }) in the rows loaded into ${table}`,
    );
  }
  await conn.run(
    `DELETE FROM ${table} USING ${source} s WHERE ${keys.map((k) => `${table}.${k} = s.${k}`).join(" AND ")}`,
  );
  const names = columns.join(", ");
  await conn.run(`INSERT INTO ${table} (${names}) SELECT ${names} FROM ${source}`);
}

/** One chunk of a column as DuckDB values (NaN/null/undefined → NULL, epoch ms → its DATE). */
function chunkValues(column: Column, offset: number, rows: number): DuckDBValue[] {
  const out: DuckDBValue[] = new Array(rows);
  for (let k = 0; k < rows; k++) {
    const value = column.values[offset + k];
    if (value === null || value === undefined || (typeof value === "number" && Number.isNaN(value))) {
      out[k] = null;
    } else if (column.type === "DATE") out[k] = new DuckDBDateValue(Math.floor((value as number) / DAY_MS));
    else out[k] = value;
  }
  return out;
}
