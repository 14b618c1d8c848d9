/** Loading an intraday market into the store: its securities, its bars and the daily bars they make. */
import type { Store } from "../store/db.ts";
import { type Column, writeTables } from "../store/write.ts";
import type { Session } from "./session.ts";
import { writeBars } from "./store.ts";
import { type IntradayOptions, simulateIntraday } from "./synthetic.ts";

/**
 * Simulates an intraday market (`simulateIntraday`) and loads it: securities, daily `prices` (the
 * sessions' aggregates) and their `adv` descriptor with `writeTables`, the bars with `writeBars`, each logged as source
 * `synthetic_intraday`. Call inside `writeStore`. Returns the rows loaded per table.
 *
 * @example
 * ```ts
 * await writeStore("data/quant.duckdb", (store) => ingestIntraday(store, SESSIONS.NYSE, { nSecurities: 20 }));
 * ```
 */
export async function ingestIntraday(
  store: Store,
  session: Session,
  options: IntradayOptions = {},
): Promise<{ securities: number; prices: number; bars: number }> {
  const market = simulateIntraday(session, options);
  const source = { source: "synthetic_intraday", params: { session: session.name, ...options } };
  // only the adv descriptor (mcap, value, beta stay empty), as the B3 refresh writes it
  const descriptors: Column[] = [
    { name: "security_id", type: "VARCHAR", values: market.daily.security_id },
    { name: "date", type: "DATE", values: market.daily.date },
    { name: "adv", type: "DOUBLE", values: market.adv },
  ];
  const counts = await writeTables(
    store,
    { securities: market.securities, prices: market.daily },
    source,
    { extra: { descriptors } },
  );
  const bars = await writeBars(store, market.bars, session, source);
  return { securities: counts.securities, prices: counts.prices, bars };
}
