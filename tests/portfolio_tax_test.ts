/**
 * The Brazilian tax model on hand-made trade ledgers. Every expected number is computed by hand in the
 * comments from the rules in `lib/portfolio/tax/models.ts` (Lei 11.033/2004 art. 3, IN RFB 1.585/2015):
 * 15% swing / 20% day trade on monthly net gains at average cost, R$20,000 monthly stock-sales
 * exemption (common stocks only), separate loss carry, IRRF 0.005% of swing sales and 1% of the
 * day's day-trade gain credited, DARF minimum R$10, due the last business day of the next month.
 */
import { deepEqual, equal, throws } from "node:assert/strict";
import { assertAlmostEquals } from "./_assert.ts";
import { syntheticCalendar } from "../lib/ingest/calendar.ts";
import { isoDate, parseIsoDate } from "../lib/panel/types.ts";
import { BRAZIL, createTaxBook, NO_TAX, type TaxModel } from "../lib/portfolio/tax/mod.ts";
import { computeTaxes, type TaxTrades } from "../lib/portfolio/tax/ledger.ts";

/** Weekdays from 2024-01-02 through 2024-04-30 (the test calendar; Jan 1 is skipped by the generator). */
const DATES = syntheticCalendar("2024-01-02", 86);

/** A trades ledger from [YYYY-MM-DD, security, qty, price, commission?] rows. */
function ledger(rows: [string, string, number, number, number?][]): TaxTrades {
  return {
    date: rows.map((r) => parseIsoDate(r[0])),
    security_id: rows.map((r) => r[1]),
    qty: rows.map((r) => r[2]),
    price: rows.map((r) => r[3]),
    commission: rows.map((r) => r[4] ?? 0),
  };
}

function taxes(rows: [string, string, number, number, number?][], model: TaxModel = BRAZIL, classes = {}) {
  return computeTaxes(ledger(rows), { model, dates: DATES, classes });
}

Deno.test("the test calendar ends on the last weekday of April 2024", () => {
  equal(isoDate(DATES[DATES.length - 1]), "2024-04-30");
});

Deno.test("brazil: a month under R$20k of stock sales is exempt; one over is taxed 15%, withholding credited", async (t) => {
  const { ledger: l, realized } = taxes([
    // January: buy 1,000 AAAA3 @ 10, sell @ 15: sales 15,000 ≤ 20,000 → gain 5,000 exempt.
    ["2024-01-02", "AAAA3", 1000, 10],
    ["2024-01-10", "AAAA3", -1000, 15],
    // February: buy 2,000 BBBB3 @ 10, sell @ 12: sales 24,000 > 20,000 → gain 4,000 taxed.
    ["2024-02-01", "BBBB3", 2000, 10],
    ["2024-02-15", "BBBB3", -2000, 12],
  ]);
  await t.step("January: no tax, 0.005% withheld carried as a credit", () => {
    equal(l.exempt[0], 1);
    equal(l.swing_sales[0], 15_000);
    equal(l.swing_result[0], 5_000);
    equal(l.swing_taxable[0], 0);
    equal(l.tax[0], 0);
    assertAlmostEquals(l.withholding[0], 0.75, 1e-9); // 15,000 × 0.00005
    assertAlmostEquals(l.credit_carry[0], 0.75, 1e-9);
    equal(l.payable[0], 0);
    equal(realized[1], 5_000);
  });
  await t.step("February: 15% of 4,000 = 600 less the credit (0.75 + 1.20) = 598.05, due 2024-03-29", () => {
    equal(l.exempt[1], 0);
    equal(l.swing_taxable[1], 4_000);
    assertAlmostEquals(l.tax[1], 600, 1e-9);
    assertAlmostEquals(l.withholding[1], 1.2, 1e-9); // 24,000 × 0.00005
    assertAlmostEquals(l.credit_used[1], 1.95, 1e-9);
    assertAlmostEquals(l.payable[1], 598.05, 1e-9);
    equal(isoDate(l.due_date[1]), "2024-03-29"); // last weekday of March 2024
    equal(isoDate(l.paid_date[1]), "2024-03-29");
  });
});

