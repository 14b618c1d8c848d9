import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { aggregateBars, aggregateRows, bucketBars } from "../lib/bars/aggregate.ts";
import { denseRows } from "../lib/bars/dense.ts";
import { ingestIntraday } from "../lib/bars/ingest.ts";
import { applyRetention, parseRetention } from "../lib/bars/retention.ts";
import { barsPerSession, barsPerYear, SESSIONS, zoneOffsetMs } from "../lib/bars/session.ts";
import { timeAxis } from "../lib/bars/time_axis.ts";
import { backtest } from "../lib/engine/backtest.ts";
import { annualVolatility, sharpeRatio } from "../lib/metrics/core.ts";
import { loadPanel, type PanelQuery, readPanel } from "../lib/panel/load.ts";
import { queryRows } from "../lib/store/db.ts";
import { createSnapshot } from "../lib/snapshot/create.ts";
import { openStore } from "../lib/store/db.ts";
import { writeStore } from "../lib/store/write_store.ts";
import { assertAllClose, assertAlmostEquals } from "./_assert.ts";

const N = NaN;
const at = (h: number, m: number, day = 2, month = 0) => Date.UTC(2024, month, day, h, m);

/**
 * Two securities' minute bars on NYSE, 2024-01-02 (EST, UTC−5: the session is 14:30–21:00 UTC);
 * rows are [open, high, low, close, volume] of A then B. 14:29 is before the open, 21:00 at the close:
 * both outside the session.
 */
const MINUTES: [number, number[], number[]][] = [
  [at(14, 29), [9, 9, 9, 9, 100], [N, N, N, N, N]],
  [at(14, 30), [10, 11, 9.5, 10.5, 100], [20, 20.5, 19.8, 20.2, 50]],
  [at(14, 31), [10.5, 10.8, 10.2, 10.6, 200], [N, N, N, N, N]],
  [at(14, 34), [10.6, 12, 10.6, 11.9, 50], [20.2, 20.4, 20.1, 20.3, 10]],
  [at(14, 35), [11.9, 11.9, 11.0, 11.2, 30], [20.3, 20.3, 20.3, 20.3, 5]],
  [at(15, 30), [11.2, 11.5, 11.1, 11.4, 10], [N, N, N, N, N]],
  [at(20, 59), [11.4, 11.4, 11.0, 11.1, 1], [20.0, 20.1, 19.9, 20.05, 7]],
  [at(21, 0), [11.1, 11.1, 11.1, 11.1, 9], [N, N, N, N, N]],
];

function minuteBars() {
  const field = (f: number) => Float64Array.from(MINUTES.flatMap(([, a, b]) => [a[f], b[f]]));
  return {
    dates: Float64Array.from(MINUTES, ([t]) => t),
    nSecurities: 2,
    open: field(0),
    high: field(1),
    low: field(2),
    close: field(3),
    volume: field(4),
  };
}

/** The aggregated bars as [date, A's OHLCV, B's OHLCV] rows. */
function rows(bars: ReturnType<typeof aggregateBars>) {
  return Array.from(bars.dates, (d, t) => [
    new Date(d).toISOString(),
    [bars.open, bars.high, bars.low, bars.close, bars.volume].map((m) => m[t * 2]),
    [bars.open, bars.high, bars.low, bars.close, bars.volume].map((m) => m[t * 2 + 1]),
  ]);
}

