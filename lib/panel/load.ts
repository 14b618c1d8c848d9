import type { DuckDBConnection } from "@duckdb/node-api";
import { queryRows, sqlString } from "../store/db.ts";
import { join } from "node:path";
import { withSnapshotViews } from "../snapshot/catalog.ts";
import type { Manifest } from "../snapshot/manifest.ts";
import { type Action, ADJUSTED_FIELDS, adjustPanel } from "../ingest/adjust.ts";
import { type Panel, parseIsoDate } from "./types.ts";
import { lowerBound } from "../util/bisect.ts";
import { sharedFloat64, toShared } from "../util/shared.ts";
import { readBarPanel } from "../bars/panel.ts";
import { type ParquetFile, placedRows, type ReadChunk, readChunks } from "./placed.ts";
import type { Interval } from "../bars/session.ts";
import { checkOptions, optionKeys } from "../util/options.ts";

const DAY_MS = 86_400_000;
const PRICE_FIELDS = ["open", "high", "low", "close", "volume"];
const DESCRIPTOR_FIELDS = ["mcap", "adv", "value", "beta"];
const DERIVED_FIELDS: readonly string[] = ADJUSTED_FIELDS;

/** Every field `loadPanel` knows, in its default order. */
export const PANEL_FIELDS: readonly string[] = [...PRICE_FIELDS, ...DERIVED_FIELDS, ...DESCRIPTOR_FIELDS];

/** What to load. Dates are inclusive `YYYY-MM-DD`. */
export interface PanelQuery {
  /** Fields to load (default: all of `PANEL_FIELDS`). */
  fields?: readonly string[];
  start?: string;
  end?: string;
  /** Restrict to these securities (default: every security of the asset class). */
  securities?: readonly string[];
  /** "equity" (default) for the cross-section; "index" for benchmarks. */
  assetClass?: "equity" | "index";
  periodsPerYear?: number;
  /**
   * Where `ret` comes from: `"adjusted"` (default) derives it from the back-adjusted closes;
   * `"stored"` takes the prices table's own `ret` column as given (vendor returns; NULL = missing),
   * so users with their own return series get exactly their numbers. The other derived fields are
   * still computed from prices.
   */
  returns?: "adjusted" | "stored";
  /**
   * Bar size: `1d` (default) reads the daily `prices`; `1m`, `5m`, `1h` read the store's intraday
   * `bars` (aggregated from finer ones when needed), with `periodsPerYear` = 252 × bars per session
   * (see `lib/bars/panel.ts`).
   */
  interval?: Interval;
}

/** `PanelQuery` plus the snapshot to read. */
export interface LoadPanelOptions extends PanelQuery {
  snapshot: string;
  snapshotsDir?: string;
}

const LOAD_PANEL_KEYS = optionKeys<LoadPanelOptions>({
  snapshot: true,
  snapshotsDir: true,
  fields: true,
  start: true,
  end: true,
  securities: true,
  assetClass: true,
  periodsPerYear: true,
  returns: true,
  interval: true,
});

/**
 * Loads a snapshot into a dense `Panel`: the calendar is every trading day in range on which at
 * least one selected security has a price; securities are sorted by id; missing rows are NaN.
 * Adjusted fields (`adj_close`, `adj_open`, `ret`, `ret_oc`) are derived from raw prices and the
 * snapshot's corporate actions (see `lib/ingest/adjust.ts`), or `ret` is read as stored
 * (`returns: "stored"`). The matrices live in SharedArrayBuffers, so suites hand them to their
 * workers without a copy.
 *
 * @example
 * ```ts
 * const panel = await loadPanel({ snapshot: "demo", fields: ["close", "ret", "mcap"] });
 * panel.fields.ret.length === panel.dates.length * panel.securityIds.length; // => true
 * ```
 */