Deno.test("brazil: a loss is carried into a later month and offsets its gain", () => {
  const { ledger: l } = taxes([
    // March: 3,000 CCCC3 bought @ 10, sold @ 9: sales 27,000, loss 3,000 carried.
    ["2024-03-01", "CCCC3", 3000, 10],
    ["2024-03-20", "CCCC3", -3000, 9],
    // April: 3,000 DDDD3 bought @ 10, sold @ 12: sales 36,000, gain 6,000 − 3,000 carried = 3,000 taxable.
    ["2024-04-01", "DDDD3", 3000, 10],
    ["2024-04-22", "DDDD3", -3000, 12],
  ]);
  deepEqual(Array.from(l.period, isoDate), ["2024-03-01", "2024-04-01"]);
  equal(l.swing_result[0], -3_000);
  equal(l.swing_loss_carry[0], 3_000);
  equal(l.tax[0], 0);
  equal(l.swing_loss_used[1], 3_000);
  equal(l.swing_taxable[1], 3_000);
  equal(l.swing_loss_carry[1], 0);
  assertAlmostEquals(l.tax[1], 450, 1e-9); // 15% × 3,000
  // credit: March 27,000 × 0.00005 = 1.35 carried + April 36,000 × 0.00005 = 1.80 → 450 − 3.15
  assertAlmostEquals(l.payable[1], 446.85, 1e-9);
  // Due the last business day of May 2024, after the data: not paid inside the simulation.
  equal(isoDate(l.due_date[1]), "2024-05-31");
  equal(l.paid_date[1], NaN);
});

Deno.test("brazil: a day trade is taxed at 20% beside a swing trade at 15%, each with its withholding", () => {
  const { ledger: l, realized } = taxes([
    ["2024-01-03", "FFFF3", 1000, 25], // swing position
    // 2024-01-15: buy 100 EEEE3 @ 50 and sell them @ 52 the same day: day trade, gain 200.
    ["2024-01-15", "EEEE3", 100, 50],
    ["2024-01-15", "EEEE3", -100, 52],
    // Sell the swing position @ 30: sales 30,000 > 20,000, gain 5,000.
    ["2024-01-22", "FFFF3", -1000, 30],
  ]);
  equal(l.day_result[0], 200);
  equal(l.day_sales[0], 5_200); // 100 × 52, not counted in the swing sales
  equal(l.swing_sales[0], 30_000);
  assertAlmostEquals(l.tax_day[0], 40, 1e-9); // 20% × 200
  assertAlmostEquals(l.tax_swing[0], 750, 1e-9); // 15% × 5,000
  // IRRF: 1% × 200 = 2 (day trade) + 0.005% × 30,000 = 1.50 (swing) → 790 − 3.50 = 786.50
  assertAlmostEquals(l.withholding[0], 3.5, 1e-9);
  assertAlmostEquals(l.payable[0], 786.5, 1e-9);
  equal(isoDate(l.paid_date[0]), "2024-02-29");
  // Realised P&L lands on each security-day's last fill.
  deepEqual(Array.from(realized), [0, 0, 200, 5_000]);
});

Deno.test("brazil: a day trade inside a held position leaves the average cost of the position unchanged", () => {
  // Hold 100 @ 8; on one day buy 100 @ 10 and sell 100 @ 11: the matched 100 are a day trade
  // (gain 100), and the position stays 100 @ 8 (not re-averaged to 9).
  const book = createTaxBook(BRAZIL, 1);
  book.trade(0, 100, 8, 0);
  book.endDay();
  book.trade(0, 100, 10, 0);
  book.trade(0, -100, 11, 0);
  let pnl = NaN;
  book.endDay((_, p) => (pnl = p));
  equal(pnl, 100);
  equal(book.position(0), 100);
  equal(book.averageCost(0), 8);
  const row = book.closePeriod(Date.UTC(2024, 0, 1));
  equal(row.day_result, 100);
  equal(row.swing_result, 0);
});

Deno.test("average cost includes commissions; sales are net of them; splits rescale shares and cost", () => {
  const book = createTaxBook(NO_TAX, 1);
  book.trade(0, 1000, 10, 10); // cost 10,010 → 10.01 per share
  book.endDay();
  equal(book.averageCost(0), 10.01);
  book.trade(0, 1000, 12, 10); // 12,010 → (10,010 + 12,010) / 2,000 = 11.01
  book.endDay();
  assertAlmostEquals(book.averageCost(0), 11.01, 1e-12);
  book.split(0, 2); // 4,000 shares @ 5.505
  equal(book.position(0), 4000);
  assertAlmostEquals(book.averageCost(0), 5.505, 1e-12);
  let pnl = NaN;
  book.trade(0, -1000, 6, 6); // proceeds 5,994 − 1,000 × 5.505 = 489
  book.endDay((_, p) => (pnl = p));
  assertAlmostEquals(pnl, 489, 1e-9);
});

Deno.test("shorts: the gain is realised on the cover, at the average short-sale price", () => {
  const { ledger: l, realized } = taxes([
    ["2024-01-02", "GGGG3", -1000, 20], // short 1,000 @ 20 (sales 20,000: counted at the sale)
    ["2024-01-04", "GGGG3", -1000, 22], // short 1,000 more @ 22: average short price 21
    ["2024-01-10", "GGGG3", 2000, 18], // cover @ 18: gain 2,000 × 3 = 6,000
  ]);
  deepEqual(Array.from(realized), [0, 0, 6_000]);
  equal(l.swing_sales[0], 42_000);
  assertAlmostEquals(l.tax[0], 900, 1e-9); // not exempt (42,000 > 20,000): 15% × 6,000
});

