/**
 * One COTAHIST file into the store: parse (streaming), filter the markets asked for, convert prices to
 * BRL, build the file's rows for `prices`, `b3_quotes`, `securities`, `security_master` and
 * `ticker_history`, merge the master and ticker history with what the store already holds, and upsert
 * everything in ONE `writeTables` transaction — idempotent by (security_id, date).
 */
import { queryRows, type Store } from "../../store/db.ts";
import type { SecurityRow } from "../../store/tables.ts";
import { appendColumns, type Column, writeTables } from "../../store/write.ts";
import { type CotahistQuote, parseCotahist, type ParseReport } from "./cotahist.ts";
import { unitsPerBrl } from "./currency.ts";
import {
  type B3Market,
  type Classification,
  classifyQuote,
  DEFAULT_KEEP,
  isinOf,
  type KeepKind,
  lotSizeOf,
  prefilterFor,
  securityIdOf,
} from "./market.ts";
import { cotahistTexts } from "./source.ts";
import { columnsOf } from "./_utils.ts";
import { TPMERC } from "./layout.ts";

const DAY_MS = 86_400_000;

/** One row of `security_master` (dates as epoch ms). */
export interface MasterRow {
  security_id: string;
  isin: string;
  ticker: string;
  name: string;
  share_class: string;
  market: B3Market;
  codbdi: string;
  especi: string;
  lot_size: number;
  strike: number;
  expiry: number | null;
  first_date: number;
  last_date: number;
  asset_class: SecurityRow["asset_class"];
}

/** One row of `ticker_history`. */
export interface TickerRow {
  security_id: string;
  ticker: string;
  first_date: number;
  last_date: number;
}

/** Options of `loadCotahistFile`. */
export interface LoadOptions {
  /** Instrument kinds to keep (default `DEFAULT_KEEP`: shares and units in the spot market). */
  keep?: readonly KeepKind[];
  /** Stop at the first malformed line. */
  strict?: boolean;
  /** Progress in uncompressed bytes: `(done, total)`. */
  onBytes?: (done: number, total: number) => void;
}

/** Two records for one (security_id, date): the one with the larger traded value is kept. */
export interface DuplicateRecord {
  security_id: string;
  date: string;
  kept: string;
  dropped: string;
}

/** What one file brought. */
export interface FileLoad {
  file: string;
  /** One parse report per COTAHIST text in the file (a ZIP may hold several). */
  reports: ParseReport[];
  /** Price rows upserted (one per security and day). */
  rows: number;
  securities: number;
  /** Rows by instrument kind. */
  byKind: Partial<Record<KeepKind, number>>;
  /** Records dropped as duplicates of a (security_id, date). */
  duplicates: DuplicateRecord[];
  /** Kept records whose MODREF is no Brazilian currency (prices stored as they are). */
  foreignCurrency: number;
  /** First and last trading day in the file (epoch ms), NaN when empty. */
  start: number;
  end: number;
  /** Time spent parsing and filtering, and in all (parse + build + the store transaction). */
  parseSeconds: number;
  seconds: number;
}

