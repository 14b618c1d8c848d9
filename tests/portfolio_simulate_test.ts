/**
 * The portfolio simulator on tiny hand-made markets: every expected number is computed by hand in the
 * comments (prices, shares, cash) from the conventions documented in `lib/portfolio/simulate.ts`,
 * `config.ts` and `cash.ts`.
 */
import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { assertAllClose, assertAlmostEquals } from "./_assert.ts";
import { syntheticCalendar } from "../lib/ingest/calendar.ts";
import { isoDate } from "../lib/panel/types.ts";
import {
  commission,
  corporateEvents,
  decisionBars,
  type MarketData,
  type PortfolioResult,
  simulatePortfolio,
  type SimulationOptions,
  slippageFraction,
} from "../lib/portfolio/mod.ts";
import { createRng } from "../lib/util/rng.ts";

/** Flattens rows of per-security values (`null` = no price) into a date-major matrix. */
function matrix(rows: (number | null)[][]): Float64Array {
  return Float64Array.from(rows.flat(), (v) => v ?? NaN);
}

/** A market of `close` rows (open = close unless given) on weekdays from 2024-01-02. */
function market(
  close: (number | null)[][],
  extra: Partial<MarketData> & { openRows?: (number | null)[][] } = {},
): MarketData {
  const T = close.length, N = close[0].length;
  return {
    dates: syntheticCalendar("2024-01-02", T),
    securityIds: Array.from({ length: N }, (_, i) => String.fromCharCode(65 + i)),
    open: matrix(extra.openRows ?? close),
    close: matrix(close),
    ...extra,
  };
}

/** NaN rows except the given ones: `{ row: [w0, w1, …] }`. */
function weightRows(T: number, N: number, rows: Record<number, number[]>): Float64Array {
  const w = new Float64Array(T * N).fill(NaN);
  for (const [t, values] of Object.entries(rows)) w.set(values, Number(t) * N);
  return w;
}

/** NAV = cash + Σ shares × last close, recomputed from the result at every bar. */
function assertNavIdentity(result: PortfolioResult, m: MarketData, tolerance = 1e-6): void {
  const N = m.securityIds.length;
  const s0 = m.dates.indexOf(result.dates[0]);
  const mark = new Float64Array(N).fill(NaN);
  for (let t = 0; t < s0; t++) {
    for (let i = 0; i < N; i++) if (!Number.isNaN(m.close[t * N + i])) mark[i] = m.close[t * N + i];
  }
  for (let k = 0; k < result.dates.length; k++) {
    let value = result.daily.cash[k];
    for (let i = 0; i < N; i++) {
      const c = m.close[(s0 + k) * N + i];
      if (!Number.isNaN(c)) mark[i] = c;
      const sh = result.shares[k * N + i];
      if (sh !== 0) value += sh * mark[i];
    }
    assertAlmostEquals(
      result.daily.nav[k],
      value,
      tolerance * Math.max(1, Math.abs(value)),
      `NAV at bar ${k}`,
    );
  }
}

const base: SimulationOptions = { capital: 1_100, schedule: "daily" };

/** A CDI-like rate series in % per day. */
function cdiSeries(dates: Float64Array, values: Float64Array) {
  return {
    series_id: "CDI",
    name: "CDI",
    kind: "rate",
    unit: "percent_per_day",
    source: "test",
    dates,
    values,
  } as const;
}

