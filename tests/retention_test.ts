import { deepStrictEqual as assertEquals, rejects, throws } from "node:assert/strict";
import { applyRetention, parseRetention } from "../lib/bars/retention.ts";
import { SESSIONS } from "../lib/bars/session.ts";
import { type BarRows, writeBars } from "../lib/bars/store.ts";
import { main as cleanMain } from "../lib/cli/clean.ts";
import { loadPanel } from "../lib/panel/load.ts";
import { createSnapshot } from "../lib/snapshot/create.ts";
import { openStore, queryRows } from "../lib/store/db.ts";
import { writeTables } from "../lib/store/write.ts";
import { writeStore } from "../lib/store/write_store.ts";
import { capture } from "./fixtures/capture.ts";

const utc = (month: number, day: number, h: number, m: number) => Date.UTC(2024, month, day, h, m);

/**
 * One NYSE security's minute bars, [start, open, high, low, close, volume]: seven on 2024-01-02
 * (EST: 09:30 is 14:30 UTC) and three on 2024-06-03 (EDT: 09:30 is 13:30 UTC).
 */
const MINUTES: number[][] = [
  [utc(0, 2, 14, 30), 10, 10.4, 9.9, 10.2, 100],
  [utc(0, 2, 14, 31), 10.2, 10.3, 10.0, 10.1, 50],
  [utc(0, 2, 14, 32), 10.1, 10.9, 10.1, 10.8, 70],
  [utc(0, 2, 14, 33), 10.8, 10.8, 9.7, 9.8, 20],
  [utc(0, 2, 14, 34), 9.8, 10.0, 9.8, 9.95, 10],
  [utc(0, 2, 14, 35), 9.95, 10.1, 9.9, 10.05, 40],
  [utc(0, 2, 14, 36), 10.05, 10.2, 10.0, 10.15, 30],
  [utc(5, 3, 13, 30), 12, 12.1, 11.9, 12.05, 5],
  [utc(5, 3, 13, 31), 12.05, 12.2, 12.0, 12.1, 6],
  [utc(5, 3, 13, 32), 12.1, 12.1, 11.8, 11.85, 7],
];

/** A store holding the minute bars above (and the security they belong to). */
async function minuteStore(): Promise<{ dir: string; db: string }> {
  const dir = await Deno.makeTempDir({ prefix: "quantnb-retention-" });
  const db = `${dir}/q.duckdb`;
  const col = (k: number) => Float64Array.from(MINUTES, (r) => r[k]);
  const rows: BarRows = {
    interval: "1m",
    securityIds: ["AAA"],
    security: new Int32Array(MINUTES.length),
    ts: col(0),
    open: col(1),
    high: col(2),
    low: col(3),
    close: col(4),
    volume: col(5),
  };
  await writeStore(db, async (store) => {
    const source = { source: "test", params: {} };
    await writeTables(store, {
      securities: [{ security_id: "AAA", name: "A", industry: "Tech", listed: null, delisted: null }],
      // the two sessions' daily bars (a snapshot needs prices)
      prices: {
        security_id: ["AAA", "AAA"],
        date: Float64Array.of(Date.UTC(2024, 0, 2), Date.UTC(2024, 5, 3)),
        open: Float64Array.of(10, 12),
        high: Float64Array.of(10.9, 12.2),
        low: Float64Array.of(9.7, 11.8),
        close: Float64Array.of(10.15, 11.85),
        volume: Float64Array.of(320, 18),
      },
    }, source);
    await writeBars(store, rows, SESSIONS.NYSE, source);
  });
  return { dir, db };
}

/** The store's bars as [interval, ISO start, open, high, low, close, volume] rows. */
async function storedBars(db: string) {
  const store = await openStore(db, { readOnly: true });
  try {
    const rows = await queryRows(
      store.conn,
      "SELECT interval, epoch_ms(ts)::DOUBLE AS ms, open, high, low, close, volume FROM bars ORDER BY interval, ts",
    );
    return rows.map((r) => [
      r.interval as string,
      new Date(r.ms as number).toISOString().slice(0, 16),
      r.open,
      r.high,
      r.low,
      r.close,
      r.volume,
    ]);
  } finally {
    store.close();
  }
}

const NOW = new Date("2024-06-04T12:00:00Z"); // cutoff for 90 days: 2024-03-06

