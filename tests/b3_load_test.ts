import { deepEqual, equal } from "node:assert/strict";
import { join } from "node:path";
import { openStore, queryRows, type Store } from "../lib/store/db.ts";
import {
  formatCotahist,
  KEEP_KINDS,
  latin1Bytes,
  loadCotahistFile,
  type QuoteFields,
} from "../lib/ingest/b3/mod.ts";
import { storeFingerprint } from "../lib/snapshot/create.ts";
import { writeFixtureFiles } from "./fixtures/b3/cotahist.ts";
import { assertAlmostEquals } from "./_assert.ts";

async function withStore(fn: (store: Store, dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "quantnb-b3-load-" });
  const store = await openStore(":memory:");
  try {
    await fn(store, dir);
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Writes a one-year COTAHIST TXT of `quotes` and returns its path. */
async function cotahist(dir: string, name: string, year: number, quotes: QuoteFields[]): Promise<string> {
  const path = join(dir, name);
  await Deno.writeFile(path, latin1Bytes(formatCotahist(year, year * 10000 + 1231, quotes)));
  return path;
}

const share = (
  date: number,
  codneg: string,
  preult: number,
  over: Partial<QuoteFields> = {},
): QuoteFields => ({
  date,
  codbdi: "02",
  codneg,
  tpmerc: 10,
  nomres: "VIA S.A.",
  especi: "ON  NM",
  preabe: preult,
  premax: preult,
  premin: preult,
  premed: preult,
  preult,
  totneg: 10,
  quatot: 1000,
  voltot: 1000 * preult,
  codisi: "BRVVARACNOR1",
  ...over,
});

Deno.test("loadCotahistFile() stores each kind under its class, id and lot", async (t) => {
  await withStore(async (store, dir) => {
    const files = await writeFixtureFiles(dir);
    await t.step("default: spot shares and units only", async () => {
      const load = await loadCotahistFile(store, files.zip);
      deepEqual([load.rows, load.byKind], [3, { stocks: 2, units: 1 }]);
    });
    await t.step("every kind when asked", async () => {
      const load = await loadCotahistFile(store, files.crlf, { keep: KEEP_KINDS });
      equal(load.rows, 9);
      const rows = await queryRows(
        store.conn,
        `SELECT security_id, s.asset_class, m.share_class, m.market, m.lot_size FROM securities s
         JOIN security_master m USING (security_id) ORDER BY security_id`,
      );
      deepEqual(rows.map((r) => [r.security_id, r.asset_class, r.share_class, r.market, r.lot_size]), [
        ["BRAAPLBDR004", "bdr", "BDR", "spot", 1],
        ["BRABCDACNOR3", "equity", "ON", "spot", 1000], // quoted per 1,000 shares
        ["BRBOVACTF003", "etf", "ETF", "spot", 1],
        ["BRHGLGCTF004", "fii", "FII", "spot", 1],
        ["BRPETRACNPR6", "equity", "PN", "spot", 100],
        ["BRPETRACNPR6:F", "fractional", "PN", "fractional", 1],
        ["BRPETRACNPR6:T030", "term", "PN", "term", 100],
        ["BRTAEECDAM10", "unit", "UNIT", "spot", 100],
        ["PETRA400:20240119", "option", "PN", "call", 100],
      ]);
    });
    await t.step("reloading a file changes nothing", async () => {
      const before = await storeFingerprint(store);
      await loadCotahistFile(store, files.lf, { keep: KEEP_KINDS });
      equal(await storeFingerprint(store), before);
    });
  });
});

Deno.test("loadCotahistFile() keeps one security across a ticker change, in any load order", async () => {
  // Via Varejo's ON kept its ISIN when the ticker went VVAR3 → VIIA3; both files in either order.
  const d = (y: number, m: number, day: number) => y * 10000 + m * 100 + day;
  const view = async (order: "forward" | "backward") =>
    await withStore(async (store, dir) => {
      const a = await cotahist(dir, "COTAHIST_A2020.TXT", 2020, [share(d(2020, 12, 29), "VVAR3", 17.1)]);
      const b = await cotahist(dir, "COTAHIST_A2021.TXT", 2021, [
        share(d(2021, 1, 4), "VIIA3", 17.4),
        share(d(2021, 1, 5), "VIIA3", 17.6),
      ]);
      for (const file of order === "forward" ? [a, b] : [b, a]) await loadCotahistFile(store, file);
      const master = await queryRows(
        store.conn,
        "SELECT security_id, ticker, first_date::VARCHAR AS f, last_date::VARCHAR AS l FROM security_master",
      );
      const history = await queryRows(
        store.conn,
        "SELECT ticker, first_date::VARCHAR AS f, last_date::VARCHAR AS l FROM ticker_history ORDER BY first_date",
      );
      const [listed] = await queryRows(store.conn, "SELECT listed::VARCHAR AS d FROM securities");
      deepEqual(master.map((r) => [r.security_id, r.ticker, r.f, r.l]), [[
        "BRVVARACNOR1",
        "VIIA3",
        "2020-12-29",
        "2021-01-05",
      ]]);
      deepEqual(history.map((r) => [r.ticker, r.f, r.l]), [
        ["VVAR3", "2020-12-29", "2020-12-29"],
        ["VIIA3", "2021-01-04", "2021-01-05"],
      ]);
      equal(listed.d, "2020-12-29");
    });
  await view("forward");
  await view("backward");
});

Deno.test("loadCotahistFile() converts old currencies to BRL and resolves duplicate records", async () => {
  await withStore(async (store, dir) => {
    const path = await cotahist(dir, "COTAHIST_A1994.TXT", 1994, [
      // Cruzeiros reais on 1994-06-30, reais from 1994-07-01 (R$1 = CR$2,750).
      share(19940630, "VVAR3", 2750, { modref: "CR$" }),
      share(19940701, "VVAR3", 1.02, { modref: "R$" }),
      // Two records for one ISIN on one day: the larger traded value is kept.
      share(19940704, "VVAR3", 1.03, { modref: "R$", voltot: 500 }),
      share(19940704, "VVAR11", 1.05, { modref: "R$", voltot: 900 }),
    ]);
    const load = await loadCotahistFile(store, path);
    deepEqual(load.duplicates, [{
      security_id: "BRVVARACNOR1",
      date: "1994-07-04",
      kept: "VVAR11",
      dropped: "VVAR3",
    }]);
    const rows = await queryRows(store.conn, "SELECT date::VARCHAR AS d, close FROM prices ORDER BY date");
    deepEqual(rows.map((r) => r.d), ["1994-06-30", "1994-07-01", "1994-07-04"]);
    assertAlmostEquals(rows[0].close as number, 1, 1e-12, "CR$ 2,750 = R$ 1");
    deepEqual(rows.slice(1).map((r) => r.close), [1.02, 1.05]);
    const [q] = await queryRows(
      store.conn,
      "SELECT traded_value FROM b3_quotes WHERE date = DATE '1994-06-30'",
    );
    assertAlmostEquals(q.traded_value as number, 1000, 1e-9, "traded value converted too");
  });
});