Deno.test("execution is never on the decision bar: next open or next close of the following bar", async (t) => {
  // Bar 0 closes at 10; bar 1 opens at 11 and closes at 12. The weight (100% A) is decided at bar 0's close.
  const m = market([[10], [12], [12]], { openRows: [[10], [11], [12]] });
  const w = weightRows(3, 1, { 0: [1] });
  await t.step("next_open: 1,100 / 11 = 100 shares at 11 on bar 1; NAV at its close 100 × 12 = 1,200", () => {
    const r = simulatePortfolio(m, w, { ...base, execution: "next_open" });
    deepEqual(Array.from(r.trades.t), [1]);
    equal(r.trades.qty[0], 100);
    equal(r.trades.price[0], 11);
    assertAllClose(r.daily.nav, [1100, 1200, 1200]);
  });
  await t.step("next_close: trunc(1,100 / 12) = 91 shares at 12 on bar 1; cash 8", () => {
    const r = simulatePortfolio(m, w, { ...base, execution: "next_close" });
    deepEqual(Array.from(r.trades.t), [1]);
    equal(r.trades.qty[0], 91);
    equal(r.daily.cash[1], 1100 - 91 * 12);
    assertAllClose(r.daily.nav, [1100, 1100, 1100]);
  });
  await t.step("random targets: a fill never depends on its own bar's or later weights", () => {
    const rng = createRng(7);
    const T = 60, N = 4;
    const close = Array.from({ length: T }, () => Array.from({ length: N }, () => 20 + 5 * rng.uniform()));
    const mk = market(close);
    const random = () => (rng.uniform() < 0.3 ? NaN : rng.uniform() - 0.3);
    const wr = new Float64Array(T * N).map(random);
    for (const schedule of ["daily", "weekly", "monthly", "on_change"] as const) {
      const r = simulatePortfolio(mk, wr, { capital: 1e5, schedule, lot: 1 });
      ok(r.trades.length > 0);
      r.decisions.forEach((d, j) =>
        ok(d < r.rebalances[j], `${schedule}: decision ${d} acted on at ${r.rebalances[j]}`)
      );
      for (const b of [10, 25, 40]) {
        // Replace every weight from bar b on: the fills up to and including bar b must not change.
        const changed = Float64Array.from(wr, (v, c) => (c >= b * N ? random() : v));
        const s = simulatePortfolio(mk, changed, { capital: 1e5, schedule, lot: 1 });
        const upTo = (x: PortfolioResult) =>
          Array.from({ length: x.trades.length }, (_, k) => k).filter((k) => x.trades.t[k] <= b)
            .map((k) => [x.trades.t[k], x.trades.i[k], x.trades.qty[k]]);
        deepEqual(upTo(s), upTo(r), `${schedule}: fills through bar ${b}`);
      }
      assertNavIdentity(r, mk);
    }
  });
});

Deno.test("lot rounding: target shares truncated toward zero to the lot, or fractional", () => {
  // NAV 100,000, weight 0.5 at 33: 50,000 / 33 = 1,515.15 shares.
  const m = market([[33], [33]]);
  const w = weightRows(2, 1, { 0: [0.5] });
  const shares = (options: SimulationOptions) =>
    simulatePortfolio(m, w, { capital: 100_000, ...options }).trades.qty[0];
  equal(shares({ lot: 100 }), 1500);
  equal(shares({ lot: 1 }), 1515);
  assertAlmostEquals(shares({ fractional: true }), 50_000 / 33, 1e-9);
  // Per-security lots override --lot; a short rounds toward zero too: −50,000 / 33 → −1,500.
  equal(simulatePortfolio({ ...m, lots: [10] }, w, { capital: 100_000, lot: 100 }).trades.qty[0], 1510);
  equal(
    simulatePortfolio(m, weightRows(2, 1, { 0: [-0.5] }), { capital: 100_000, lot: 100 }).trades.qty[0],
    -1500,
  );
});

Deno.test("commission: bps of notional + per share + per order, with a minimum per order", () => {
  const model = { bps: 5, perShare: 0.01, perOrder: 2, minimum: 5 };
  assertAlmostEquals(commission(100, 50, model), 2.5 + 1 + 2, 1e-12); // 5 bps × 5,000 = 2.5
  equal(commission(-10, 50, { ...model, perShare: 0, perOrder: 0 }), 5); // 0.25 < minimum 5
  equal(commission(0, 50, model), 0);
  // In the simulator: 1,000 shares of A at 10 with 10 bps + R$0.005/share + R$1 → 10 + 5 + 1 = 16.
  const r = simulatePortfolio(market([[10], [10]]), weightRows(2, 1, { 0: [1] }), {
    capital: 10_000,
    fractional: true,
    commission: { bps: 10, perShare: 0.005, perOrder: 1 },
  });
  equal(r.trades.qty[0], 1000);
  assertAlmostEquals(r.trades.commission[0], 16, 1e-9);
  assertAlmostEquals(r.daily.cash[1], -16, 1e-9);
});