Deno.test("retention rules: old minute bars become 5m bars atomically, recent ones stay", async (t) => {
  await t.step("rules parse from INTERVAL:DAYS[:TO]; bad ones say why", () => {
    assertEquals(parseRetention("1m:90:5m"), { interval: "1m", keepDays: 90, aggregateTo: "5m" });
    assertEquals(parseRetention("1h:3650"), { interval: "1h", keepDays: 3650 });
    throws(() => parseRetention("5m:30:1m"), /1m is not an intraday interval coarser than 5m/);
    throws(() => parseRetention("1d:30"), /daily bars are the store's prices/);
    throws(() => parseRetention("1m:-3:5m"), /days must be an integer ≥ 0, found "-3"/);
  });

  const { dir, db } = await minuteStore();
  const before = await storedBars(db);

  await t.step("a dry run counts and changes nothing", async () => {
    const store = await openStore(db, { readOnly: true });
    const items = await applyRetention(store, [parseRetention("1m:90:5m")], { now: NOW, dryRun: true });
    store.close();
    assertEquals(items.map((i) => [i.session, i.cutoff, i.removed, i.written]), [[
      "NYSE",
      "2024-03-06",
      7,
      2,
    ]]);
    assertEquals(await storedBars(db), before);
  });

  await t.step("a load that fails after the rule leaves the store as it was", async () => {
    await rejects(
      writeStore(db, async (store) => {
        await applyRetention(store, [parseRetention("1m:90:5m")], { now: NOW });
        throw new Error("killed mid-load");
      }),
      /killed mid-load/,
    );
    assertEquals(await storedBars(db), before);
  });

  await t.step("deno task clean --retain 1m:DAYS:5m: OHLCV of the two 5m buckets, by hand", async () => {
    // the task's "now" is the clock's: DAYS puts the cutoff on 2024-03-06, as 90 days before NOW
    const days = Math.floor((Date.now() - Date.UTC(2024, 2, 6)) / 86_400_000);
    const { code, out } = await capture(() =>
      cleanMain([
        ...["--db", db, "--retain", `1m:${days}:5m`, "--runs", `${dir}/runs`, "--reports", `${dir}/reports`],
        ...["--snapshots", `${dir}/snap`, "--jobs", `${dir}/jobs`],
      ])
    );
    assertEquals(code, 0, out);
    assertEquals(await storedBars(db), [
      // recent minute bars are kept as they were
      ...before.filter((r) => String(r[1]) >= "2024-06"),
      // 09:30 bucket (bars 09:30–09:34): open 10 (first), high 10.9, low 9.7, close 9.95 (last),
      // volume 100 + 50 + 70 + 20 + 10 = 250; 09:35 bucket: open 9.95, high 10.2, low 9.9, close 10.15, volume 70
      ["5m", "2024-01-02T14:30", 10, 10.9, 9.7, 9.95, 250],
      ["5m", "2024-01-02T14:35", 9.95, 10.2, 9.9, 10.15, 70],
    ]);
  });

  await t.step(
    "the 5m panel joins the kept 5m bars and the recent minute bars aggregated on load",
    async () => {
      const store = await openStore(db, { readOnly: true });
      const log = await queryRows(
        store.conn,
        "SELECT source, rows FROM ingest_log WHERE source = 'retention'",
      );
      await createSnapshot(store, "after", { snapshotsDir: `${dir}/snap` });
      store.close();
      assertEquals(log.map((r) => r.rows), [2, 7]); // 2 bars written, 7 removed
      const panel = await loadPanel({
        snapshot: "after",
        snapshotsDir: `${dir}/snap`,
        interval: "5m",
        fields: ["open", "close", "volume"],
      });
      assertEquals(Array.from(panel.dates, (d) => new Date(d).toISOString().slice(0, 16)), [
        "2024-01-02T14:30",
        "2024-01-02T14:35",
        "2024-06-03T13:30",
      ]);
      // the June bucket from its three minute bars: open 12, close 11.85, volume 5 + 6 + 7
      assertEquals([...panel.fields.open], [10, 9.95, 12]);
      assertEquals([...panel.fields.close], [9.95, 10.15, 11.85]);
      assertEquals([...panel.fields.volume], [250, 70, 18]);
    },
  );

  await t.step("a rule without a target removes the old bars; a second run finds nothing", async () => {
    await writeStore(db, (store) => applyRetention(store, [parseRetention("5m:90")], { now: NOW }));
    assertEquals((await storedBars(db)).map((r) => r[0]), ["1m", "1m", "1m"]);
    const again = await writeStore(
      db,
      (store) => applyRetention(store, [parseRetention("5m:90")], { now: NOW }),
    );
    assertEquals(again, []);
  });
  await Deno.remove(dir, { recursive: true });
});
