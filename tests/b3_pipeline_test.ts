import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { openStore, queryRows } from "../lib/store/db.ts";
import { readPanel } from "../lib/panel/load.ts";
import { readSeries } from "../lib/panel/series.ts";
import { storeFingerprint } from "../lib/snapshot/create.ts";
import {
  B3_STEPS,
  b3Overview,
  type B3PipelineOptions,
  type B3Summary,
  runB3Pipeline,
  syntheticB3Events,
  syntheticB3Market,
  type SyntheticB3Options,
  writeSyntheticB3,
} from "../lib/ingest/b3/mod.ts";
import { indexHistoryUrl, sgsUrl } from "../lib/ingest/series/sources.ts";
import { serveFixtures } from "./fixtures/b3/server.ts";
import { assertAlmostEquals } from "./_assert.ts";

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A small two-year market with the demo's planted events and a market-wide −50% day. */
const MARKET: SyntheticB3Options = {
  seed: 11,
  from: 2023,
  to: 2024,
  shares: 8,
  units: 1,
  etfs: 1,
  fiis: 1,
  bdrs: 1,
  optionUnderlyings: 1,
  terms: 1,
  ...syntheticB3Events(2023, 2024),
  shock: { date: "2023-09-04", move: -0.5 },
};

/** The central bank's and B3's answers for the market's days (CDI 0.04%/day, the market's index). */
function seriesAnswers(): Map<string, Uint8Array<ArrayBuffer>> {
  const m = syntheticB3Market(MARKET);
  const out = new Map<string, Uint8Array<ArrayBuffer>>();
  const enc = (x: unknown) => new TextEncoder().encode(JSON.stringify(x)) as Uint8Array<ArrayBuffer>;
  for (const year of [2023, 2024]) {
    const t = Array.from(m.days.keys()).filter((k) => new Date(m.days[k]).getUTCFullYear() === year);
    const sgs = t.map((k) => ({ data: iso(m.days[k]).split("-").reverse().join("/"), valor: "0.040000" }));
    out.set(sgsUrl(12, Date.UTC(year, 0, 1), Date.UTC(year, 11, 31), ""), enc(sgs));
    const grid = Array.from({ length: 31 }, (_, d) => ({ day: d + 1 } as Record<string, unknown>));
    for (const k of t) {
      const date = new Date(m.days[k]);
      grid[date.getUTCDate() - 1][`rateValue${date.getUTCMonth() + 1}`] = m.index[k].toLocaleString("en-US", {
        minimumFractionDigits: 2,
        maximumFractionDigits: 2,
      });
    }
    out.set(indexHistoryUrl("IBOV", year, ""), enc({ results: grid }));
  }
  return out;
}