Deno.test("slippage: bps on the fill price; the participation model adds impact and caps each day's fill", async (t) => {
  await t.step("bps: a buy fills at price × (1 + 10 bps), a sale at price × (1 − 10 bps)", () => {
    const r = simulatePortfolio(market([[10], [10], [10]]), weightRows(3, 1, { 0: [1], 1: [0] }), {
      capital: 10_010,
      schedule: "daily",
      slippage: { bps: 10 },
    });
    // 10,010 / 10 = 1,001 target shares at the reference 10 (sizing uses the reference price).
    equal(r.trades.qty[0], 1001);
    assertAlmostEquals(r.trades.price[0], 10.01, 1e-12);
    assertAlmostEquals(r.trades.slippage[0], 1001 * 0.01, 1e-9);
    assertAlmostEquals(r.trades.price[1], 9.99, 1e-12);
    assertAlmostEquals(r.totals.slippage, 2 * 10.01, 1e-9);
  });
  await t.step("participation: sqrt impact, fills capped at 10% of ADV, the rest over the next bars", () => {
    const model = {
      model: "participation" as const,
      bps: 2,
      impactBps: 100,
      exponent: 0.5,
      maxParticipation: 0.1,
    };
    assertAlmostEquals(slippageFraction(1000, 10, 1e6, model), 0.0012, 1e-15); // 2 + 100 × sqrt(0.01) = 12 bps
    // ADV 20,000 at price 10: at most 10% × 20,000 / 10 = 200 shares a day. Target: 50,000 / 10 = 5,000… capped.
    const T = 5;
    const m = market(Array.from({ length: T }, () => [10]), { adv: new Float64Array(T).fill(20_000) });
    const r = simulatePortfolio(m, weightRows(T, 1, { 0: [0.01] }), { capital: 50_000, slippage: model });
    // Target 0.01 × 50,000 / 10 = 50 shares: below the cap, filled at once with 2 + 100 × sqrt(500 / 20,000) = 17.81 bps.
    equal(r.trades.length, 1);
    assertAlmostEquals(r.trades.price[0], 10 * (1 + (2 + 100 * Math.sqrt(500 / 20_000)) / 1e4), 1e-12);
    const big = simulatePortfolio(m, weightRows(T, 1, { 0: [0.05] }), { capital: 50_000, slippage: model });
    // Target 250 shares: 200 on bar 1 (the cap), the remaining 50 on bar 2.
    deepEqual(Array.from(big.trades.t), [1, 2]);
    deepEqual(Array.from(big.trades.qty), [200, 50]);
    assertAlmostEquals(big.trades.price[0], 10 * (1 + (2 + 100 * Math.sqrt(2000 / 20_000)) / 1e4), 1e-12);
  });
});

Deno.test("a cash dividend is credited on the ex-date; shorts pay it", () => {
  // 100 shares of A bought at 50 on bar 1; ex-dividend R$2 on bar 3, the raw price drops 50 → 48.
  const m = market([[50], [50], [50], [48], [48]]);
  const events = corporateEvents(m.dates, ["A"], {
    security_id: ["A"],
    ex_date: [m.dates[3]],
    kind: ["dividend"],
    value: [2],
  });
  const r = simulatePortfolio({ ...m, events }, weightRows(5, 1, { 0: [1] }), { capital: 5_000 });
  equal(r.daily.dividends[3], 200);
  assertAllClose(r.daily.nav, [5000, 5000, 5000, 5000, 5000]); // 48 × 100 + 200 of cash
  equal(r.daily.cash[3], 200);
  const short = simulatePortfolio({ ...m, events }, weightRows(5, 1, { 0: [-1] }), { capital: 5_000 });
  equal(short.daily.dividends[3], -200);
  assertAllClose(short.daily.nav, [5000, 5000, 5000, 5000, 5000]);
});

Deno.test("a split changes the share count, not the NAV", () => {
  // 2-for-1 on bar 3: the raw close halves 40 → 20, 100 shares become 200.
  const m = market([[40], [40], [40], [20], [21]]);
  const events = corporateEvents(m.dates, ["A"], {
    security_id: ["A"],
    ex_date: [m.dates[3]],
    kind: ["split"],
    value: [2],
  });
  const r = simulatePortfolio({ ...m, events }, weightRows(5, 1, { 0: [1] }), {
    capital: 4_000,
    schedule: "daily",
  });
  deepEqual(Array.from(r.shares), [0, 100, 100, 200, 200]);
  assertAllClose(r.daily.nav, [4000, 4000, 4000, 4000, 4200]);
  equal(r.trades.length, 1, "daily rebalancing to 100% needs no trade after the split");
});