Deno.test("aggregateBars() follows the OHLCV rules within session buckets (hand-computed bars)", async (t) => {
  await t.step(
    "1m → 1d: first open, highest high, lowest low, last close, summed volume; outside bars left out",
    () => {
      const daily = aggregateBars(minuteBars(), SESSIONS.NYSE, "1d");
      // A: open 10 (14:30), high 12 (14:34), low 9.5 (14:30), close 11.1 (20:59), volume 100+200+50+30+10+1
      // B: open 20, high 20.5, low 19.8, close 20.05, volume 50+10+5+7; 14:29 and 21:00 are not in the session
      assertEquals(rows(daily), [["2024-01-02T00:00:00.000Z", [10, 12, 9.5, 11.1, 391], [
        20,
        20.5,
        19.8,
        20.05,
        72,
      ]]]);
      assertEquals(daily.outside, 2);
    },
  );
  await t.step(
    "1m → 5m: buckets from the open every 5 minutes; a security without a bar there is NaN",
    () => {
      assertEquals(rows(aggregateBars(minuteBars(), SESSIONS.NYSE, "5m")), [
        ["2024-01-02T14:30:00.000Z", [10, 12, 9.5, 11.9, 350], [20, 20.5, 19.8, 20.3, 60]],
        ["2024-01-02T14:35:00.000Z", [11.9, 11.9, 11.0, 11.2, 30], [20.3, 20.3, 20.3, 20.3, 5]],
        ["2024-01-02T15:30:00.000Z", [11.2, 11.5, 11.1, 11.4, 10], [N, N, N, N, N]],
        ["2024-01-02T20:55:00.000Z", [11.4, 11.4, 11.0, 11.1, 1], [20.0, 20.1, 19.9, 20.05, 7]],
      ]);
    },
  );
  await t.step("1m → 1h: hours from 09:30 New York time; the last one (15:30–16:00) is half an hour", () => {
    assertEquals(rows(aggregateBars(minuteBars(), SESSIONS.NYSE, "1h")), [
      ["2024-01-02T14:30:00.000Z", [10, 12, 9.5, 11.2, 380], [20, 20.5, 19.8, 20.3, 65]],
      ["2024-01-02T15:30:00.000Z", [11.2, 11.5, 11.1, 11.4, 10], [N, N, N, N, N]],
      ["2024-01-02T20:30:00.000Z", [11.4, 11.4, 11.0, 11.1, 1], [20.0, 20.1, 19.9, 20.05, 7]],
    ]);
  });
  await t.step("5m → 1h gives what 1m → 1h gives", () => {
    const five = aggregateBars(minuteBars(), SESSIONS.NYSE, "5m");
    assertEquals(
      rows(aggregateBars(five, SESSIONS.NYSE, "1h")),
      rows(aggregateBars(minuteBars(), SESSIONS.NYSE, "1h")),
    );
  });
  await t.step("aggregateRows: the same 1h bars from the minute rows in any order, in chunks", () => {
    // every (time, security) cell of MINUTES as a row, reversed (latest first) and cut in 3 chunks, so
    // the open must be the earliest row's and the close the latest row's, not the first and last read
    const bars = minuteBars(), cells = bars.dates.length * 2;
    const order = Array.from({ length: cells }, (_, c) => cells - 1 - c);
    const pick = (m: Float64Array, part: number[]) => Float64Array.from(part, (c) => m[c]);
    const chunks = [order.slice(0, 5), order.slice(5, 11), order.slice(11)].map((part) => ({
      row: Int32Array.from(part, (c) => c >> 1),
      sec: Int32Array.from(part, (c) => c & 1),
      open: pick(bars.open, part),
      high: pick(bars.high, part),
      low: pick(bars.low, part),
      close: pick(bars.close, part),
      volume: pick(bars.volume, part),
    }));
    const hourly = aggregateRows(bars.dates, chunks, 2, SESSIONS.NYSE, "1h");
    // the hand-computed hours of the step above
    assertEquals(rows(hourly), [
      ["2024-01-02T14:30:00.000Z", [10, 12, 9.5, 11.2, 380], [20, 20.5, 19.8, 20.3, 65]],
      ["2024-01-02T15:30:00.000Z", [11.2, 11.5, 11.1, 11.4, 10], [N, N, N, N, N]],
      ["2024-01-02T20:30:00.000Z", [11.4, 11.4, 11.0, 11.1, 1], [20.0, 20.1, 19.9, 20.05, 7]],
    ]);
    assertEquals(hourly.outside, 2);
  });
  await t.step("daylight saving: in July New York is UTC−4, so the session opens at 13:30 UTC", () => {
    const july = Float64Array.of(at(13, 29, 1, 6), at(13, 30, 1, 6), at(19, 59, 1, 6), at(20, 0, 1, 6));
    const { bucketOf, starts } = bucketBars(july, SESSIONS.NYSE, "1h");
    assertEquals([...bucketOf], [-1, 0, 1, -1]);
    assertEquals([...starts].map((d) => new Date(d).toISOString()), [
      "2024-07-01T13:30:00.000Z",
      "2024-07-01T19:30:00.000Z",
    ]);
  });
  await t.step("B3: 10:00–17:00 São Paulo time (UTC−3, no daylight saving since 2019)", () => {
    assertEquals(zoneOffsetMs("America/Sao_Paulo", at(15, 0)), -3 * 3_600_000);
    const { bucketOf, starts } = bucketBars(
      Float64Array.of(at(12, 59), at(13, 0), at(16, 59), at(19, 59), at(20, 0)),
      SESSIONS.B3,
      "1h",
    );
    assertEquals([...bucketOf], [-1, 0, 1, 2, -1]);
    assertEquals([...starts].map((d) => new Date(d).toISOString().slice(11, 16)), [
      "13:00",
      "16:00",
      "19:00",
    ]);
  });
});