Deno.test({
  name:
    "runB3Pipeline() downloads, loads, detects, adjusts and snapshots; reruns and --rebuild give the same store",
  sanitizeResources: false,
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "quantnb-b3-pipeline-" });
    const source = await writeSyntheticB3(join(dir, "b3-site"), MARKET);
    const files = seriesAnswers();
    for (const path of source.cotahist) files.set(path.split("/").at(-1)!, await Deno.readFile(path));
    const server = serveFixtures(files);
    const store = await openStore(join(dir, "b3.duckdb"));
    const lines: string[] = [];
    const options: B3PipelineOptions = {
      periods: [{ kind: "yearly", year: 2023 }, { kind: "yearly", year: 2024 }],
      rawDir: join(dir, "raw"),
      baseUrl: server.url,
      bcbBaseUrl: server.url,
      b3IndexBaseUrl: server.url,
      corporateActions: source.corporateActions,
      snapshotsDir: join(dir, "snapshots"),
      progressMode: "none",
      log: (line) => lines.push(line),
      backoffMs: 1,
    };
    const market = syntheticB3Market(MARKET);
    const inst = (ticker: string) => market.instruments.find((i) => i.ticker === ticker)!;
    try {
      const first = await runB3Pipeline(store, options);
      const fingerprint = await storeFingerprint(store);
      await t.step("nine steps, each logged with counts and time", () => {
        deepEqual(first.steps.map((s) => s.name), [...B3_STEPS]);
        for (let k = 1; k <= 9; k++) {
          ok(lines.some((l) => l.startsWith(`[${k}/9] ${B3_STEPS[k - 1]}: `)), `step ${k} logged`);
        }
        deepEqual(
          first.downloads.map((d) => d.status),
          Array(6).fill("downloaded"),
          "2 COTAHIST + 2×2 series years",
        );
        equal(first.problemCount, 0);
      });
      await t.step(
        "the unpublished 2:1 split is detected with its ratio and date; the published one is recognised",
        async () => {
          const rows = await queryRows(
            store.conn,
            "SELECT ticker, ex_date::VARCHAR AS d, ratio, status FROM detected_splits ORDER BY ex_date",
          );
          deepEqual(rows.map((r) => [r.ticker, r.d, r.ratio, r.status]), [
            ["QAAB4", "2023-03-01", 0.1, "published"],
            ["QAAA3", "2024-06-03", 2, "applied"], // 2024-06-01 is a Saturday: ex-date the next session
          ]);
          const actions = await queryRows(
            store.conn,
            `SELECT m.ticker, a.ex_date::VARCHAR AS d, a.kind, a.value FROM corporate_actions a
           JOIN security_master m USING (security_id) ORDER BY a.ex_date`,
          );
          deepEqual(actions.map((r) => [r.ticker, r.d, r.kind, r.value]), [
            ["QAAB4", "2023-03-01", "split", 0.1], // GRUPAMENTO factor 0.1 (published)
            ["QAAC5", "2024-05-02", "dividend", 1.25], // DIVIDENDO 0.85 + JCP 0.40, data com 2024-04-30
            ["QAAA3", "2024-06-03", "split", 2], // applied from detection
          ]);
        },
      );
      await t.step("the market-wide −50% day is no split, and stays as a real move after adjustment", () => {
        ok(!first.splits!.applied.some((s) => iso(s.ex_date) === "2023-09-04"));
        ok(first.adjusted.residual.some((r) => r.date === "2023-09-04"), "the shock is a residual move");
        ok(
          !first.adjusted.residual.some((r) => r.ticker === "QAAA3" && r.date === "2024-06-03"),
          "the split is explained",
        );
      });
      await t.step("adjusted returns across the events are the market's own returns", async () => {
        const panel = await readPanel(store.conn, { fields: ["close", "ret"] });
        const col = (isin: string) => panel.securityIds.indexOf(isin);
        const row = (d: string) => panel.dates.indexOf(Date.parse(`${d}T00:00:00Z`));
        const nS = panel.securityIds.length;
        // Split 2:1 on QAAA3: the model's return that day is 2·c_e/c_{e−1} − 1 on unrounded closes
        // (synthetic.ts: c_e = c_{e−1}/2 · e^r); COTAHIST keeps cents, hence the 1e-3 tolerance.
        const a = inst("QAAA3"), ta = Array.from(market.days).indexOf(Date.UTC(2024, 5, 3));
        const expectedSplit = (2 * a.close[ta]) / a.close[ta - 1] - 1;
        assertAlmostEquals(
          panel.fields.ret[row("2024-06-03") * nS + col(a.isin)],
          expectedSplit,
          1e-3,
          "split day",
        );
        // Dividend D = 1.25 on QAAC5: ret = c_e / (c_{e−1} − D) − 1 (lib/ingest/adjust.ts), on stored closes.
        const c = inst("QAAC5"), e = row("2024-05-02"), i = col(c.isin);
        const close = panel.fields.close;
        assertAlmostEquals(
          panel.fields.ret[e * nS + i],
          close[e * nS + i] / (close[(e - 1) * nS + i] - 1.25) - 1,
          1e-12,
        );
        // Reverse split 1:10 on QAAB4.
        const b = inst("QAAB4"), tb = Array.from(market.days).indexOf(Date.UTC(2023, 2, 1));
        assertAlmostEquals(
          panel.fields.ret[row("2023-03-01") * nS + col(b.isin)],
          (0.1 * b.close[tb]) / b.close[tb - 1] - 1,
          1e-3,
          "reverse split day",
        );
      });
      await t.step(
        "security master: classes, lots, and the equity cross-section holds shares only",
        async () => {
          const master = await queryRows(
            store.conn,
            `SELECT m.ticker, m.share_class, m.lot_size, s.asset_class FROM security_master m
           JOIN securities s USING (security_id) ORDER BY m.ticker`,
          );
          const byTicker = Object.fromEntries(
            master.map((r) => [r.ticker, [r.share_class, r.lot_size, r.asset_class]]),
          );
          deepEqual(byTicker.QAAA3, ["ON", 100, "equity"]);
          deepEqual(byTicker.QAAB4, ["PN", 100, "equity"]);
          deepEqual(byTicker.QAAC5, ["PNA", 100, "equity"]);
          deepEqual(byTicker.QAAI11, ["UNIT", 100, "unit"]);
          equal(
            master.length,
            9,
            "default keep: 8 shares + 1 unit (no ETF, FII, BDR, fractional, options, terms)",
          );
          const panel = await readPanel(store.conn, { fields: ["close"] });
          equal(panel.securityIds.length, 8);
        },
      );
      await t.step("CDI and Ibovespa are stored as series", async () => {
        const cdi = await readSeries(store.conn, "CDI");
        deepEqual([cdi.kind, cdi.unit, cdi.values.length, cdi.values[0]], [
          "rate",
          "percent_per_day",
          market.days.length,
          0.04,
        ]);
        const ibov = await readSeries(store.conn, "IBOV");
        deepEqual([ibov.kind, ibov.unit, ibov.dates.length], ["index", "level", market.days.length]);
        assertAlmostEquals(ibov.values[0], 100_000, 1e-9);
      });
      await t.step("liquidity (descriptors.adv) is the 20-session mean traded value", async () => {
        const [r] = await queryRows(
          store.conn,
          `SELECT d.adv, (SELECT avg(traded_value) FROM (SELECT traded_value FROM b3_quotes q WHERE q.security_id = d.security_id
             AND q.date <= d.date ORDER BY q.date DESC LIMIT 20)) AS expected
           FROM descriptors d WHERE d.date = DATE '2024-06-28' ORDER BY d.security_id LIMIT 1`,
        );
        assertAlmostEquals(r.adv as number, r.expected as number, 1e-6);
      });
      await t.step("a rerun is idempotent (cached files, same store, snapshot reused)", async () => {
        const requests = server.requests.length;
        const again = await runB3Pipeline(store, options);
        deepEqual(again.downloads.map((d) => d.status), Array(6).fill("cached"));
        equal(server.requests.length, requests, "nothing fetched");
        equal(await storeFingerprint(store), fingerprint);
        match(again.steps[8].summary, /up to date \(same store fingerprint\), reused/);
      });
      await t.step("--rebuild gives the same store as a first load", async () => {
        const rebuilt = await runB3Pipeline(store, { ...options, rebuild: true });
        equal(await storeFingerprint(store), fingerprint);
        equal(rebuilt.snapshot?.snapshot_id, first.snapshot?.snapshot_id);
      });
    } finally {
      store.close();
      await server.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("b3Overview() shows the instruments per asset class as counts, not amounts", async () => {
  const { mediaBundle } = await import("../lib/nb/show.ts");
  const summary: B3Summary = {
    records: 21510,
    tickers: 34,
    byAssetClass: { equity: 30, etf: 2, fii: 2 },
    sessions: 747,
    start: "2022-01-03",
    end: "2024-12-30",
    corporateActions: { splits: 3, dividends: 12 },
    detectedSplits: { applied: 1, published: 2, rejected: 0 },
    series: [],
  };
  const shown = text(String((await mediaBundle(b3Overview(summary)))["text/html"]));
  // counts are grouped integers (formatQuantity "count": 0 decimals); `equity: 30` alone read as money
  // ("equity" is an amount word) and showed 30.00, which is what notebook 08 printed before
  match(shown, /records 21,510 .*tickers 34 .*sessions 747 .*start 2022-01-03 .*end 2024-12-30/);
  match(shown, /equity securities 30 etf securities 2 fii securities 2/);
  ok(!/\d\.\d\d/.test(shown), `no decimals on a count: ${shown}`);
});

/** Visible text of an HTML fragment. */
function text(html: string): string {
  return html.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
}
