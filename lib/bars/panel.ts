/**
 * Panels of intraday bars: the same dense shape as daily panels, with bar starts (UTC epoch ms) on
 * the time axis and `periodsPerYear` = 252 × bars per session of the interval (`barsPerYear`), so
 * every metric annualises by the bar size. An interval not stored is aggregated on load from every
 * finer stored interval (`aggregateRows`: `aggregateBars`' rules applied to the rows read, no dense
 * matrices of the finer bars; where two sources cover a bar, the coarser one, e.g. 5m bars kept by
 * the retention rule for old dates, and 1m bars for recent ones). `ret` is the
 * close-to-close return of the adjusted closes from one bar to the next (overnight in the first bar
 * of a session; corporate actions apply from the first bar on their ex-date), `ret_oc` the bar's
 * own close/open − 1; descriptors (mcap, adv, value, beta) are the last ones known before the bar's
 * session, i.e. as of the previous session's close.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { ADJUSTED_FIELDS, adjustPanel } from "../ingest/adjust.ts";
import { PANEL_FIELDS, type PanelQuery, readActions } from "../panel/load.ts";
import { type ParquetFile, placedRows, readChunks } from "../panel/placed.ts";
import { type Panel, parseIsoDate } from "../panel/types.ts";
import { queryRows, sqlString } from "../store/db.ts";
import { lowerBound } from "../util/bisect.ts";
import { toShared } from "../util/shared.ts";
import { aggregateRows, type BarRows, type Bars } from "./aggregate.ts";
import { denseRows } from "./dense.ts";
import { timeAxis } from "./time_axis.ts";
import {
  barsPerYear,
  type Interval,
  INTERVAL_MINUTES,
  INTERVALS,
  type Session,
  sessionDays,
  sessionOf,
} from "./session.ts";

const DAY_MS = 86_400_000;
const OHLCV = ["open", "high", "low", "close", "volume"] as const;
const DESCRIPTORS = ["mcap", "adv", "value", "beta"];

/** Minutes of an interval (a session for `1d`), to order intervals. */
function minutes(interval: Interval): number {
  return interval === "1d" ? Infinity : INTERVAL_MINUTES[interval];
}

/** The rows of one stored interval as read (chunk by chunk) and their time axis (`timeAxis`). */
interface StoredScan {
  readonly dates: Float64Array;
  readonly chunks: BarRows[];
  /** The DuckDB chunks read, held while their columns (views of their memory) are in use. */
  readonly held: readonly unknown[];
}

/**
 * Reads the bars of one stored interval of the `panel_sec` securities (`index`: their indices) in one
 * scan, streamed, and builds their time axis from the rows read. Rows of the snapshot's file (`file`,
 * grouped by security) are placed by their runs (`placedRows`), others by a join on security_id.
 */
async function scanStored(
  conn: DuckDBConnection,
  interval: Interval,
  index: ReadonlyMap<string, number>,
  file?: ParquetFile,
  end?: string,
): Promise<StoredScan> {
  const where = `interval = ${sqlString(interval)}${
    end ? ` AND CAST(ts AS DATE) <= DATE ${sqlString(end)}` : ""
  }`;
  const columns = ["epoch_ms(ts)::DOUBLE", ...OHLCV.map((c) => `coalesce(${c}, 'NaN'::DOUBLE)`)];
  const read = (file && await placedRows(conn, file, columns, where, index)) ??
    await readChunks(
      conn,
      `SELECT s.i, ${columns.join(", ")} FROM bars JOIN panel_sec s USING (security_id) WHERE ${where}`,
    );
  const { dates, rows } = timeAxis(read.map(({ columns }) => columns[1]));
  const chunks = read.map(({ columns: [sec, , open, high, low, close, volume] }, c) => ({
    row: rows[c],
    sec,
    open,
    high,
    low,
    close,
    volume,
  }));
  return { dates, chunks, held: read };
}