Deno.test("barsPerYear() annualises by the bar size: 252 sessions × bars per session", () => {
  // NYSE 6.5 h: 390 minutes, 78 five-minute bars, 7 hourly bars (the last one 30 minutes); B3 7 h
  assertEquals(["1m", "5m", "1h", "1d"].map((i) => barsPerSession(i as "1m", SESSIONS.NYSE)), [
    390,
    78,
    7,
    1,
  ]);
  assertEquals(["1m", "5m", "1h", "1d"].map((i) => barsPerSession(i as "1m", SESSIONS.B3)), [420, 84, 7, 1]);
  assertEquals(barsPerYear("1h", SESSIONS.NYSE), 1764);
  assertEquals(barsPerYear("5m", SESSIONS.B3), 21168);
});

Deno.test("intraday bars in the store: loaded at any interval, annualised by the bar size", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "quantnb-bars-" });
  const db = `${dir}/q.duckdb`;
  await writeStore(
    db,
    (store) => ingestIntraday(store, SESSIONS.NYSE, { nSecurities: 12, sessions: 6, seed: 3 }),
  );
  const store = await openStore(db);
  await createSnapshot(store, "intra", { snapshotsDir: `${dir}/snap` });
  store.close();
  const load = (
    interval: "1m" | "5m" | "1h" | "1d",
    fields = ["open", "high", "low", "close", "volume", "ret"],
  ) => loadPanel({ snapshot: "intra", snapshotsDir: `${dir}/snap`, interval, fields });
  const minute = await load("1m");

  await t.step("1m: 6 sessions × 390 bars, periodsPerYear 252 × 390", () => {
    assertEquals([minute.dates.length, minute.securityIds.length, minute.periodsPerYear], [
      6 * 390,
      12,
      98_280,
    ]);
    assertEquals(new Date(minute.dates[0]).toISOString(), "2024-01-02T14:30:00.000Z");
  });
  await t.step("5m and 1h are aggregated on load from the stored minute bars", async () => {
    const asBars = { ...minute.fields, dates: minute.dates, nSecurities: 12 } as unknown as Parameters<
      typeof aggregateBars
    >[0];
    for (const interval of ["5m", "1h"] as const) {
      const panel = await load(interval);
      const expected = aggregateBars(asBars, SESSIONS.NYSE, interval);
      assertEquals([...panel.dates], [...expected.dates]);
      for (const f of ["open", "high", "low", "close", "volume"] as const) {
        assertAllClose(panel.fields[f], expected[f], 0, `${interval} ${f}`);
      }
    }
  });
  await t.step(
    "1d from the daily prices the load wrote: each session's aggregate of its minute bars",
    async () => {
      const daily = await load("1d", ["open", "close", "volume"]);
      assertEquals(daily.periodsPerYear, 252);
      assertEquals(daily.dates.length, 6);
      const expected = aggregateBars(
        { ...minute.fields, dates: minute.dates, nSecurities: 12 } as never,
        SESSIONS.NYSE,
        "1d",
      );
      assertAllClose(daily.fields.close, expected.close, 0, "close");
      assertAllClose(daily.fields.volume, expected.volume, 0, "volume");
    },
  );
  await t.step(
    "adv: the mean traded value Σ close × volume of the sessions so far, seen from the next session",
    async () => {
      const hourly = await load("1h", ["adv"]);
      // traded value of session d for security i, summed here over its 390 minute bars
      const traded = (d: number, i: number) => {
        let sum = 0;
        for (let b = d * 390; b < (d + 1) * 390; b++) {
          sum += minute.fields.close[b * 12 + i] * minute.fields.volume[b * 12 + i];
        }
        return sum;
      };
      const adv = hourly.fields.adv;
      // NYSE 9:30–16:00 makes 7 hourly bars (the last one half an hour); session 0 has no ADV before it
      for (const i of [0, 7]) {
        assert(Number.isNaN(adv[0 * 12 + i]) && Number.isNaN(adv[6 * 12 + i]));
        assertAlmostEquals(adv[7 * 12 + i], traded(0, i), 1e-6); // session 1 sees session 0's
        assertAlmostEquals(adv[13 * 12 + i], traded(0, i), 1e-6);
        assertAlmostEquals(
          adv[5 * 7 * 12 + i],
          (traded(0, i) + traded(1, i) + traded(2, i) + traded(3, i) + traded(4, i)) / 5,
          1e-6,
        );
      }
    },
  );
  await t.step(
    "a 1h panel annualises at 1764: ret is bar to bar, vol and Sharpe scale by √1764",
    async () => {
      const hourly = await load("1h");
      assertEquals(hourly.periodsPerYear, 1764);
      const close = hourly.fields.close, ret = hourly.fields.ret;
      // security 0, bar 8: the second hourly bar of the second session, close-to-close
      assertAlmostEquals(ret[8 * 12], close[8 * 12] / close[7 * 12] - 1, 1e-12);
      const r = Float64Array.from({ length: hourly.dates.length - 1 }, (_, t) => ret[(t + 1) * 12]);
      const mean = r.reduce((s, x) => s + x, 0) / r.length;
      const sd = Math.sqrt(r.reduce((s, x) => s + (x - mean) ** 2, 0) / (r.length - 1));
      assertAlmostEquals(annualVolatility(r, hourly.periodsPerYear), sd * Math.sqrt(1764), 1e-12);
      assertAlmostEquals(sharpeRatio(r, 0, hourly.periodsPerYear), (mean / sd) * Math.sqrt(1764), 1e-9);
      // and the fractile backtest on the hourly panel annualises its net returns the same way
      const signal = { known: Float64Array.from(ret, (x) => (Number.isFinite(x) ? -x : NaN)) };
      const result = backtest(hourly, signal, { mincos: 5, fractile: [30, 70] });
      const net = result.daily.net;
      assert(net.length > 30);
      assertAlmostEquals(result.summary.overall.annual_volatility, annualVolatility(net, 1764), 1e-12);
    },
  );
});

