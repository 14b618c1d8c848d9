/**
 * The portfolio simulator on intraday bars: two B3 sessions of three hourly bars, every expected
 * number computed by hand in the comments from the conventions of `lib/portfolio/simulate.ts` (daily
 * processes once per session: cash, borrow, corporate actions, the tax day; orders and costs per bar).
 */
import { deepEqual, equal, throws } from "node:assert/strict";
import { assertAllClose, assertAlmostEquals } from "./_assert.ts";
import { sessionDays, SESSIONS } from "../lib/bars/session.ts";
import {
  corporateEvents,
  decisionBars,
  type MarketData,
  simulatePortfolio,
  type SimulationOptions,
} from "../lib/portfolio/mod.ts";

const HOUR_MS = 3_600_000;

/** Bars at 13:00, 14:00, 15:00 UTC (10:00, 11:00, 12:00 in São Paulo, UTC−3) of each day. */
function hourlyBars(...days: number[]): Float64Array {
  return Float64Array.from(days.flatMap((d) => [13, 14, 15].map((h) => d + h * HOUR_MS)));
}

const JAN2 = Date.UTC(2024, 0, 2), JAN3 = Date.UTC(2024, 0, 3);
const JAN31 = Date.UTC(2024, 0, 31), FEB1 = Date.UTC(2024, 1, 1);

/** One security "A" on `dates`, sessions from B3's clock. */
function market(
  dates: Float64Array,
  open: number[],
  close: number[],
  extra: Partial<MarketData> = {},
): MarketData {
  return {
    dates,
    securityIds: ["A"],
    open: Float64Array.from(open),
    close: Float64Array.from(close),
    periodsPerYear: 252 * 3,
    sessions: sessionDays(dates, SESSIONS.B3),
    ...extra,
  };
}

Deno.test("sessionDays and decisionBars: a bar's session is its local date; daily = the session's last bar", () => {
  const dates = hourlyBars(JAN31, FEB1);
  const sessions = sessionDays(dates, SESSIONS.B3);
  // 13:00–15:00 UTC is 10:00–12:00 in São Paulo (UTC−3 all year since 2019): the same calendar day
  deepEqual(Array.from(sessions), [JAN31, JAN31, JAN31, FEB1, FEB1, FEB1]);
  deepEqual(Array.from(decisionBars(sessions, "daily")), [0, 0, 1, 0, 0, 1]);
  deepEqual(Array.from(decisionBars(sessions, "monthly")), [0, 0, 1, 0, 0, 1]); // Jan 31's last bar, the data's last
  deepEqual(Array.from(decisionBars(sessions, "weekly")), [0, 0, 0, 0, 0, 1]); // Wed and Thu: one week
  deepEqual(Array.from(decisionBars(sessions, 2)), [0, 1, 0, 1, 0, 1]); // every 2 bars: bars 1, 3, 5
  deepEqual(Array.from(decisionBars(sessions, 4)), [0, 0, 0, 1, 0, 1]); // bar 3 and the last bar
  // on daily bars (each bar its own session) daily is every bar, as before sessions existed
  deepEqual(Array.from(decisionBars(Float64Array.of(JAN2, JAN3, JAN31), "daily")), [1, 1, 1]);
});