export async function loadPanel(options: LoadPanelOptions): Promise<Panel> {
  checkOptions("loadPanel", options, LOAD_PANEL_KEYS);
  return await withSnapshotViews(options.snapshot, options.snapshotsDir, async (views) => {
    // A second connection reads the descriptors and corporate actions while the first scans the prices.
    const conn = await views.connect();
    try {
      const second = await views.connect();
      try {
        return await readPanel(conn, options, { second, parquet: snapshotFiles(views.dir, views.manifest) });
      } finally {
        second.closeSync();
      }
    } finally {
      conn.closeSync();
    }
  });
}

/** The snapshot's `prices` and `descriptors` Parquet files (those its manifest lists, with their hashes). */
function snapshotFiles(dir: string, manifest: Manifest): ReadPanelOptions["parquet"] {
  const files: ReadPanelOptions["parquet"] = {};
  for (const table of ["prices", "descriptors", "bars"] as const) {
    const listed = manifest.files[`${table}.parquet`];
    if (listed) files[table] = { path: join(dir, `${table}.parquet`), sha256: listed.sha256 };
  }
  return files;
}

/** Where `readPanel` may read beside its connection. */
export interface ReadPanelOptions {
  /**
   * Another connection to the same database: the descriptors and corporate actions are read on it
   * while the prices are scanned on the first.
   */
  second?: DuckDBConnection;
  /**
   * The Parquet files behind the `prices` and `descriptors` views (a snapshot's), grouped by
   * security_id as `createSnapshot` writes them: rows are then placed by their position in the file
   * (each security's run of rows, counted first) instead of by a join on security_id.
   */
  parquet?: Partial<Record<"prices" | "descriptors" | "bars", ParquetFile>>;
}

/**
 * Reads a panel from any connection that has the store's tables or views (an open snapshot or the
 * store itself). See `loadPanel` and `ReadPanelOptions`.
 */