/** Bars from several sources on one time axis: each bar row from the first source (in order) that has it. */
function mergeSources(sources: readonly Bars[], nS: number): Bars {
  if (sources.length === 1) return sources[0];
  const all = Float64Array.from(new Set(sources.flatMap((b) => [...b.dates]))).sort();
  const merged = OHLCV.map(() => new Float64Array(all.length * nS).fill(NaN));
  const taken = new Uint8Array(all.length);
  for (const source of sources) {
    for (let t = 0; t < source.dates.length; t++) {
      const at = lowerBound(all, source.dates[t]);
      if (taken[at]) continue;
      taken[at] = 1;
      OHLCV.forEach((f, k) => merged[k].set(source[f].subarray(t * nS, (t + 1) * nS), at * nS));
    }
  }
  const [open, high, low, close, volume] = merged;
  return { dates: all, nSecurities: nS, open, high, low, close, volume };
}

/** Descriptors dated before each bar's session (as of the previous session's close). */
async function descriptorsAsOf(
  conn: DuckDBConnection,
  names: readonly string[],
  dates: Float64Array,
  sessionDay: Float64Array,
  nS: number,
): Promise<Record<string, Float64Array>> {
  const rows = await queryRows(
    conn,
    `SELECT s.i, (d.date - DATE '1970-01-01')::INTEGER AS day, ${
      names.map((n) => `d.${n}::DOUBLE AS ${n}`).join(", ")
    }
     FROM descriptors d JOIN panel_sec s USING (security_id) ORDER BY d.date`,
  );
  const days = Float64Array.from(new Set(rows.map((r) => (r.day as number) * DAY_MS))).sort();
  const daily = names.map(() => new Float64Array(days.length * nS).fill(NaN));
  for (const r of rows) {
    const d = lowerBound(days, (r.day as number) * DAY_MS);
    names.forEach((n, k) => (daily[k][d * nS + (r.i as number)] = (r[n] as number | null) ?? NaN));
  }
  const out: Record<string, Float64Array> = {};
  names.forEach((n, k) => {
    const m = new Float64Array(dates.length * nS).fill(NaN);
    for (let t = 0; t < dates.length; t++) {
      const d = lowerBound(days, sessionDay[t]) - 1; // last descriptor date strictly before the session
      if (d >= 0) m.set(daily[k].subarray(d * nS, (d + 1) * nS), t * nS);
    }
    out[n] = m;
  });
  return out;
}

/**
 * Reads a panel of `query.interval` bars (see the module doc) from a connection with the store's
 * tables (a snapshot or the store). The selected securities must share one session (`bar_sessions`).
 * `file`, the Parquet file behind the `bars` view (a snapshot's), lets rows be placed without a join.
 *
 * @example
 * ```ts
 * const panel = await readBarPanel(snapshot.conn, { interval: "5m", fields: ["close", "ret"] });
 * panel.periodsPerYear; // => 19656 on NYSE (252 × 78)
 * ```
 */