Deno.test("brazil: ETFs and units get no exemption; losses of an exempt month still carry", () => {
  const { ledger: l } = taxes(
    [
      // January: stock sale 15,000 at a loss of 1,000 (exempt month): the loss carries.
      ["2024-01-02", "HHHH3", 1000, 16],
      ["2024-01-10", "HHHH3", -1000, 15],
      // February: ETF sale 10,000 with a gain of 2,000: never exempt → 2,000 − 1,000 = 1,000 taxable.
      ["2024-02-01", "BOVA11", 100, 80],
      ["2024-02-20", "BOVA11", -100, 100],
    ],
    BRAZIL,
    { BOVA11: "etf" },
  );
  equal(l.exempt[0], 1);
  equal(l.swing_loss_carry[0], 1_000);
  equal(l.swing_sales[1], 0);
  equal(l.swing_sales_other[1], 10_000);
  equal(l.swing_result_other[1], 2_000);
  equal(l.exempt[1], 0);
  equal(l.swing_taxable[1], 1_000);
  // 15% × 1,000 = 150, less 0.75 (Jan credit) and 0.50 (Feb: 10,000 × 0.00005)
  assertAlmostEquals(l.payable[1], 148.75, 1e-9);
});

Deno.test("brazil: a bill below the R$10 DARF minimum rolls into the next month's", () => {
  const { ledger: l } = taxes([
    // January: sales 20,040 > 20,000, gain 40 → tax 6.00, credit 1.002 → bill 4.998 < 10: deferred.
    ["2024-01-02", "IIII3", 1000, 20],
    ["2024-01-15", "IIII3", -1000, 20.04],
    // February: same again → 4.998 + 4.998 = 9.996, still < 10: deferred again.
    ["2024-02-01", "IIII3", 1000, 20],
    ["2024-02-15", "IIII3", -1000, 20.04],
    // March: gain 100 on 20,100 of sales → 15 − 1.005 = 13.995, + 9.996 carried = 23.991 paid.
    ["2024-03-01", "IIII3", 1000, 20],
    ["2024-03-15", "IIII3", -1000, 20.1],
  ]);
  assertAlmostEquals(l.deferred_out[0], 4.998, 1e-9);
  equal(l.payable[0], 0);
  equal(l.paid_date[0], NaN);
  assertAlmostEquals(l.deferred_out[1], 9.996, 1e-9);
  assertAlmostEquals(l.payable[2], 23.991, 1e-9);
  equal(isoDate(l.paid_date[2]), "2024-04-30");
});

Deno.test("a tax model is data: another regime runs through the same book", () => {
  // A flat 25% on annual net gains, no exemption, no withholding, due in April of the next year.
  const annual: TaxModel = {
    ...NO_TAX,
    name: "flat_annual",
    period: "year",
    swing: { rate: 0.25, withholdingOnSales: 0 },
    dayTrade: { rate: 0.25, withholdingOnGains: 0 },
    due: { monthsAfter: 4, day: "last_business_day" },
  };
  const { ledger: l } = taxes([
    ["2024-01-02", "JJJJ3", 100, 10],
    ["2024-02-15", "JJJJ3", -100, 14], // gain 400
    ["2024-03-01", "KKKK3", 100, 10],
    ["2024-04-15", "KKKK3", -100, 9], // loss 100 → year 300 → 75
  ], annual);
  equal(l.tax.length, 1);
  assertAlmostEquals(l.tax[0], 75, 1e-9);
  equal(isoDate(l.due_date[0]), "2025-04-30");
});

Deno.test("computeTaxes names the row whose date is not a bar of the calendar", () => {
  throws(
    () => taxes([["2024-01-02", "A", 1, 1], ["2024-01-06", "A", -1, 1]]), // a Saturday
    /trades row 2: date 2024-01-06 is not a calendar bar/,
  );
});

Deno.test("a sale then a buy of the same security on one day: a day trade, the sale's swing booking undone", () => {
  // Sell 100 LLLL3 short @ 20, buy them back @ 19 the same day: day-trade gain 100, no swing sales,
  // withholding 1% × 100 = 1 (not 0.005% × 2,000 of swing sales).
  const { ledger: l, realized } = taxes([
    ["2024-01-05", "LLLL3", -100, 20],
    ["2024-01-05", "LLLL3", 100, 19],
  ]);
  equal(l.swing_sales[0], 0);
  equal(l.day_result[0], 100);
  equal(l.day_sales[0], 2_000);
  assertAlmostEquals(l.withholding[0], 1, 1e-12);
  assertAlmostEquals(l.tax_day[0], 20, 1e-12);
  deepEqual(Array.from(realized), [0, 100]);
});