Deno.test("two hourly sessions: cash once per session, rebalance at the session's last bar, dividend, costs", async (t) => {
  // Bars 0–2 on Jan 2, bars 3–5 on Jan 3. A opens/closes at 10/10, 10/11, 11/12 | 12/12, 12/13, 13/13.
  const dates = hourlyBars(JAN2, JAN3);
  const open = [10, 10, 11, 12, 12, 13], close = [10, 11, 12, 12, 13, 13];
  // A R$0.50 dividend with ex-date Jan 3: on bar 3, the first bar of the ex-date session.
  const events = corporateEvents(sessionDays(dates, SESSIONS.B3), ["A"], {
    security_id: ["A"],
    ex_date: [JAN3],
    kind: ["dividend"],
    value: [0.5],
  });
  equal(events.t[0], 3);
  const m = market(dates, open, close, { events });
  // 50% decided at bar 0's close, 100% at bar 2's (row 1 has no opinion).
  const w = Float64Array.of(0.5, NaN, 1, NaN, NaN, NaN);
  const options: SimulationOptions = {
    capital: 100_000,
    schedule: "daily",
    lot: 100,
    commission: { bps: 10 },
    cashRate: { kind: "constant", annual: 0.1 },
  };
  const r = simulatePortfolio(m, w, options);
  const g = 1.1 ** (1 / 252); // one session of a 10% rate on the 252-day basis: 1.000378287

  await t.step(
    "the first decision fills at bar 1's open; the 'daily' one at bar 2's close fills at bar 3's open",
    () => {
      deepEqual(Array.from(r.rebalances), [1, 3]);
      deepEqual(Array.from(r.decisions), [0, 2]);
      // bar 1: 0.5 × 100,000 / 10 = 5,000 shares at 10, commission 10 bps × 50,000 = 50
      // bar 3: NAV at the open = cash 49,950 + interest 18.8954 + dividend 2,500 + 5,000 × 12 = 112,468.8954;
      //        / 12 = 9,372.4 → 9,300 shares: buy 4,300 at 12 = 51,600, commission 51.60
      deepEqual(Array.from(r.trades.t), [1, 3]);
      deepEqual(Array.from(r.trades.qty), [5_000, 4_300]);
      assertAllClose(r.trades.commission, [50, 51.6], 1e-9);
    },
  );
  await t.step("cash accrues once, on the second session's first bar: 49,950 × (1.1^(1/252) − 1)", () => {
    assertAllClose(r.daily.interest, [0, 0, 0, 49_950 * (g - 1), 0, 0], 1e-9);
    assertAlmostEquals(r.totals.interest, 18.895412250, 1e-8);
    assertAllClose(r.daily.cash_rate, [0, 0, 0, g - 1, 0, 0], 1e-15);
  });
  await t.step("the dividend is credited on bar 3: 5,000 × 0.50", () => {
    assertAllClose(r.daily.dividends, [0, 0, 0, 2_500, 0, 0], 1e-9);
  });
  await t.step("NAV at every close, by hand", () => {
    // bar 0 all cash; bars 1–2: cash 49,950 + 5,000 × 11 | 12;
    // bars 3–5: cash 49,950 + 18.8954 + 2,500 − 51,600 − 51.6 = 817.2954 + 9,300 × 12 | 13 | 13
    const cash3 = 49_950 + 49_950 * (g - 1) + 2_500 - 51_600 - 51.6;
    assertAlmostEquals(cash3, 817.295412250, 1e-8);
    assertAllClose(
      r.daily.nav,
      [100_000, 104_950, 109_950, cash3 + 111_600, cash3 + 120_900, cash3 + 120_900],
      1e-9,
    );
    equal(r.periodsPerYear, 756);
    deepEqual(Array.from(r.sessions), [JAN2, JAN2, JAN2, JAN3, JAN3, JAN3]);
  });
  await t.step(
    "start/end name sessions: --start 2024-01-03 is every bar of Jan 3, --end 2024-01-02 all of Jan 2",
    () => {
      const late = simulatePortfolio(m, w, { ...options, start: "2024-01-03" });
      deepEqual(Array.from(late.dates), Array.from(dates.subarray(3)));
      const early = simulatePortfolio(m, w, { ...options, end: "2024-01-02" });
      deepEqual(Array.from(early.dates), Array.from(dates.subarray(0, 3)));
    },
  );
  await t.step("without sessions (each bar a day) cash would accrue on every bar after the first", () => {
    const perBar = simulatePortfolio({ ...m, sessions: undefined, sessionsPerYear: 252 }, w, options);
    equal(perBar.daily.interest.filter((x) => x !== 0).length, 5);
  });
});

