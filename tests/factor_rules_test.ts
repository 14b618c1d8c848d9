// lib/factor's binning edge rules and the constant-factor rule on hand-built cross-sections; pandas
// 1.5.3 values run with /usr/bin/python3 are quoted beside each case.

import { deepEqual, equal, match, throws } from "node:assert/strict";
import { makePanel } from "../lib/mod.ts";
import * as F from "../lib/factor/mod.ts";
import { assertNear } from "./fixtures/metrics/near.ts";

const bin = (values: number[], options: F.BinningOptions) => {
  const out = new Int32Array(values.length);
  const failure = F.binCrossSection(
    Float64Array.from(values),
    Int32Array.from(values.map((_, k) => k)),
    values.length,
    options,
    out,
  );
  return { labels: Array.from(out), failure };
};

Deno.test("binCrossSection() follows pandas qcut/cut at the edges", async (t) => {
  await t.step("qcut: right-closed, lowest edge included, ties share a bucket", () => {
    // pd.qcut([1, 2, 3, 4, 5, 6, 7, 8], 4, labels=False) + 1 = [1, 1, 2, 2, 3, 3, 4, 4]
    deepEqual(bin([1, 2, 3, 4, 5, 6, 7, 8], { quantiles: 4 }).labels, [1, 1, 2, 2, 3, 3, 4, 4]);
    // pd.qcut([1, 2, 2, 2, 5, 6], 2): edges [1, 2, 6] ⇒ [1, 1, 1, 1, 2, 2] (the ties never split)
    deepEqual(bin([1, 2, 2, 2, 5, 6], { quantiles: 2 }).labels, [1, 1, 1, 1, 2, 2]);
  });
  await t.step("qcut with duplicate edges bins nothing (pandas raises, Alphalens drops the date)", () => {
    // pd.qcut([1, 1, 1, 1, 2, 3], 3): edges [1, 1, 1.67, 3] ⇒ "Bin edges must be unique"
    deepEqual(bin([1, 1, 1, 1, 2, 3], { quantiles: 3 }), {
      labels: [0, 0, 0, 0, 0, 0],
      failure: "duplicate_edges",
    });
  });
  await t.step("qcut with probabilities leaves values outside the outer edges unbinned", () => {
    // pd.qcut(range(1, 11), [0.1, 0.5, 0.9]): edges [1.9, 5.5, 9.1] ⇒ 1 and 10 are NaN
    deepEqual(bin([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { quantiles: [0.1, 0.5, 0.9] }).labels, [
      0,
      1,
      1,
      1,
      1,
      2,
      2,
      2,
      2,
      0,
    ]);
  });
  await t.step("cut: equal width with the minimum included; explicit edges exclude the lowest", () => {
    // pd.cut([0, 1, 2, 3, 4, 10], 2): edges [-0.01, 5, 10] ⇒ [1, 1, 1, 1, 1, 2]
    deepEqual(bin([0, 1, 2, 3, 4, 10], { bins: 2 }).labels, [1, 1, 1, 1, 1, 2]);
    // pd.cut([0, 1, 2, 3], [0, 1, 3]) ⇒ [NaN, 0, 1, 1] + 1
    deepEqual(bin([0, 1, 2, 3], { bins: [0, 1, 3] }).labels, [0, 1, 2, 2]);
  });
  await t.step("zero-aware: negatives get the lower half, non-negatives the upper", () => {
    // Alphalens: qcut(x[x < 0], 2) + 1 and qcut(x[x >= 0], 2) + 2 + 1
    deepEqual(bin([-4, -3, -2, -1, 0, 1, 2, 3], { quantiles: 4, zeroAware: true }).labels, [
      1,
      1,
      2,
      2,
      3,
      3,
      4,
      4,
    ]);
    equal(bin([1, 2, 3, 4], { quantiles: 4, zeroAware: true }).failure, "empty_side");
  });
  await t.step(
    "a constant cross-section is never binned, even by cut (pandas would use the middle bin)",
    () => {
      deepEqual(bin([5, 5, 5], { bins: 3 }), { labels: [0, 0, 0], failure: "constant" });
      deepEqual(bin([5, 5, 5], { quantiles: 1 }), { labels: [0, 0, 0], failure: "constant" });
    },
  );
  await t.step("bad specs name the problem", () => {
    throws(() => F.checkBinning({ quantiles: 5, bins: 3 }), /exactly one of quantiles or bins/);
    throws(() => F.checkBinning({ quantiles: [0, 0.5, 0.4] }), /strictly increasing/);
    throws(
      () => F.checkBinning({ bins: [0, 1], zeroAware: true }),
      /zeroAware needs quantiles or bins as a count/,
    );
  });
});

// 4 dates × 4 names, prices rising 1%, 2%, 3%, 4% a day: a factor equal to the rank predicts returns
const prices = [0, 1, 2, 3].map((t) => [1.01, 1.02, 1.03, 1.04].map((g) => 100 * g ** t));
const panel = makePanel({
  dates: [0, 1, 2, 3].map((t) => Date.UTC(2024, 0, 2 + t)),
  securityIds: ["A", "B", "C", "D"],
  industries: ["x", "x", "y", "y"],
  fields: { adj_close: prices },
});

Deno.test("a constant factor gives no quantile, weight, return or IC, and says so", () => {
  const known = new Float64Array(16).fill(1);
  throws(
    () => F.analyzeFactor(panel, { known }, { periods: [1], quantiles: 2, events: false }),
    /dropped 100\.0% of the factor values/,
  );
  const fa = F.analyzeFactor(panel, { known }, { periods: [1], quantiles: 2, maxLoss: 1, events: false });
  match(fa.warnings.join("\n"), /3 dates not binned: a constant \(all tied\) factor/);
  equal(fa.data.rows.cols.length, 0);
  assertNear(fa.information[0].summary.mean, NaN);
  equal(Array.from(fa.returns[0].factorReturns).every(Number.isNaN), true);
  equal(Array.from(F.factorWeights(fa.data)).every(Number.isNaN), true);
});

Deno.test("lag shifts the factor to the close the position is taken at", () => {
  // factor known at close t = rank of the next day's return: IC 1 at lag 0
  const known = Float64Array.from({ length: 16 }, (_, c) => c % 4);
  const lag0 = F.analyzeFactor(panel, { known }, { periods: [1], quantiles: 2, maxLoss: 1, events: false });
  assertNear(lag0.information[0].summary.mean, 1);
  // top half (C, D: +3%, +4%) minus bottom half (A, B: +1%, +2%), demeaned: 0.035 - 0.015 = 0.02 a day
  assertNear(lag0.returns[0].spread.mean, 0.02, 1e-12);
  const lag1 = F.factorData(panel, { known }, { periods: [1], quantiles: 2, maxLoss: 1, lag: 1 });
  equal(lag1.rows.start[1] - lag1.rows.start[0], 0, "nothing known before the first close");
});

Deno.test("filterZscore sets outlying forward returns to NaN (Alphalens' filter_zscore)", () => {
  // 30 dates, one name with a single +500% day among ±1% days: z > 5 ⇒ filtered at 5, kept at 20
  const n = 30;
  const closes = Array.from(
    { length: n },
    (_, t) => [100 * (t >= 15 ? 6 : 1) * (1 + 0.01 * (t % 2)), 100 + t],
  );
  const p = makePanel({
    dates: Array.from({ length: n }, (_, t) => Date.UTC(2024, 0, 1 + t)),
    securityIds: ["A", "B"],
    fields: { adj_close: closes },
  });
  const known = Float64Array.from({ length: 2 * n }, (_, c) => c % 2);
  const strict = F.factorData(p, { known }, { periods: [1], quantiles: 1, filterZscore: 5, maxLoss: 1 });
  match(strict.warnings.join("\n"), /1 forward returns beyond 5 standard deviations set to NaN/);
  const loose = F.factorData(p, { known }, { periods: [1], quantiles: 1, maxLoss: 1 });
  deepEqual(loose.warnings, []);
});
