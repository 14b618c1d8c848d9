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

/**
 * Loads ingested tables into the store in ONE transaction with idempotent upserts keyed by each
 * table's primary key ((security_id, date) for prices and descriptors): re-loading the same data
 * changes nothing, a corrected row replaces the old one, and a failure leaves the store untouched.
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
): Promise<LoadCounts> {
  const plan: [keyof LoadCounts, Column[]][] = [];
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

  const counts: LoadCounts = {
    securities: 0,
    prices: 0,
    corporate_actions: 0,
    descriptors: 0,
    calendar: 0,
    series: 0,
    series_info: 0,
  };
  await inTransaction(store.conn, async () => {
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
    chunk.setColumns(columns.map((column) => chunkValues(column, offset, rows)));
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
}

/**
 * Appends the columns to a temp table, then upserts them into `table` by its key. Keys must be
 * unique within one load (ingest validates this first).
 */
async function upsert(conn: DuckDBConnection, table: string, columns: Column[]): Promise<number> {
  const staging = `staging_${table}`;
  const names = columns.map((c) => c.name).join(", ");
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${staging} AS SELECT ${names} FROM ${table} LIMIT 0`);
  await appendColumns(conn, staging, columns);
  const n = columns[0].values.length;
  await replaceRows(conn, table, staging, columns.map((c) => c.name));
  await conn.run(`DROP TABLE ${staging}`);
  return n;
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
  const declared = await queryRows(
    conn,
    `SELECT column_name AS name, column_default AS def FROM information_schema.columns
     WHERE table_schema = 'main' AND table_name = ${sqlString(table)} ORDER BY ordinal_position`,
  );
  const on = keys.map((k) => `t.${k} = s.${k}`).join(" AND ");
  const values = columns.filter((c) => !keys.includes(c));
  const [stats] = await queryRows(
    conn,
    `SELECT count(*) AS replaced${
      values.map((c, k) => `, count(*) FILTER (WHERE s.${c} IS NULL AND t.${c} IS NOT NULL) AS c${k}`).join(
        "",
      )
    }, (SELECT count(*) FROM ${source}) AS total FROM ${source} s JOIN ${table} t ON ${on}`,
  );
  const kept = declared.filter((d) => !columns.includes(d.name as string));
  let rows = source;
  if (kept.length) {
    rows = `merged_${table}`;
    const fill = kept.map((d) => {
      const name = d.name as string;
      const fresh = defaults[name] ?? (d.def as string | null) ?? "NULL";
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
  const names = [...columns, ...kept.map((d) => d.name as string)].join(", ");
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