Deno.test("timeAxis() builds the ascending distinct bar starts and each row's place on them", async (t) => {
  const minute = 60_000, t0 = Date.UTC(2024, 0, 2, 14, 30);
  // two chunks, out of order, with a repeated start and a gap (no bar at t0 + 2 min)
  const columns = [Float64Array.of(t0 + 3 * minute, t0, t0 + minute), Float64Array.of(t0, t0 + 5 * minute)];
  const expected = { dates: [t0, t0 + minute, t0 + 3 * minute, t0 + 5 * minute], rows: [[2, 0, 1], [0, 3]] };
  const plain = (axis: ReturnType<typeof timeAxis>) => ({
    dates: [...axis.dates],
    rows: axis.rows.map((r) => [...r]),
  });
  await t.step("on the dense slot table (a minute grid)", () => {
    assertEquals(plain(timeAxis(columns)), expected);
  });
  await t.step("by sorting, when the grid would need more slots than allowed", () => {
    assertEquals(plain(timeAxis(columns, 3)), expected);
  });
  await t.step("no rows: an empty axis; one distinct start: one date", () => {
    assertEquals(plain(timeAxis([new Float64Array(0)])), { dates: [], rows: [[]] });
    assertEquals(plain(timeAxis([Float64Array.of(t0, t0)])), { dates: [t0], rows: [[0, 0]] });
  });
});