Deno.test("B3 tax on hourly bars: a buy and a sale in one session is a day trade of the bars' month", async (t) => {
  // Jan 31 (bars 0–2) and Feb 1 (bars 3–5): 100% decided at bar 0, 0% at bar 1, schedule every bar.
  // Buy 10,000 at bar 1's open (10), sell them at bar 2's open (11): the same session.
  const dates = hourlyBars(JAN31, FEB1);
  const open = [10, 10, 11, 11, 11, 11], close = [10, 10, 11, 11, 11, 11];
  const w = Float64Array.of(1, 0, NaN, NaN, NaN, NaN);
  const options: SimulationOptions = { capital: 100_000, schedule: 1, lot: 100, tax: "brazil" };
  const r = simulatePortfolio(market(dates, open, close), w, options);
  await t.step(
    "January: a R$10,000 day-trade gain, 20% = 2,000 less 1% withheld = 1,900 due in February",
    () => {
      deepEqual(Array.from(r.trades.qty), [10_000, -10_000]);
      deepEqual(Array.from(r.trades.t), [1, 2]);
      // withholding at the session's close (bar 2): 1% of the day-trade gain 10,000 × (11 − 10)
      assertAllClose(r.daily.withholding, [0, 0, 100, 0, 0, 0], 1e-9);
      deepEqual(Array.from(r.taxes.period), [JAN31 - 30 * 86_400_000, FEB1]);
      assertAllClose(r.taxes.day_result, [10_000, 0], 1e-9);
      assertAllClose(r.taxes.swing_sales, [0, 0], 1e-9);
      assertAllClose(r.taxes.tax, [2_000, 0], 1e-9);
      // due on February's last business day, after the data: outstanding
      assertAlmostEquals(r.totals.tax_outstanding, 1_900, 1e-9);
      assertAlmostEquals(r.trades.realized[1], 10_000, 1e-9);
    },
  );
  await t.step("due on February's last business day: paid on the last bar of the Feb 29 session", () => {
    // the same trades with a second session on Thu Feb 29, 2024 (the month's last weekday) instead of Feb 1
    const FEB29 = Date.UTC(2024, 1, 29);
    const due = simulatePortfolio(market(hourlyBars(JAN31, FEB29), open, close), w, options);
    assertAllClose(due.daily.tax_paid, [0, 0, 0, 0, 0, 1_900], 1e-9);
    assertAlmostEquals(due.totals.tax_outstanding, 0, 1e-9);
  });
  await t.step(
    "the same fills on bars taken as days are a swing trade: 15% of 10,000, 0.005% withheld",
    () => {
      const daily = simulatePortfolio({ ...market(dates, open, close), sessions: undefined }, w, options);
      // R$110,000 of sales > R$20,000: no exemption; withholding 0.005% × 110,000 = 5.50 at the sale
      assertAllClose(daily.daily.withholding, [0, 0, 5.5, 0, 0, 0], 1e-9);
      assertAllClose(daily.taxes.tax, [1_500, 0], 1e-9);
    },
  );
});

Deno.test("participation cap on hourly bars: at most maxParticipation × ADV per session, not per bar", () => {
  // A at 10 with an ADV of R$100,000: 10% of it is 1,000 shares a session. The target, 15,000 / 10 =
  // 1,500 shares, decided at bar 0: 1,000 fill on bar 1, none on bar 2 (the session's cap is used), the
  // other 500 on bar 3, the next session's first bar.
  const dates = hourlyBars(JAN2, JAN3);
  const flat = [10, 10, 10, 10, 10, 10];
  const m = market(dates, flat, flat, { adv: new Float64Array(6).fill(100_000) });
  const w = Float64Array.of(0.15, NaN, NaN, NaN, NaN, NaN);
  const r = simulatePortfolio(m, w, {
    capital: 100_000,
    schedule: "monthly",
    lot: 100,
    slippage: { model: "participation", bps: 0, impactBps: 0, maxParticipation: 0.1 },
  });
  deepEqual(Array.from(r.trades.t), [1, 3]);
  deepEqual(Array.from(r.trades.qty), [1_000, 500]);
  // without sessions each bar has its own cap: 1,000 on bar 1, the other 500 on bar 2
  const perBar = simulatePortfolio({ ...m, sessions: undefined }, w, {
    capital: 100_000,
    schedule: "monthly",
    lot: 100,
    slippage: { model: "participation", bps: 0, impactBps: 0, maxParticipation: 0.1 },
  });
  deepEqual(Array.from(perBar.trades.t), [1, 2]);
  // bars without any ADV (an intraday store without descriptors) are an error, not a run without trades
  throws(
    () =>
      simulatePortfolio({ ...m, adv: new Float64Array(6).fill(NaN) }, w, {
        slippage: { model: "participation", bps: 0, impactBps: 0, maxParticipation: 0.1 },
      }),
    /adv field has no positive value on any bar/,
  );
});

