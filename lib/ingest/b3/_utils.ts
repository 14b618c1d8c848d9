/** Helpers shared by the B3 modules: reading spot price series, turning row objects into columns. */
import type { Store } from "../../store/db.ts";
import type { Column } from "../../store/write.ts";

const DAY_MS = 86_400_000;

/** One security's raw series, ascending, with the ticker of each day. */
export interface PriceSeries {
  security_id: string;
  days: ArrayLike<number>;
  open: ArrayLike<number>;
  close: ArrayLike<number>;
  volume: ArrayLike<number>;
  tickers?: readonly string[];
}

/**
 * Every spot-market and fractional-lot B3 security's raw prices (missing values as NaN), one series
 * per security, read in one query.
 */
export async function readSpotSeries(store: Store): Promise<PriceSeries[]> {
  const reader = await store.conn.runAndReadAll(`
    SELECT p.security_id, (p.date - DATE '1970-01-01')::INTEGER AS d,
           coalesce(p.open, 'NaN'::DOUBLE) AS o, coalesce(p.close, 'NaN'::DOUBLE) AS c,
           coalesce(p.volume, 'NaN'::DOUBLE) AS v, coalesce(q.ticker, m.ticker) AS ticker
    FROM prices p JOIN security_master m USING (security_id)
    LEFT JOIN b3_quotes q USING (security_id, date)
    WHERE m.market IN ('spot', 'fractional')
    ORDER BY p.security_id, p.date`);
  const [ids, days, open, close, volume, tickers] = reader.getColumns() as [
    string[],
    number[],
    number[],
    number[],
    number[],
    string[],
  ];
  const out: PriceSeries[] = [];
  for (let a = 0; a < ids.length;) {
    let b = a + 1;
    while (b < ids.length && ids[b] === ids[a]) b++;
    out.push({
      security_id: ids[a],
      days: Float64Array.from(days.slice(a, b), (d) => d * DAY_MS),
      open: Float64Array.from(open.slice(a, b)),
      close: Float64Array.from(close.slice(a, b)),
      volume: Float64Array.from(volume.slice(a, b)),
      tickers: tickers.slice(a, b),
    });
    a = b;
  }
  return out;
}

/** Columns for `writeTables` from row objects: `[name, type]` per column, values read by name. */
export function columnsOf<T extends object>(
  rows: readonly T[],
  spec: readonly [keyof T & string, Column["type"]][],
): Column[] {
  return spec.map(([name, type]) => {
    const values = rows.map((r) => r[name]);
    return type === "VARCHAR"
      ? { name, type, values: values as (string | null)[] }
      : { name, type, values: values as (number | null)[] };
  });
}