Deno.test("denseRows() gives the cells of the rows in any order, window by window", () => {
  // 3 securities × 7 bar rows; the rows reversed, in chunks of 4, a repeated cell (the later row wins)
  // and one cell with no row (NaN); windows of 1 and 2 bar rows (12 and 24 bytes a security) or one
  // window for all give the cells of a plain scatter.
  const nS = 3, nT = 7, dates = Float64Array.from({ length: nT }, (_, t) => t * 60_000);
  const cells = Array.from({ length: nT * nS }, (_, c) => c).filter((c) => c !== 10).reverse();
  cells.push(4); // cell 4 again, read last
  const value = (c: number, j: number) => c * 10 + j + (j === cells.length - 1 ? 0.5 : 0);
  const chunks = [];
  for (let j = 0; j < cells.length; j += 4) {
    const part = cells.slice(j, j + 4),
      at = (f: number) => Float64Array.from(part, (c, k) => value(c, j + k) + f);
    chunks.push({
      row: Int32Array.from(part, (c) => Math.floor(c / nS)),
      sec: Int32Array.from(part, (c) => c % nS),
      open: at(0.1),
      high: at(0.2),
      low: at(0.3),
      close: at(0.4),
      volume: at(0),
    });
  }
  const expected = (f: number) => {
    const m = new Float64Array(nT * nS).fill(NaN);
    cells.forEach((c, j) => (m[c] = value(c, j) + f));
    return [...m];
  };
  assert(Number.isNaN(expected(0)[10]) && expected(0)[4] === value(4, cells.length - 1));
  for (const windowBytes of [nS * 8 * 5, 2 * nS * 8 * 5, 1 << 20]) {
    const bars = denseRows(dates, chunks, nS, windowBytes);
    assertEquals([...bars.close], expected(0.4), `window of ${windowBytes} bytes`);
    assertEquals([...bars.open], expected(0.1));
    assertEquals([...bars.volume], expected(0));
  }
});

Deno.test("bar panels from a Parquet file place rows by each security's run, and join where they cannot", async (t) => {
  // 8 NYSE securities × 6 sessions of 1m bars; a retention rule turns the first 4 sessions into 5m
  // bars, so the file holds two intervals. The store's bars copied to Parquet in an order, closes × 2:
  // the panel shows which source was read (the joined store, or the file placed by its runs).
  const dir = await Deno.makeTempDir({ prefix: "quantnb-bars-placed-" });
  const db = `${dir}/q.duckdb`;
  await writeStore(db, async (store) => {
    await ingestIntraday(store, SESSIONS.NYSE, { nSecurities: 8, sessions: 6, seed: 5 });
    await applyRetention(store, [parseRetention("1m:4:5m")], { now: new Date("2024-01-10T12:00:00Z") });
  });
  const store = await openStore(db);
  try {
    const [{ n5 }] = await queryRows(
      store.conn,
      "SELECT count(*)::INTEGER AS n5 FROM bars WHERE interval = '5m'",
    );
    assertEquals(n5, 8 * 4 * 78); // sessions 2024-01-02 … 01-05 kept as 5m bars
    const ids = (await queryRows(store.conn, "SELECT security_id FROM securities ORDER BY 1"))
      .map((r) => r.security_id as string);
    const copy = async (order: string) => {
      const path = `${dir}/bars_${order.replace(/\W+/g, "_")}.parquet`;
      await store.conn.run(
        `COPY (SELECT * REPLACE (close * 2 AS close) FROM bars ORDER BY ${order}) TO '${path}' (FORMAT parquet)`,
      );
      return { path };
    };
    const closes = async (query: PanelQuery, bars?: { path: string }) =>
      Array.from(
        (await readPanel(store.conn, { fields: ["close"], ...query }, { parquet: { bars } })).fields.close,
      );
    const doubled = (x: number[]) => x.map((v) => v * 2);
    const queries: PanelQuery[] = [
      { interval: "1m" },
      { interval: "5m" },
      { interval: "1h", end: "2024-01-08" },
      { interval: "5m", securities: ids.slice(0, 5) },
    ];
    await t.step(
      "a file in (security, interval, ts) order is placed: every interval, window and subset",
      async () => {
        for (const order of ["security_id, interval, ts", "security_id DESC, ts, interval"]) {
          const file = await copy(order);
          for (const query of queries) {
            assertEquals(
              await closes(query, file),
              doubled(await closes(query)),
              `${order}: ${JSON.stringify(query)}`,
            );
          }
          const full = await readPanel(store.conn, { interval: "5m" }, { parquet: { bars: file } });
          const joined = await readPanel(store.conn, { interval: "5m" });
          assertEquals([...full.dates], [...joined.dates]);
          assertEquals([...full.fields.volume], [...joined.fields.volume]);
        }
      },
    );
    await t.step("out of order, or a panel with under half the rows, is joined", async () => {
      for (const order of ["ts, security_id", "security_id, interval, ts DESC"]) {
        const file = await copy(order);
        assertEquals(await closes({ interval: "5m" }, file), await closes({ interval: "5m" }), order);
      }
      const three = { interval: "1m" as const, securities: ids.slice(0, 3) };
      assertEquals(await closes(three, await copy("security_id, interval, ts")), await closes(three));
    });
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