Deno.test("the CDI on hourly bars: each series day accrues once, on the next session's first bar", () => {
  // Sessions Tue Jan 2 and Thu Jan 4 (no bars on Jan 3): the CDI of Jan 2 (0.04 %/day) and Jan 3
  // (0.05 %/day) both accrue overnight into Jan 4's first bar, 1.0004 × 1.0005 = 1.00090020; Jan 4's
  // own rate (0.06) would accrue into the next session, after the data. All cash (weight 0).
  const JAN4 = Date.UTC(2024, 0, 4);
  const dates = hourlyBars(JAN2, JAN4);
  const cdi = {
    series_id: "CDI",
    name: "CDI",
    kind: "rate",
    unit: "percent_per_day",
    source: "test",
    dates: Float64Array.of(JAN2, JAN3, JAN4),
    values: Float64Array.of(0.04, 0.05, 0.06),
  } as const;
  const flat = [10, 10, 10, 10, 10, 10];
  const m = market(dates, flat, flat, { series: { CDI: cdi } });
  const r = simulatePortfolio(m, new Float64Array(6).fill(0), {
    capital: 100_000,
    cashRate: { kind: "series", id: "CDI" },
  });
  assertAllClose(r.daily.cash_rate, [0, 0, 0, 1.0004 * 1.0005 - 1, 0, 0], 1e-15);
  // 100,000 × 0.00090020 = 90.02 on bar 3, nothing on the other five bars
  assertAllClose(r.daily.interest, [0, 0, 0, 90.02, 0, 0], 1e-9);
  assertAlmostEquals(r.daily.nav[5], 100_090.02, 1e-9);
});

Deno.test("the borrow fee on hourly bars: once per session, on the short value at the previous close", () => {
  // Short 50% decided at bar 0: 50,000 / 10 = 5,000 shares sold at bar 1's open (10). At bar 2's close
  // (12, the session's last) the short is worth 60,000: on bar 3, the next session's first bar, the fee is
  // 60,000 × 10% / 252 = 23.8095…, and nothing on any other bar.
  const dates = hourlyBars(JAN2, JAN3);
  const m = market(dates, [10, 10, 11, 12, 12, 13], [10, 11, 12, 12, 13, 13]);
  const w = Float64Array.of(-0.5, NaN, NaN, NaN, NaN, NaN);
  const r = simulatePortfolio(m, w, { capital: 100_000, schedule: "monthly", lot: 100, borrowRate: 0.1 });
  deepEqual(Array.from(r.trades.qty), [-5_000]);
  assertAllClose(r.daily.borrow, [0, 0, 0, 60_000 * 0.1 / 252, 0, 0], 1e-9);
  assertAlmostEquals(r.totals.borrow, 23.809523810, 1e-8);
});

Deno.test("a 2:1 split on hourly bars applies on the first bar of its ex-date session; NAV unchanged", () => {
  // 50% = 5,000 shares bought at 10 on bar 1; Jan 3 trades at 5 after a 2-for-1 split: 10,000 shares from
  // bar 3 on, worth the same 50,000, so NAV stays 100,000 at every bar (no costs, no cash rate).
  const dates = hourlyBars(JAN2, JAN3);
  const px = [10, 10, 10, 5, 5, 5];
  const events = corporateEvents(sessionDays(dates, SESSIONS.B3), ["A"], {
    security_id: ["A"],
    ex_date: [JAN3],
    kind: ["split"],
    value: [2],
  });
  const r = simulatePortfolio(
    market(dates, px, px, { events }),
    Float64Array.of(0.5, NaN, NaN, NaN, NaN, NaN),
    {
      capital: 100_000,
      schedule: "monthly",
      lot: 100,
    },
  );
  deepEqual(Array.from(r.shares), [0, 5_000, 5_000, 10_000, 10_000, 10_000]);
  assertAllClose(r.daily.nav, [100_000, 100_000, 100_000, 100_000, 100_000, 100_000], 1e-9);
});