export async function readPanel(
  conn: DuckDBConnection,
  query: PanelQuery = {},
  { second, parquet = {} }: ReadPanelOptions = {},
): Promise<Panel> {
  if (query.interval !== undefined && query.interval !== "1d") {
    return await readBarPanel(conn, { ...query, interval: query.interval }, parquet.bars);
  }
  const fields = query.fields ?? PANEL_FIELDS;
  for (const name of fields) {
    if (!PANEL_FIELDS.includes(name)) {
      throw new RangeError(`unknown panel field "${name}"; expected one of ${PANEL_FIELDS.join(", ")}`);
    }
  }
  const wanted = new Set(fields);
  const storedRet = query.returns === "stored" && wanted.has("ret");
  if (query.returns !== undefined && query.returns !== "adjusted" && query.returns !== "stored") {
    throw new RangeError(`returns must be "adjusted" or "stored", found ${JSON.stringify(query.returns)}`);
  }
  if (storedRet) await requireColumn(conn, "prices", "ret", 'returns: "stored"');
  const needsPrices = DERIVED_FIELDS.some((f) => wanted.has(f) && !(storedRet && f === "ret"));
  // Returns inside a window need each security's last close before it: derived fields are computed
  // over the history up to `end` and the leading dates are dropped afterwards.
  const start = query.start ? `DATE ${sqlString(isoChecked(query.start))}` : "";
  const dateWhere = [
    start && !needsPrices ? `date >= ${start}` : "",
    query.end ? `date <= DATE ${sqlString(isoChecked(query.end))}` : "",
  ].filter(Boolean).join(" AND ") || "TRUE";
  const secWhere = [
    `asset_class = ${sqlString(query.assetClass ?? "equity")}`,
    query.securities ? `security_id IN (${query.securities.map(sqlString).join(", ") || "NULL"})` : "",
  ].filter(Boolean).join(" AND ");

  // Adjusted closes and returns need only closes: open is read when asked for or for adj_open / ret_oc.
  const needsOpen = wanted.has("adj_open") || wanted.has("ret_oc");
  const priceFields = PRICE_FIELDS.filter((f) =>
    wanted.has(f) || (needsPrices && f === "close") || (needsOpen && f === "open")
  ).concat(storedRet ? ["ret"] : []);
  const descriptorFields = DESCRIPTOR_FIELDS.filter((f) => wanted.has(f));

  // Temp tables belong to their connection: each connection that scans gets its own `panel_sec`.
  const secSql = `CREATE OR REPLACE TEMP TABLE panel_sec AS
    SELECT security_id, industry, (row_number() OVER (ORDER BY security_id) - 1)::INTEGER AS i
    FROM securities WHERE ${secWhere}`;
  await conn.run(secSql);
  const secs = await queryRows(conn, "SELECT security_id, industry FROM panel_sec ORDER BY i");
  const nS = secs.length;
  const index = new Map(secs.map((r, i) => [r.security_id as string, i]));
  const read = async (on: DuckDBConnection, table: "prices" | "descriptors", names: readonly string[]) => {
    const file = parquet[table];
    const placed = file ? await placedRows(on, file, dayColumns(names), dateWhere, index) : null;
    return placed ?? await keyedRows(on, table, names, dateWhere);
  };
  const readDescriptors = (on: DuckDBConnection) => read(on, "descriptors", descriptorFields);
  // The descriptors and corporate actions are read on the second connection while the prices are
  // scanned on this one; the outcome is held (never left rejected) until it is awaited below.
  const early = second
    ? settle((async () => {
      await second.run(secSql);
      const descriptors = descriptorFields.length ? await readDescriptors(second) : [];
      return { descriptors, actions: needsPrices ? await readActions(second, nS, query.end) : [] };
    })())
    : null;
  try {
    // One scan of the prices gives the calendar (the days with a price) and the price matrices.
    const priceRows = await read(conn, "prices", priceFields);
    const calendar = calendarOf(priceRows, nS);
    const dates = Float64Array.from(calendar.days, (d) => d * DAY_MS);
    const loaded = scatter(priceRows, priceFields, calendar);
    const side = early ? unsettle(await early) : null;
    if (descriptorFields.length) {
      Object.assign(
        loaded,
        scatter(side?.descriptors ?? await readDescriptors(conn), descriptorFields, calendar),
      );
    }
    if (needsPrices) {
      const actions = side?.actions ?? await readActions(conn, nS, query.end);
      // Without open, the closes stand in for it: only adj_open and ret_oc read it, and they are not kept.
      const open = needsOpen ? loaded.open : loaded.close;
      const derived = ADJUSTED_FIELDS.filter((f) => wanted.has(f) && !(storedRet && f === "ret"));
      Object.assign(loaded, adjustPanel(dates, nS, loaded.close, open, actions, derived));
    }
    const lead = start ? lowerBound(dates, parseIsoDate(query.start!)) : 0;
    const out: Record<string, Float64Array> = {};
    for (const name of fields) {
      const matrix = loaded[name];
      out[name] = lead ? toShared(matrix.slice(lead * nS)) : toShared(matrix);
    }
    return {
      dates: lead ? dates.slice(lead) : dates,
      securityIds: secs.map((r) => r.security_id as string),
      industries: secs.map((r) => (r.industry as string) ?? ""),
      fields: out,
      periodsPerYear: query.periodsPerYear ?? 252,
    };
  } finally {
    if (early) await early;
  }
}

/** A promise's outcome, held as a value so that a rejection waits to be rethrown by `unsettle`. */
type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then((value) => ({ ok: true, value }), (error) => ({ ok: false, error }));
}

function unsettle<T>(settled: Settled<T>): T {
  if (!settled.ok) throw settled.error;
  return settled.value;
}

/** `(day, f1, f2, …)` of a keyed table's row: the date as days since 1970, NULL fields as NaN. */
function dayColumns(names: readonly string[], prefix = ""): string[] {
  return [
    `(${prefix}date - DATE '1970-01-01')::INTEGER`,
    ...names.map((n) => `coalesce(${prefix}${n}::DOUBLE, 'NaN'::DOUBLE)`),
  ];
}

/** The `(i, day, f1, f2, …)` rows of a keyed table for the `panel_sec` securities (`i` their index). */
function keyedRows(
  conn: DuckDBConnection,
  table: string,
  names: readonly string[],
  dateWhere: string,
): Promise<ReadChunk[]> {
  return readChunks(
    conn,
    `SELECT s.i, ${dayColumns(names, "x.").join(", ")}
     FROM ${table} x JOIN panel_sec s USING (security_id) WHERE ${dateWhere}`,
  );
}