Deno.test("cash earns a constant rate or the CDI (the rate of day d accrues overnight d → d + 1)", async (t) => {
  const m = market([[10], [10], [10], [10]]);
  const w = weightRows(4, 1, { 0: [0] });
  await t.step("constant 10% a year: (1.1)^(1/252) per bar", () => {
    const r = simulatePortfolio(m, w, { capital: 1000, cashRate: { kind: "constant", annual: 0.1 } });
    assertAllClose(r.daily.nav, [0, 1, 2, 3].map((k) => 1000 * 1.1 ** (k / 252)), 1e-9);
  });
  await t.step(
    "CDI in % per day: Friday's rate covers the weekend; a Monday holiday's bar earns two days",
    () => {
      // Bars 2024-01-02 (Tue) … 2024-01-05 (Fri); series days Tue–Fri plus Sat/Sun values ignored by design:
      const cdi = cdiSeries(m.dates, Float64Array.of(0.04, 0.05, 0.06, 0.07));
      const r = simulatePortfolio({ ...m, series: { CDI: cdi } }, w, {
        capital: 1000,
        cashRate: { kind: "series", id: "CDI" },
      });
      // Tue → Wed earns Tuesday's 0.04%, Wed → Thu 0.05%, Thu → Fri 0.06%.
      assertAllClose(r.daily.nav, [
        1000,
        1000 * 1.0004,
        1000 * 1.0004 * 1.0005,
        1000 * 1.0004 * 1.0005 * 1.0006,
      ], 1e-9);
      // Bars Tue and Thu only (Wed missing from the panel): the Thu bar earns Tue's and Wed's rates.
      const gap = { ...market([[10], [10]]), dates: Float64Array.of(m.dates[0], m.dates[2]) };
      const g = simulatePortfolio({ ...gap, series: { CDI: cdi } }, weightRows(2, 1, { 0: [0] }), {
        capital: 1000,
        cashRate: { kind: "series", id: "CDI" },
      });
      assertAlmostEquals(g.daily.nav[1], 1000 * 1.0004 * 1.0005, 1e-9);
    },
  );
  await t.step("a rate series that does not cover the simulation is refused", () => {
    const short = cdiSeries(m.dates.slice(0, 2), Float64Array.of(0.04, 0.05));
    throws(
      () =>
        simulatePortfolio({ ...m, series: { CDI: short } }, w, { cashRate: { kind: "series", id: "CDI" } }),
      /cash rate series "CDI" covers 2024-01-02 → 2024-01-03 but the simulation accrues from 2024-01-02 to 2024-01-05/,
    );
  });
});

Deno.test("shorts pay the borrow fee on their market value; the leverage cap scales targets down", () => {
  // Short 100 A at 10 (−1,000) from bar 1; 5% a year on 1,000 → 1,000 × 0.05 / 252 per bar from bar 2.
  const m = market([[10, 10], [10, 10], [10, 10], [10, 10]]);
  const r = simulatePortfolio(m, weightRows(4, 2, { 0: [-0.1, 0] }), { capital: 10_000, borrowRate: 0.05 });
  assertAllClose(r.daily.borrow, [0, 0, 1000 * 0.05 / 252, 1000 * 0.05 / 252], 1e-12);
  // Targets +0.8 / −0.8 (gross 1.6) under a cap of 1 become +0.5 / −0.5.
  const capped = simulatePortfolio(m, weightRows(4, 2, { 0: [0.8, -0.8] }), {
    capital: 10_000,
    maxLeverage: 1,
  });
  deepEqual(Array.from(capped.trades.qty), [500, -500]);
  assertAlmostEquals(capped.daily.gross_exposure[1], 1, 1e-12);
  // Long only: negative targets are flat.
  equal(
    simulatePortfolio(m, weightRows(4, 2, { 0: [0.5, -0.5] }), { capital: 10_000, allowShort: false }).trades
      .length,
    1,
  );
});

