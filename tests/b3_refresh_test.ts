// Issue 15 follow-up: the B3 refresh step writes only what it computes — descriptors.adv — and keeps
// the descriptors a user loaded (mcap, value, beta) for B3 securities. Expected ADVs by hand: the
// 20-session mean of traded value (VOLTOT) ending at each session, fewer sessions at the start.

import { deepEqual, equal } from "node:assert/strict";
import { join } from "node:path";
import { formatCotahist, latin1Bytes, loadCotahistFile, type QuoteFields } from "../lib/ingest/b3/mod.ts";
import { refreshListingAndLiquidity } from "../lib/ingest/b3/refresh.ts";
import { openStore, queryRows } from "../lib/store/db.ts";
import { writeTables } from "../lib/store/write.ts";

const ISIN = "BRVVARACNOR1";
const DAY_MS = 86_400_000;

/** The first n weekdays from 2024-01-02, as epoch ms. */
function weekdays(n: number): number[] {
  const out: number[] = [];
  for (let d = Date.UTC(2024, 0, 2); out.length < n; d += DAY_MS) {
    if (new Date(d).getUTCDay() % 6 !== 0) out.push(d);
  }
  return out;
}
const yyyymmdd = (d: number) => Number(new Date(d).toISOString().slice(0, 10).replaceAll("-", ""));
const iso = (d: number) => new Date(d).toISOString().slice(0, 10);

Deno.test("the B3 refresh writes descriptors.adv only, keeping user-provided mcap, value and beta", async () => {
  const dir = await Deno.makeTempDir({ prefix: "quantnb-b3-refresh-" });
  const store = await openStore(":memory:");
  try {
    // 25 sessions of one share; session k trades VOLTOT = 1000 · (10 + k) BRL
    const days = weekdays(25);
    const quotes: QuoteFields[] = days.map((d, k) => ({
      date: yyyymmdd(d),
      codbdi: "02",
      codneg: "VVAR3",
      tpmerc: 10,
      nomres: "VIA S.A.",
      especi: "ON  NM",
      preult: 10 + k,
      totneg: 10,
      quatot: 100,
      voltot: 1000 * (10 + k),
      codisi: ISIN,
    }));
    const file = join(dir, "COTAHIST_A2024.TXT");
    await Deno.writeFile(file, latin1Bytes(formatCotahist(2024, 20241231, quotes)));
    await loadCotahistFile(store, file);
    // the user's own descriptors: for the B3 share on sessions 3 and 24, and for a US name
    await writeTables(store, {
      descriptors: {
        security_id: [ISIN, ISIN, "US0378331005"],
        date: Float64Array.of(days[3], days[24], days[24]),
        mcap: Float64Array.of(4e9, 5e9, 3e12),
        adv: Float64Array.of(NaN, NaN, 9e10),
        value: Float64Array.of(0.6, 0.7, 0.2),
        beta: Float64Array.of(1.2, 1.1, 1.3),
      },
    }, { source: "file:descriptors", params: {} });

    const result = await refreshListingAndLiquidity(store, 0);
    equal(result.advRows, 25);
    const rows = await queryRows(
      store.conn,
      `SELECT security_id, strftime(date, '%Y-%m-%d') AS date, mcap, adv, value, beta FROM descriptors
       WHERE (security_id = '${ISIN}' AND date IN ('${iso(days[3])}', '${iso(days[10])}', '${iso(days[24])}'))
          OR security_id = 'US0378331005'
       ORDER BY security_id, date`,
    );
    deepEqual(rows, [
      // mean of sessions 0..3: 1000 · (10 + 1.5) = 11,500; the user's mcap/value/beta kept
      { security_id: ISIN, date: iso(days[3]), mcap: 4e9, adv: 11_500, value: 0.6, beta: 1.2 },
      // sessions 0..10: 1000 · (10 + 5) = 15,000; no user row there: nothing but adv
      { security_id: ISIN, date: iso(days[10]), mcap: null, adv: 15_000, value: null, beta: null },
      // sessions 5..24: 1000 · (10 + 14.5) = 24,500
      { security_id: ISIN, date: iso(days[24]), mcap: 5e9, adv: 24_500, value: 0.7, beta: 1.1 },
      // not a B3 security: untouched
      { security_id: "US0378331005", date: iso(days[24]), mcap: 3e12, adv: 9e10, value: 0.2, beta: 1.3 },
    ]);
    // a second refresh changes nothing
    await refreshListingAndLiquidity(store, 0);
    const [{ n }] = await queryRows(
      store.conn,
      `SELECT count(*) AS n FROM descriptors WHERE security_id = '${ISIN}' AND mcap IS NOT NULL`,
    );
    equal(n, 2);
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
