/**
 * After the files of a run are loaded: what depends on every year at once — each B3 security's
 * listing span in `securities` (listed = first session seen, delisted = last session seen when it
 * stopped trading more than 20 sessions before the store's last B3 session) and its liquidity,
 * `descriptors.adv` = the mean traded value in BRL (`b3_quotes.traded_value`) over its last 20 sessions
 * (fewer at the start of its history). Only `adv` is written: descriptors loaded from elsewhere (mcap,
 * value, beta) stay as they are.
 */
import { queryRows, type Store } from "../../store/db.ts";
import type { SecurityRow } from "../../store/tables.ts";
import { writeTables } from "../../store/write.ts";

const DAY_MS = 86_400_000;
/** Sessions without a trade after which a security counts as delisted. */
export const DELISTED_AFTER = 20;
/** Sessions in the ADV window. */
export const ADV_SESSIONS = 20;

/** What `refreshListingAndLiquidity` wrote. */
export interface RefreshResult {
  securities: number;
  delisted: number;
  advRows: number;
}

/**
 * Recomputes listed/delisted for every B3 security and `descriptors.adv` from `from` on (epoch ms;
 * the window still reaches back before it), in one transaction.
 *
 * @example
 * ```ts
 * await refreshListingAndLiquidity(store, Date.UTC(2024, 0, 1));
 * ```
 */
export async function refreshListingAndLiquidity(store: Store, from: number): Promise<RefreshResult> {
  const conn = store.conn;
  const [{ cutoff }] = await queryRows(
    conn,
    `SELECT (coalesce(min(date), DATE '1970-01-01') - DATE '1970-01-01')::INTEGER AS cutoff FROM (
       SELECT DISTINCT p.date FROM prices p JOIN security_master USING (security_id)
       ORDER BY p.date DESC LIMIT ${DELISTED_AFTER + 1})`,
  );
  const securities = await queryRows(
    conn,
    `SELECT s.security_id, s.name, s.industry, s.asset_class,
            (m.first_date - DATE '1970-01-01')::INTEGER AS listed,
            CASE WHEN m.last_date < DATE '1970-01-01' + ${cutoff as number}::INTEGER
                 THEN (m.last_date - DATE '1970-01-01')::INTEGER END AS delisted
     FROM securities s JOIN security_master m USING (security_id) ORDER BY s.security_id`,
  );
  const day = (d: unknown) => (d === null ? null : (d as number) * DAY_MS);
  const rows: SecurityRow[] = securities.map((r) => ({
    security_id: r.security_id as string,
    name: r.name as string,
    industry: r.industry as string,
    asset_class: r.asset_class as SecurityRow["asset_class"],
    listed: day(r.listed),
    delisted: day(r.delisted),
  }));
  const reader = await conn.runAndReadAll(`
    SELECT security_id, d, adv FROM (
      SELECT q.security_id, (q.date - DATE '1970-01-01')::INTEGER AS d,
             avg(q.traded_value) OVER (PARTITION BY q.security_id ORDER BY q.date
                                   ROWS BETWEEN ${ADV_SESSIONS - 1} PRECEDING AND CURRENT ROW) AS adv
      FROM b3_quotes q JOIN security_master m USING (security_id)
      WHERE m.market IN ('spot', 'fractional'))
    WHERE d >= ${Math.floor(from / DAY_MS)} ORDER BY security_id, d`);
  const [ids, days, adv] = reader.getColumns() as [string[], number[], (number | null)[]];
  // only the adv column: a stored row keeps its other descriptors (a user's mcap, value, beta)
  await writeTables(store, { securities: rows }, {
    source: "b3:refresh",
    params: { from: new Date(from).toISOString().slice(0, 10) },
  }, {
    extra: {
      descriptors: [
        { name: "security_id", type: "VARCHAR", values: ids },
        { name: "date", type: "DATE", values: Float64Array.from(days, (d) => d * DAY_MS) },
        { name: "adv", type: "DOUBLE", values: adv },
      ],
    },
  });
  return {
    securities: rows.length,
    delisted: rows.filter((r) => r.delisted !== null).length,
    advRows: ids.length,
  };
}