Deno.test("schedules decide on the last bar of each week, month or quarter; weights drift in between", () => {
  const dates = syntheticCalendar("2024-01-02", 70); // through 2024-04-08
  const month = Array.from(decisionBars(dates, "monthly").entries()).filter(([, d]) => d).map(([t]) =>
    isoDate(dates[t])
  );
  deepEqual(month, ["2024-01-31", "2024-02-29", "2024-03-29", "2024-04-08"]);
  const quarter = Array.from(decisionBars(dates, "quarterly").entries()).filter(([, d]) => d).map(([t]) =>
    isoDate(dates[t])
  );
  deepEqual(quarter, ["2024-03-29", "2024-04-08"]);
  const week = Array.from(decisionBars(dates, "weekly").entries()).filter(([, d]) => d).map(([t]) =>
    isoDate(dates[t])
  );
  equal(week[0], "2024-01-05"); // the first Friday
  // Two names, 50/50, monthly: A doubles during January and the weights drift to 2/3 – 1/3 until the
  // February rebalance on the first bar of February (2024-02-01).
  const T = 30;
  const close = Array.from({ length: T }, (_, t) => [t < 5 ? 10 : 20, 10]);
  const r = simulatePortfolio(market(close), weightRows(T, 2, { 0: [0.5, 0.5] }), {
    capital: 10_000,
    schedule: "monthly",
  });
  const k = 10; // 2024-01-16
  assertAlmostEquals(r.weights[k * 2], 2 / 3, 1e-12);
  const feb = Array.from(r.dates).findIndex((d) => isoDate(d) === "2024-02-01");
  deepEqual(Array.from(r.trades.t), [1, 1, feb, feb]);
  assertAlmostEquals(r.weights[feb * 2], 0.5, 1e-12);
});

Deno.test("on_change trades only when the target changes; the band skips small trades but not exits", () => {
  const T = 8;
  const close = Array.from({ length: T }, (_, t) => [10 + t, 10]);
  const w = weightRows(T, 2, { 0: [0.5, 0.5], 1: [0.5, 0.5], 2: [0.5, 0.5], 3: [0.6, 0.4], 5: [0, 1] });
  const r = simulatePortfolio(market(close), w, { capital: 10_000, schedule: "on_change" });
  deepEqual([...new Set(r.trades.t)], [1, 4, 6]);
  // Daily with a 5% band: the drift trades (a few % of NAV) are skipped; the exit of A on bar 6 trades.
  const banded = simulatePortfolio(market(close), w, { capital: 10_000, schedule: "daily", band: 0.05 });
  ok(
    banded.trades.length <
      simulatePortfolio(market(close), w, { capital: 10_000, schedule: "daily" }).trades.length,
  );
  ok(
    Array.from(banded.trades.t).includes(6) && banded.shares[6 * 2] === 0,
    "the exit of A trades despite the band",
  );
});

Deno.test("a delisted position is closed at its last close; later targets on it do nothing", () => {
  const m = market([[10, 10], [10, 10], [12, 10], [null, 10], [null, 10]]);
  const r = simulatePortfolio(m, weightRows(5, 2, { 0: [0.5, 0.5] }), {
    capital: 2_000,
    schedule: "monthly",
  });
  // A: 100 shares bought at 10 on bar 1, closed at 12 on bar 2 (its last price) → cash 1,200 − … .
  const delist = Array.from({ length: r.trades.length }, (_, k) => k).filter((k) => r.trades.kind[k] === 1);
  deepEqual(delist.map((k) => [r.trades.t[k], r.trades.qty[k], r.trades.price[k]]), [[2, -100, 12]]);
  equal(r.trades.realized[delist[0]], 200);
  assertNavIdentity(r, m);
});

Deno.test("Brazilian taxes in the simulation: the month's gain is taxed and paid on the due date", () => {
  // Buy 1,000 A at 10 (January); the price goes to 25 and the position is sold on 2024-02-01:
  // sales 25,000 > 20,000 → gain 15,000 → 2,250 − IRRF 25,000 × 0.00005 = 1.25 → 2,248.75 due on the
  // last business day of March (2024-03-29).
  const dates = syntheticCalendar("2024-01-02", 65);
  const T = dates.length;
  const feb1 = Array.from(dates).findIndex((d) => isoDate(d) === "2024-02-01");
  const close = Array.from({ length: T }, (_, t) => [t < 5 ? 10 : 25]);
  const w = weightRows(T, 1, { 0: [1], [feb1 - 1]: [0] });
  const r = simulatePortfolio(market(close), w, { capital: 10_000, schedule: "daily", tax: "brazil" });
  const feb = 1;
  equal(isoDate(r.taxes.period[feb]), "2024-02-01");
  equal(r.taxes.swing_sales[feb], 25_000);
  assertAlmostEquals(r.taxes.tax[feb], 2_250, 1e-9);
  assertAlmostEquals(r.taxes.payable[feb], 2_248.75, 1e-9);
  const paid = Array.from(r.daily.tax_paid.entries()).filter(([, v]) => v > 0);
  deepEqual(paid.map(([k, v]) => [isoDate(r.dates[k]), v]), [["2024-03-29", 2_248.75]]);
  assertAlmostEquals(r.daily.withholding[feb1], 1.25, 1e-9);
  // Cash after the sale is 25,000 − 1.25 withheld; after the due date 25,000 − 2,250.
  assertAlmostEquals(r.daily.cash[T - 1], 25_000 - 2_250, 1e-9);
  assertNavIdentity(r, market(close));
});

