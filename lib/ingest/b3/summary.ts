/**
 * Step 8 of the B3 pipeline, and what the B3 notebook shows: the B3 part of the store at a glance,
 * and the liquidity-ranked universe.
 */
import { queryRows, sqlString, type Store } from "../../store/db.ts";

/** The B3 part of the store. */
export interface B3Summary {
  /** Price rows of B3 instruments. */
  records: number;
  /** Distinct tickers ever seen. */
  tickers: number;
  /** B3 instruments by `securities.asset_class`. */
  byAssetClass: Record<string, number>;
  /** Sessions (distinct trading days with B3 prices). */
  sessions: number;
  start: string | null;
  end: string | null;
  corporateActions: { splits: number; dividends: number };
  detectedSplits: { applied: number; published: number; rejected: number };
  /** Rate and benchmark series: rows and range. */
  series: { series_id: string; rows: number; start: string | null; end: string | null }[];
}

/**
 * Counts and ranges of the B3 tables.
 *
 * @example
 * ```ts
 * const s = await b3Summary(store);
 * s.byAssetClass.equity; // shares in the cross-section
 * ```
 */
export async function b3Summary(store: Store): Promise<B3Summary> {
  const q = (sql: string) => queryRows(store.conn, sql);
  const [p] = await q(`SELECT count(*) AS n, count(DISTINCT date) AS days, min(date)::VARCHAR AS lo,
      max(date)::VARCHAR AS hi FROM prices JOIN security_master USING (security_id)`);
  const [t] = await q("SELECT count(DISTINCT ticker) AS n FROM ticker_history");
  const classes = await q(
    `SELECT asset_class, count(*) AS n FROM securities JOIN security_master USING (security_id)
      GROUP BY asset_class ORDER BY asset_class`,
  );
  const [ca] = await q(
    `SELECT count(*) FILTER (kind = 'split') AS splits, count(*) FILTER (kind = 'dividend') AS dividends
      FROM corporate_actions JOIN security_master USING (security_id)`,
  );
  const [ds] = await q(`SELECT count(*) FILTER (status = 'applied') AS applied,
      count(*) FILTER (status = 'published') AS published, count(*) FILTER (status = 'rejected') AS rejected
      FROM detected_splits`);
  const series = await q(
    `SELECT series_id, count(*) AS rows, min(date)::VARCHAR AS start, max(date)::VARCHAR AS "end"
      FROM series WHERE series_id IN ('CDI', 'IBOV') GROUP BY series_id ORDER BY series_id`,
  );
  return {
    records: p.n as number,
    tickers: t.n as number,
    byAssetClass: Object.fromEntries(classes.map((r) => [r.asset_class as string, r.n as number])),
    sessions: p.days as number,
    start: (p.lo as string | null) ?? null,
    end: (p.hi as string | null) ?? null,
    corporateActions: { splits: (ca.splits as number) ?? 0, dividends: (ca.dividends as number) ?? 0 },
    detectedSplits: {
      applied: (ds.applied as number) ?? 0,
      published: (ds.published as number) ?? 0,
      rejected: (ds.rejected as number) ?? 0,
    },
    series: series.map((r) => ({
      series_id: r.series_id as string,
      rows: r.rows as number,
      start: r.start as string,
      end: r.end as string,
    })),
  };
}

/**
 * The summary's headline as one record for `show` (key/value rows): records, tickers and sessions, the
 * date range, then the instruments per asset class as `<class> securities`, so each reads as a count
 * (`equity: 30` alone reads as money and would show `30.00`).
 *
 * @example
 * ```ts
 * await show(b3Overview(await b3Summary(store)));
 * // records 21,510 · tickers 34 · sessions 747 · start 2022-01-03 · end 2024-12-30 · equity securities 30 · …
 * ```
 */
export function b3Overview(summary: B3Summary): Record<string, number | string | null> {
  const { records, tickers, sessions, start, end, byAssetClass } = summary;
  const classes = Object.entries(byAssetClass).map(([cls, n]) => [`${cls} securities`, n]);
  return { records, tickers, sessions, start, end, ...Object.fromEntries(classes) };
}

/** One instrument of the liquidity-ranked universe. */
export interface LiquidityRow {
  rank: number;
  security_id: string;
  ticker: string;
  share_class: string;
  lot_size: number;
  /** Median daily traded value (BRL) over the window. */
  median_traded_value: number;
  /** Sessions traded over the window, of `sessions`. */
  days_traded: number;
  sessions: number;
  median_trades: number;
}

/** Options of `liquidityUniverse`. */
export interface LiquidityOptions {
  /** Last day of the window (YYYY-MM-DD; default the last B3 session). */
  end?: string;
  /** Window length in sessions (default 63, a quarter). */
  sessions?: number;
  /** Keep the N most liquid (default 20). */
  top?: number;
  /** Asset classes to rank (default ["equity"], the cross-section). */
  assetClasses?: readonly string[];
}

/**
 * The most liquid B3 instruments over the last `sessions` sessions up to `end`: ranked by median
 * daily traded value (BRL), with how often they traded and their median number of trades — the
 * usual first cut of a Brazilian equity universe.
 *
 * @example
 * ```ts
 * await show(await liquidityUniverse(store, { top: 10 }));
 * ```
 */
export async function liquidityUniverse(
  store: Store,
  options: LiquidityOptions = {},
): Promise<LiquidityRow[]> {
  const { sessions = 63, top = 20, assetClasses = ["equity"] } = options;
  const endClause = options.end ? `AND q.date <= DATE ${sqlString(options.end)}` : "";
  const rows = await queryRows(
    store.conn,
    `WITH window_days AS (
       SELECT DISTINCT q.date FROM b3_quotes q JOIN security_master m USING (security_id)
       WHERE m.market = 'spot' ${endClause}
       ORDER BY q.date DESC LIMIT ${sessions}),
     ranked AS (
       SELECT q.security_id, median(q.traded_value) AS median_traded_value, count(*) AS days_traded,
              median(q.trades) AS median_trades
       FROM b3_quotes q JOIN window_days USING (date) JOIN securities s USING (security_id)
       WHERE s.asset_class IN (${assetClasses.map(sqlString).join(", ")})
       GROUP BY q.security_id)
     SELECT row_number() OVER (ORDER BY r.median_traded_value DESC, r.security_id)::INTEGER AS rank,
            r.security_id, m.ticker, m.share_class, m.lot_size, r.median_traded_value, r.days_traded,
            (SELECT count(*) FROM window_days) AS sessions, r.median_trades
     FROM ranked r JOIN security_master m USING (security_id)
     ORDER BY rank LIMIT ${top}`,
  );
  return rows as unknown as LiquidityRow[];
}