export async function readBarPanel(
  conn: DuckDBConnection,
  query: PanelQuery & { interval: Interval },
  file?: ParquetFile,
): Promise<Panel> {
  const interval = query.interval;
  if (!(INTERVALS as readonly string[]).includes(interval)) {
    throw new RangeError(`unknown interval "${interval}"; intervals: ${INTERVALS.join(", ")}`);
  }
  const fields = query.fields ?? PANEL_FIELDS;
  for (const name of fields) {
    if (!PANEL_FIELDS.includes(name)) {
      throw new RangeError(`unknown panel field "${name}"; expected one of ${PANEL_FIELDS.join(", ")}`);
    }
  }
  if (query.start) parseIsoDate(query.start);
  if (query.end) parseIsoDate(query.end);
  const secWhere = [
    `asset_class = ${sqlString(query.assetClass ?? "equity")}`,
    query.securities ? `security_id IN (${query.securities.map(sqlString).join(", ") || "NULL"})` : "",
  ].filter(Boolean).join(" AND ");
  await conn.run(`CREATE OR REPLACE TEMP TABLE panel_sec AS
    SELECT security_id, industry, session, (row_number() OVER (ORDER BY security_id) - 1)::INTEGER AS i
    FROM securities JOIN bar_sessions USING (security_id) WHERE ${secWhere}`);
  const secs = await queryRows(conn, "SELECT security_id, industry, session FROM panel_sec ORDER BY i");
  if (secs.length === 0) {
    throw new RangeError(`no security with bars${query.securities ? " among those asked" : ""}`);
  }
  const sessionNames = [...new Set(secs.map((r) => r.session as string))];
  if (sessionNames.length > 1) {
    throw new RangeError(
      `the securities trade in different sessions (${sessionNames.join(", ")}): load each session's apart`,
    );
  }
  const session = sessionOf(sessionNames[0]);
  const nS = secs.length;
  const index = new Map(secs.map((r, i) => [r.security_id as string, i]));
  const stored =
    (await queryRows(conn, "SELECT DISTINCT interval FROM bars JOIN panel_sec USING (security_id)"))
      .map((r) => r.interval as Interval).sort((a, b) => minutes(b) - minutes(a));
  const sources = stored.filter((s) => minutes(s) <= minutes(interval));
  if (sources.length === 0) {
    throw new RangeError(
      `no ${interval} bars or finer to build them from (stored: ${stored.join(", ") || "none"})`,
    );
  }
  const aggregated: Bars[] = [];
  for (const source of sources) {
    const scan = await scanStored(conn, source, index, file, query.end);
    // a coarser interval straight from the rows read: no dense matrices of the finer bars
    aggregated.push(
      source === interval
        ? denseRows(scan.dates, scan.chunks, nS)
        : aggregateRows(scan.dates, scan.chunks, nS, session, interval),
    );
  }
  const bars = mergeSources(aggregated, nS);
  const { dates } = bars;
  const wanted = new Set(fields);
  const loaded: Record<string, Float64Array> = { ...Object.fromEntries(OHLCV.map((f) => [f, bars[f]])) };
  const derived = ADJUSTED_FIELDS.filter((f) => wanted.has(f)); // only those asked for are computed
  if (derived.length) {
    const actions = await readActions(conn, nS, query.end);
    Object.assign(loaded, adjustPanel(dates, nS, bars.close, bars.open, actions, derived));
  }
  const asked = DESCRIPTORS.filter((f) => wanted.has(f));
  if (asked.length) {
    Object.assign(loaded, await descriptorsAsOf(conn, asked, dates, sessionDays(dates, session), nS));
  }
  const lead = query.start ? lowerBound(dates, parseIsoDate(query.start)) : 0;
  return {
    dates: lead ? dates.slice(lead) : dates,
    securityIds: secs.map((r) => r.security_id as string),
    industries: secs.map((r) => (r.industry as string) ?? ""),
    fields: Object.fromEntries(
      fields.map((f) => [f, toShared(lead ? loaded[f].slice(lead * nS) : loaded[f])]),
    ),
    periodsPerYear: query.periodsPerYear ?? barsPerYear(interval, session),
  };
}

/**
 * The session the securities trade in (from `bar_sessions`), or a `RangeError` when they have no bars
 * or trade in several sessions.
 *
 * @example
 * ```ts
 * (await readBarSession(snapshot.conn, panel.securityIds)).name; // => "B3"
 * ```
 */
export async function readBarSession(
  conn: DuckDBConnection,
  securityIds: readonly string[],
): Promise<Session> {
  const rows = await queryRows(
    conn,
    `SELECT DISTINCT session FROM bar_sessions WHERE security_id IN (${
      securityIds.map(sqlString).join(", ") || "NULL"
    }) ORDER BY session`,
  );
  if (rows.length !== 1) {
    throw new RangeError(
      rows.length
        ? `the securities trade in different sessions (${rows.map((r) => r.session).join(", ")})`
        : "the securities have no intraday bars (no session in bar_sessions)",
    );
  }
  return sessionOf(rows[0].session as string);
}