Deno.test("NAV = cash + Σ shares × price at every bar, with shorts, costs, taxes, actions and a cash rate", () => {
  const rng = createRng(11);
  const T = 300, N = 6;
  const px = Array.from({ length: N }, () => 20 + 30 * rng.uniform());
  const close: (number | null)[][] = [];
  for (let t = 0; t < T; t++) {
    close.push(px.map((p, i) => {
      px[i] = p * Math.exp(0.02 * rng.normal());
      return i === 5 && t > 200 ? null : px[i];
    }));
  }
  const m = market(close, { adv: new Float64Array(T * N).fill(2e5) });
  const dates = m.dates;
  const events = corporateEvents(dates, m.securityIds, {
    security_id: ["A", "B", "C"],
    ex_date: [dates[50], dates[120], dates[121]],
    kind: ["split", "dividend", "split"],
    value: [2, 0.5, 3],
  });
  const w = new Float64Array(T * N).map(() => (rng.uniform() < 0.2 ? NaN : 0.4 * (rng.uniform() - 0.35)));
  const r = simulatePortfolio({ ...m, events }, w, {
    capital: 250_000,
    schedule: "weekly",
    lot: 10,
    tax: "brazil",
    commission: { bps: 5, minimum: 1 },
    slippage: { model: "participation", bps: 2, impactBps: 50, maxParticipation: 0.2 },
    cashRate: { kind: "constant", annual: 0.1 },
    borrowRate: 0.03,
  });
  ok(r.trades.length > 50, `${r.trades.length} trades`);
  ok(r.totals.tax_paid > 0 || r.totals.tax_outstanding >= 0);
  assertNavIdentity(r, { ...m, events });
});

Deno.test("a security master's lot sizes and share classes become the simulator's lots and tax classes", async () => {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const { readSecurityTerms, taxClassOf } = await import("../lib/portfolio/security_terms.ts");
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  try {
    deepEqual(await readSecurityTerms(conn, ["A"]), {}, "no security master: run defaults");
    // The B3 pipeline's columns (lib/ingest/b3): lot_size and share_class per security_id.
    await conn.run(`CREATE TABLE security_master (security_id VARCHAR, share_class VARCHAR, lot_size INTEGER);
      INSERT INTO security_master VALUES ('PETR4', 'PN', 100), ('BOVA11', 'ETF', 1), ('SANB11', 'UNIT', 100)`);
    const terms = await readSecurityTerms(conn, ["BOVA11", "PETR4", "SANB11", "OTHER"]);
    deepEqual(Array.from(terms.lots!), [1, 100, 100, NaN]);
    deepEqual(terms.taxClasses, ["etf", "common", "unit", "common"]);
    equal(taxClassOf("ON"), "common");
    // In the simulator: the master's lot 100 for PETR4 beside --lot 1 for a name without a row.
    const m = market([[33, 33], [33, 33]]);
    const r = simulatePortfolio(
      { ...m, lots: Float64Array.of(100, NaN) },
      weightRows(2, 2, { 0: [0.5, 0.5] }),
      {
        capital: 100_000,
        lot: 1,
      },
    );
    deepEqual(Array.from(r.trades.qty), [1500, 1515]);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
});

Deno.test("start and end restrict the simulated bars; the warm-up before the first decision is skipped", () => {
  const m = market(Array.from({ length: 10 }, () => [10]));
  const w = weightRows(10, 1, { 2: [1] });
  const r = simulatePortfolio(m, w, { capital: 1000 });
  equal(isoDate(r.dates[0]), isoDate(m.dates[2]), "starts on the first decision bar");
  const cut = simulatePortfolio(m, w, {
    capital: 1000,
    start: isoDate(m.dates[4]),
    end: isoDate(m.dates[7]),
  });
  deepEqual([isoDate(cut.dates[0]), isoDate(cut.dates[cut.dates.length - 1])], [
    isoDate(m.dates[4]),
    isoDate(m.dates[7]),
  ]);
  throws(
    () => simulatePortfolio(m, new Float64Array(10).fill(NaN)),
    /the target weights have no finite value/,
  );
});