/** The panel's calendar: its days ascending, and the row of each day from `first` on (−1 = none). */
interface Calendar {
  days: Int32Array;
  first: number;
  rowOf: Int32Array;
  nS: number;
}

/** The calendar of the days present in `chunks` (column 1 of `keyedRows`). */
function calendarOf(chunks: readonly ReadChunk[], nS: number): Calendar {
  let first = Infinity, last = -Infinity;
  for (const { n, columns: [sec, day] } of chunks) {
    for (let k = 0; k < n; k++) {
      if (sec[k] < 0) continue;
      if (day[k] < first) first = day[k];
      if (day[k] > last) last = day[k];
    }
  }
  if (first > last) return { days: new Int32Array(0), first: 0, rowOf: new Int32Array(0), nS };
  const seen = new Uint8Array(last - first + 1);
  for (const { n, columns: [sec, day] } of chunks) {
    for (let k = 0; k < n; k++) if (sec[k] >= 0) seen[day[k] - first] = 1;
  }
  const rowOf = new Int32Array(seen.length).fill(-1);
  const days: number[] = [];
  for (let k = 0; k < seen.length; k++) if (seen[k]) rowOf[k] = days.push(first + k) - 1;
  return { days: Int32Array.from(days), first, rowOf, nS };
}

/**
 * Places `keyedRows` chunks into dense date-major matrices over `calendar` (NaN where absent); rows
 * on days outside the calendar are dropped.
 */
function scatter(
  chunks: readonly ReadChunk[],
  names: readonly string[],
  calendar: Calendar,
): Record<string, Float64Array> {
  const { first, rowOf, nS } = calendar;
  const matrices = names.map(() => sharedFloat64(calendar.days.length * nS).fill(NaN));
  let cell = new Int32Array(0);
  for (const { n, columns } of chunks) {
    const [sec, day] = columns;
    if (cell.length < n) cell = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const d = day[k] - first;
      const t = d >= 0 && d < rowOf.length && sec[k] >= 0 ? rowOf[d] : -1;
      cell[k] = t < 0 ? -1 : t * nS + sec[k];
    }
    for (let f = 0; f < names.length; f++) {
      const values = columns[f + 2];
      const matrix = matrices[f];
      for (let k = 0; k < n; k++) if (cell[k] >= 0) matrix[cell[k]] = values[k];
    }
  }
  return Object.fromEntries(names.map((n, f) => [n, matrices[f]]));
}

/** Throws a `RangeError` naming the columns present when `table` has no column `column`. */
async function requireColumn(conn: DuckDBConnection, table: string, column: string, why: string) {
  const columns = (await queryRows(conn, `SELECT column_name FROM (DESCRIBE ${table})`))
    .map((r) => r.column_name as string);
  if (!columns.includes(column)) {
    throw new RangeError(
      `${why} needs a "${column}" column in ${table}; columns present: ${columns.join(", ")}`,
    );
  }
}

/**
 * Corporate actions per panel security (index order, from the `panel_sec` temp table), up to `end`.
 * Shared with the bar panel (`lib/bars/panel.ts`).
 */
export async function readActions(conn: DuckDBConnection, nS: number, end?: string): Promise<Action[][]> {
  const actions: Action[][] = Array.from({ length: nS }, () => []);
  const rows = await queryRows(
    conn,
    `SELECT s.i, (a.ex_date - DATE '1970-01-01')::INTEGER AS d, a.kind, a.value
     FROM corporate_actions a JOIN panel_sec s USING (security_id)
     ${end ? `WHERE a.ex_date <= DATE ${sqlString(end)}` : ""}`,
  );
  for (const r of rows) {
    actions[r.i as number].push({
      ex_date: (r.d as number) * DAY_MS,
      kind: r.kind as Action["kind"],
      value: r.value as number,
    });
  }
  return actions;
}

function isoChecked(text: string): string {
  parseIsoDate(text);
  return text;
}