/** The file's kept records, column by column. */
interface FileRows {
  id: string[];
  date: number[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  volume: number[];
  ticker: string[];
  trades: number[];
  traded: number[];
  avg: number[];
  bid: number[];
  ask: number[];
}

/**
 * Loads one COTAHIST file (ZIP or TXT) into the store in one transaction. Rerunning it changes
 * nothing; malformed lines are reported in the returned parse reports (or thrown with `strict`).
 *
 * @example
 * ```ts
 * const load = await loadCotahistFile(store, "data/raw/b3/COTAHIST_A2024.ZIP");
 * load.rows; // price rows upserted
 * ```
 */
export async function loadCotahistFile(
  store: Store,
  path: string,
  options: LoadOptions = {},
): Promise<FileLoad> {
  const started = performance.now();
  const keep = new Set(options.keep ?? DEFAULT_KEEP);
  const prefilter = prefilterFor([...keep]);
  const rows: FileRows = {
    id: [],
    date: [],
    open: [],
    high: [],
    low: [],
    close: [],
    volume: [],
    ticker: [],
    trades: [],
    traded: [],
    avg: [],
    bid: [],
    ask: [],
  };
  const master = new Map<string, MasterRow>();
  const tickers = new Map<string, TickerRow>();
  const fractionalIsins = new Set<string>();
  const byKind: Partial<Record<KeepKind, number>> = {};
  const reports: ParseReport[] = [];
  const days = new Set<number>();
  let foreignCurrency = 0;

  const onQuote = (q: CotahistQuote) => {
    if (q.tpmerc === TPMERC.fractional) fractionalIsins.add(isinOf(q.codisi) ?? q.codisi);
    const c = classifyQuote(q);
    if (!c || !keep.has(c.kind)) return;
    let units = unitsPerBrl(q.modref, q.date);
    if (Number.isNaN(units)) {
      foreignCurrency++;
      units = 1;
    }
    const id = securityIdOf(q, c);
    byKind[c.kind] = (byKind[c.kind] ?? 0) + 1;
    rows.id.push(id);
    rows.date.push(q.date);
    rows.open.push(positive(q.preabe) / units);
    rows.high.push(positive(q.premax) / units);
    rows.low.push(positive(q.premin) / units);
    rows.close.push(positive(q.preult) / units);
    rows.volume.push(q.quatot);
    rows.ticker.push(q.codneg);
    rows.trades.push(q.totneg);
    rows.traded.push(q.voltot / units);
    rows.avg.push(positive(q.premed) / units);
    rows.bid.push(positive(q.preofc) / units);
    rows.ask.push(positive(q.preofv) / units);
    noteMaster(master, id, q, c, units);
    const key = `${id}\u0000${q.codneg}`;
    const t = tickers.get(key);
    if (!t) tickers.set(key, { security_id: id, ticker: q.codneg, first_date: q.date, last_date: q.date });
    else {
      t.first_date = Math.min(t.first_date, q.date);
      t.last_date = Math.max(t.last_date, q.date);
    }
  };

  const texts = await cotahistTexts(path);
  const total = texts.reduce((n, t) => n + t.size, 0);
  let before = 0;
  for (const text of texts) {
    const report = await parseCotahist(text.chunks(), {
      file: text.label,
      strict: options.strict,
      prefilter,
      onQuote,
      onIsin: (codisi) => fractionalIsins.add(isinOf(codisi) ?? codisi),
      onProgress: (bytes) => options.onBytes?.(before + bytes, total),
    });
    before += text.size;
    reports.push(report);
    for (const d of report.days) days.add(d);
  }
  const parsed = performance.now();
  for (const m of master.values()) {
    const c = { market: m.market, shareClass: m.share_class, assetClass: m.asset_class } as Classification;
    m.lot_size = lotSizeOf({ fatcot: m.lot_size }, c, fractionalIsins.has(m.isin));
  }

  const order = keyOrder(rows);
  const duplicates: DuplicateRecord[] = [];
  const kept: number[] = [];
  for (const k of order) {
    const last = kept.length ? kept[kept.length - 1] : -1;
    if (last >= 0 && rows.id[last] === rows.id[k] && rows.date[last] === rows.date[k]) {
      const [winner, loser] = rows.traded[k] > rows.traded[last] ? [k, last] : [last, k];
      duplicates.push({
        security_id: rows.id[k],
        date: new Date(rows.date[k]).toISOString().slice(0, 10),
        kept: rows.ticker[winner],
        dropped: rows.ticker[loser],
      });
      kept[kept.length - 1] = winner;
    } else kept.push(k);
  }

  const merged = await mergeWithStore(store, [...master.values()], [...tickers.values()]);
  const pick = <T>(values: T[]) => kept.map((k) => values[k]);
  const f64 = (values: number[]) => Float64Array.from(kept, (k) => values[k]);
  const calendar = Float64Array.from([...days].sort((a, b) => a - b));
  await writeTables(
    store,
    {
      securities: merged.master.map((m) => ({
        security_id: m.security_id,
        name: m.name,
        industry: "",
        asset_class: m.asset_class,
        listed: m.first_date,
        delisted: null,
      })),
      prices: {
        security_id: pick(rows.id),
        date: f64(rows.date),
        open: f64(rows.open),
        high: f64(rows.high),
        low: f64(rows.low),
        close: f64(rows.close),
        volume: f64(rows.volume),
      },
      calendar,
    },
    { source: "b3:cotahist", params: { file: path, keep: [...keep].sort() } },
    {
      extra: {
        security_master: masterColumns(merged.master),
        ticker_history: tickerColumns(merged.tickers),
        b3_quotes: [
          { name: "security_id", type: "VARCHAR", values: pick(rows.id) },
          { name: "date", type: "DATE", values: f64(rows.date) },
          { name: "ticker", type: "VARCHAR", values: pick(rows.ticker) },
          { name: "trades", type: "DOUBLE", values: f64(rows.trades) },
          { name: "traded_value", type: "DOUBLE", values: f64(rows.traded) },
          { name: "avg_price", type: "DOUBLE", values: f64(rows.avg) },
          { name: "best_bid", type: "DOUBLE", values: f64(rows.bid) },
          { name: "best_ask", type: "DOUBLE", values: f64(rows.ask) },
        ],
      },
    },
  );
  return {
    file: path,
    reports,
    rows: kept.length,
    securities: master.size,
    byKind,
    duplicates,
    foreignCurrency,
    start: calendar.length ? calendar[0] : NaN,
    end: calendar.length ? calendar[calendar.length - 1] : NaN,
    parseSeconds: (parsed - started) / 1000,
    seconds: (performance.now() - started) / 1000,
  };
}

/** A price, or NaN for the layout's 0 ("no price", e.g. no bid). */
function positive(price: number): number {
  return price > 0 ? price : NaN;
}

/** Records the latest description of a security (the lot size slot holds FATCOT until the end). */
function noteMaster(
  master: Map<string, MasterRow>,
  id: string,
  q: CotahistQuote,
  c: Classification,
  units: number,
): void {
  const m = master.get(id);
  if (m && q.date < m.last_date) {
    m.first_date = Math.min(m.first_date, q.date);
    return;
  }
  master.set(id, {
    security_id: id,
    isin: isinOf(q.codisi) ?? q.codisi,
    ticker: q.codneg,
    name: q.nomres,
    share_class: c.shareClass,
    market: c.market,
    codbdi: q.codbdi,
    especi: q.especi,
    lot_size: q.fatcot,
    strike: c.market === "call" || c.market === "put" ? q.preexe / units : NaN,
    expiry: c.market === "spot" || c.market === "fractional" ? null : q.datven,
    first_date: m ? Math.min(m.first_date, q.date) : q.date,
    last_date: q.date,
    asset_class: c.assetClass,
  });
}

/** Row indices sorted by (security_id, date). */
function keyOrder(rows: FileRows): Int32Array {
  const order = Int32Array.from(rows.id.keys());
  return order.sort((a, b) =>
    rows.id[a] < rows.id[b] ? -1 : rows.id[a] > rows.id[b] ? 1 : rows.date[a] - rows.date[b]
  );
}

/**
 * Merges the file's master and ticker rows with those already stored for the same ids: first date
 * is the earliest, last date the latest, and the description (ticker, name, class, lot) comes from
 * whichever saw the instrument last.
 */
async function mergeWithStore(
  store: Store,
  master: MasterRow[],
  tickers: TickerRow[],
): Promise<{ master: MasterRow[]; tickers: TickerRow[] }> {
  if (!master.length) return { master, tickers };
  await store.conn.run("CREATE OR REPLACE TEMP TABLE b3_load_ids (security_id VARCHAR)");
  await appendColumns(store.conn, "b3_load_ids", [
    { name: "security_id", type: "VARCHAR", values: master.map((m) => m.security_id) },
  ]);
  const days = (column: string) => `(${column} - DATE '1970-01-01')::INTEGER AS ${column}`;
  const oldMaster = await queryRows(
    store.conn,
    `SELECT m.* EXCLUDE (first_date, last_date, expiry), ${days("first_date")}, ${days("last_date")}, ${
      days("expiry")
    }, s.asset_class FROM security_master m JOIN b3_load_ids USING (security_id)
     LEFT JOIN securities s USING (security_id)`,
  );
  const oldTickers = await queryRows(
    store.conn,
    `SELECT t.security_id, t.ticker, ${days("first_date")}, ${days("last_date")}
     FROM ticker_history t JOIN b3_load_ids USING (security_id)`,
  );
  await store.conn.run("DROP TABLE b3_load_ids");
  const byId = new Map(master.map((m) => [m.security_id, m]));
  for (const r of oldMaster) {
    const now = byId.get(r.security_id as string)!;
    const stored: MasterRow = {
      ...(r as unknown as MasterRow),
      strike: (r.strike as number | null) ?? NaN,
      expiry: r.expiry === null ? null : (r.expiry as number) * DAY_MS,
      first_date: (r.first_date as number) * DAY_MS,
      last_date: (r.last_date as number) * DAY_MS,
    };
    const latest = stored.last_date > now.last_date ? stored : now;
    byId.set(now.security_id, {
      ...latest,
      first_date: Math.min(stored.first_date, now.first_date),
      last_date: Math.max(stored.last_date, now.last_date),
    });
  }
  const byTicker = new Map(tickers.map((t) => [`${t.security_id}\u0000${t.ticker}`, t]));
  for (const r of oldTickers) {
    const key = `${r.security_id}\u0000${r.ticker}`;
    const now = byTicker.get(key);
    const first = (r.first_date as number) * DAY_MS, last = (r.last_date as number) * DAY_MS;
    if (now) {
      now.first_date = Math.min(now.first_date, first);
      now.last_date = Math.max(now.last_date, last);
    }
  }
  return { master: [...byId.values()], tickers: [...byTicker.values()] };
}

function masterColumns(master: MasterRow[]): Column[] {
  return columnsOf(master, [
    ["security_id", "VARCHAR"],
    ["isin", "VARCHAR"],
    ["ticker", "VARCHAR"],
    ["name", "VARCHAR"],
    ["share_class", "VARCHAR"],
    ["market", "VARCHAR"],
    ["codbdi", "VARCHAR"],
    ["especi", "VARCHAR"],
    ["lot_size", "DOUBLE"],
    ["strike", "DOUBLE"],
    ["expiry", "DATE"],
    ["first_date", "DATE"],
    ["last_date", "DATE"],
  ]);
}

function tickerColumns(tickers: TickerRow[]): Column[] {
  return columnsOf(tickers, [["security_id", "VARCHAR"], ["ticker", "VARCHAR"], ["first_date", "DATE"], [
    "last_date",
    "DATE",
  ]]);
}
