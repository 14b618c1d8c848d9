// Series-shaped metrics: drawdown episodes, calendar tables, rolling windows, regimes, bootstrap.

import { deepEqual, equal, notDeepEqual, throws } from "node:assert/strict";
import {
  averageDrawdown,
  bootstrap,
  drawdownPeriods,
  drawdownTable,
  maxDrawdownDuration,
  monthlyReturns,
  percentile,
  regimeLabels,
  regimeMetrics,
  rollingBeta,
  rollingSharpe,
  rollingVolatility,
  yearlyReturns,
} from "../lib/metrics/mod.ts";
import { assertAllNear, assertNear } from "./fixtures/metrics/near.ts";
import { BENCH, RET } from "./fixtures/metrics/reference.ts";

Deno.test("drawdownPeriods() finds every episode with peak, valley, recovery", async (t) => {
  await t.step("hand example", () => {
    // wealth: 0.9 (below the start 1), 1.08 (new high), 0.54 (half of 1.08), 0.594
    const periods = drawdownPeriods([-0.1, 0.2, -0.5, 0.1]);
    equal(periods.length, 2);
    deepEqual({ ...periods[0], depth: 0 }, {
      peak: -1,
      valley: 0,
      recovery: 1,
      depth: 0,
      duration: 2,
      recovery_time: 1,
    });
    assertNear(periods[0].depth, -0.1);
    // ongoing: peak 1, valley 2, last period 3 ⇒ duration 2, no recovery
    deepEqual({ ...periods[1], depth: 0 }, {
      peak: 1,
      valley: 2,
      recovery: NaN,
      depth: 0,
      duration: 2,
      recovery_time: NaN,
    });
    assertNear(periods[1].depth, -0.5);
  });
  await t.step("recovery to exactly the old high ends the episode; NaN keeps wealth", () => {
    // wealth 1, 1.25, 1.0, 1.0 (NaN), 1.25 ⇒ back at 1.25 on index 4
    const [p] = drawdownPeriods([0, 0.25, -0.2, NaN, 0.25]);
    deepEqual({ ...p, depth: 0 }, {
      peak: 1,
      valley: 2,
      recovery: 4,
      depth: 0,
      duration: 3,
      recovery_time: 2,
    });
    assertNear(p.depth, -0.2);
  });
  await t.step("no drawdown", () => {
    deepEqual(drawdownPeriods([0.01, 0.02]), []);
    equal(averageDrawdown([0.01, 0.02]), 0);
    equal(maxDrawdownDuration([0.01, 0.02]), 0);
  });
});

Deno.test("drawdownTable() sorts the deepest first and matches an independent numpy run-length scan", () => {
  // Reference: the throwaway numpy script (see metrics_summary_test.ts), wealth runs below the running max.
  const table = drawdownTable(RET, 2);
  equal(table.length, 2);
  deepEqual({ ...table[0], depth: 0 }, {
    peak: 12,
    valley: 29,
    recovery: NaN,
    depth: 0,
    duration: 17,
    recovery_time: NaN,
  });
  assertNear(table[0].depth, -0.17942622496841398);
  deepEqual({ ...table[1], depth: 0 }, {
    peak: 1,
    valley: 2,
    recovery: 3,
    depth: 0,
    duration: 2,
    recovery_time: 1,
  });
  assertNear(table[1].depth, -0.0176);
  equal(drawdownTable(RET).length, 3); // only 3 episodes exist
  throws(() => drawdownTable(RET, -1), RangeError);
});

Deno.test("averageDrawdown() and maxDrawdownDuration() summarise the episodes", () => {
  assertNear(averageDrawdown([-0.1, 0.2, -0.5, 0.1]), (-0.1 + -0.5) / 2);
  equal(maxDrawdownDuration([-0.1, 0.2, -0.5, 0.1, 0.1]), 3); // second episode: peak 1 → last index 4
});

Deno.test("monthlyReturns() and yearlyReturns() compound within calendar buckets", () => {
  const dates = [
    Date.UTC(2023, 11, 28),
    Date.UTC(2023, 11, 29),
    Date.UTC(2024, 0, 2),
    Date.UTC(2024, 0, 31),
    Date.UTC(2024, 1, 1),
    Date.UTC(2024, 2, 1),
  ];
  const ret = [0.1, 0.1, -0.1, NaN, 0.05, NaN];
  const monthly = monthlyReturns(ret, dates);
  deepEqual(monthly.map((m) => [m.year, m.month]), [[2023, 12], [2024, 1], [2024, 2], [2024, 3]]);
  // Dec: 1.1 * 1.1 - 1 = 0.21; Jan: 0.9 - 1 (NaN skipped); Feb: 0.05; Mar: only NaN ⇒ NaN
  assertAllNear(monthly.map((m) => m.ret), [0.21, -0.1, 0.05, NaN]);
  const yearly = yearlyReturns(ret, dates);
  deepEqual(yearly.map((y) => y.year), [2023, 2024]);
  // 2024: 0.9 * 1.05 - 1 = -0.055
  assertAllNear(yearly.map((y) => y.ret), [0.21, -0.055]);
  throws(() => yearlyReturns([0.1, 0.1], [2, 1]), /strictly ascending/);
  throws(() => yearlyReturns([0.1], [1, 2]), RangeError);
});

Deno.test("rolling metrics match empyrical's roll_* window by window (NaN skipped inside a window)", async (t) => {
  // Reference: empyrical 0.5.5 (quantopian/empyrical 40f61b4, run here with numpy 1.24.2) on RET / BENCH,
  // window 5, NaN-padded to the input's length and rounded to 12 decimals:
  //   roll_annual_volatility(RET, 5); roll_sharpe_ratio(RET, 5, risk_free=0.0001); roll_beta(RET, BENCH, 5).
  // A window holding the NaN of RET[7] (or BENCH[12]) is computed from its other values, as empyrical's
  // nan-aware statistics do.
  await t.step("rollingVolatility()", () => {
    const v = rollingVolatility(RET, 5, 252);
    // deno-fmt-ignore
    assertAllNear(v.slice(0, 14), [NaN, NaN, NaN, NaN, 0.284942773202, 0.293480111762, 0.361139995016, 0.334048080372, 0.333070668177, 0.310054172686, 0.257247040799, 0.184157975662, 0.16080884304, 0.260043142574], 1e-11);
  });
  await t.step("rollingSharpe()", () => {
    const s = rollingSharpe(RET, 5, 0.0001, 252);
    // deno-fmt-ignore
    assertAllNear(s.slice(0, 14), [NaN, NaN, NaN, NaN, 4.846446830295, 3.486164680313, 4.647283666066, 9.618375882972, 5.731216172372, 10.179833971131, 19.05328039837, 13.410225601795, 16.266269631344, 6.454005990638], 1e-11);
  });
  await t.step("rollingBeta()", () => {
    const b = rollingBeta(RET, BENCH, 5);
    // deno-fmt-ignore
    assertAllNear(b.slice(0, 18), [NaN, NaN, NaN, NaN, 0.67011624791, 0.559938496803, 0.800449792367, 0.731704069528, 0.773450687244, 1.89086743148, 1.521434849126, 0.959951961962, 0.959951961962, 1.001211655535, 0.913389027501, 0.913829340059, 1.034486782984, 0.37897193735], 1e-11);
  });
  await t.step("bad window", () => {
    throws(() => rollingVolatility(RET, 1), /window must be an integer ≥ 2, found 1/);
  });
});

Deno.test("regimeLabels() classifies each period by the benchmark's state one period earlier", async (t) => {
  await t.step("trend", () => {
    // levels L = 1.01, 1.0201, 0.969095, 0.97878595, 0.99836367; MA2 at t = mean(L[t-1], L[t]):
    // t1: 1.0201 > 1.01505 ⇒ label[2] = 1; t2: 0.969095 < 0.9945975 ⇒ label[3] = 0;
    // t3: 0.978786 > 0.973940 ⇒ label[4] = 1; t4: 0.998364 > 0.988575 ⇒ label[5] = 1
    deepEqual([...regimeLabels([0.01, 0.01, -0.05, 0.01, 0.02, 0.03], { by: "trend", window: 2 })], [
      -1,
      -1,
      1,
      0,
      1,
      1,
    ]);
  });
  await t.step("volatility", () => {
    // 2-period sample std = |diff| / sqrt(2): diffs [-, 0.5, 0.5, 0.25, 1.25, 0] ⇒ median of the 5 = 0.5 / sqrt(2);
    // label[t] = vol[t-1] > median: t2 (0.5) no, t3 (0.5) no, t4 (0.25) no, t5 (1.25) yes
    deepEqual([...regimeLabels([0.25, 0.75, 0.25, 0, 1.25, 1.25], { by: "volatility", window: 2 })], [
      -1,
      -1,
      0,
      0,
      0,
      1,
    ]);
  });
});

Deno.test("regimeMetrics() reports the strategy within each regime", () => {
  const b = [0.01, 0.01, -0.05, 0.01, 0.02, 0.03]; // labels [-1, -1, 1, 0, 1, 1] (above)
  const r = [0.05, 0.02, 0.03, -0.01, 0.01, -0.02];
  const [up, down] = regimeMetrics(r, b, { by: "trend", window: 2, periodsPerYear: 3 });
  equal(up.regime, "uptrend");
  equal(up.n_periods, 3); // periods 2, 4, 5: r = 0.03, 0.01, -0.02
  assertNear(up.share, 0.75);
  assertNear(up.annual_return, 1.03 * 1.01 * 0.98 - 1); // 3 periods at 3/year
  // numpy: mean 0.02/3, std(ddof=1) 0.025166 ⇒ Sharpe * sqrt(3) = 0.45883146774112354, vol 0.04358898943540673
  assertNear(up.sharpe, 0.45883146774112354);
  assertNear(up.annual_volatility, 0.04358898943540673);
  assertNear(up.max_drawdown, -0.02);
  assertNear(up.hit_rate, 2 / 3);
  assertNear(up.benchmark_annual_return, 0.95 * 1.02 * 1.03 - 1);
  equal(down.regime, "downtrend");
  equal(down.n_periods, 1);
  assertNear(down.annual_return, Math.pow(0.99, 3) - 1);
  assertNear(down.sharpe, NaN); // one period: no std
  throws(() => regimeMetrics(r, b.slice(1)), RangeError);
});

Deno.test("bootstrap() is seeded and scores each resampled path", async (t) => {
  await t.step("same seed, same paths; other seed, other paths", () => {
    const a = bootstrap(RET, { seed: 11, samples: 200 });
    const b = bootstrap(RET, { seed: 11, samples: 200 });
    const c = bootstrap(RET, { seed: 12, samples: 200 });
    deepEqual(a.cagr, b.cagr);
    notDeepEqual(a.cagr, c.cagr);
    equal(a.cagr.length, 200);
    assertNear(a.percentiles.cagr.p50, percentile(a.cagr, 50));
    assertNear(a.percentiles.max_drawdown.p5, percentile(a.max_drawdown, 5));
  });
  await t.step("a constant series has one outcome", () => {
    // every path is 3 × 0.1 ⇒ CAGR (1.1^3)^(3/3) - 1 = 0.331, no drawdown
    const { cagr, max_drawdown, percentiles } = bootstrap([0.1, NaN], {
      seed: 1,
      samples: 5,
      periods: 3,
      periodsPerYear: 3,
    });
    assertAllNear(cagr, [0.331, 0.331, 0.331, 0.331, 0.331]);
    assertAllNear(max_drawdown, [0, 0, 0, 0, 0]);
    assertNear(percentiles.cagr.p95, 0.331);
  });
  await t.step("one-period paths draw each return about equally often", () => {
    // each path is a single draw of +0.1 or -0.1 (max drawdown -0.1 exactly when -0.1 is drawn)
    const { cagr, max_drawdown, percentiles } = bootstrap([0.1, -0.1], {
      seed: 5,
      samples: 4000,
      periods: 1,
      periodsPerYear: 1,
    });
    let ups = 0;
    for (let k = 0; k < cagr.length; k++) {
      if (cagr[k] > 0) ups++;
      assertNear(max_drawdown[k], cagr[k] > 0 ? 0 : -0.1);
    }
    // binomial(4000, 0.5): sd = 31.6, so ±150 is > 4.7 sd
    equal(Math.abs(ups - 2000) < 150, true, `ups = ${ups}`);
    assertNear(percentiles.cagr.p5, -0.1);
    assertNear(percentiles.cagr.p95, 0.1);
  });
  await t.step("bad options", () => {
    throws(() => bootstrap(RET, { seed: 1, samples: 0 }), RangeError);
    throws(() => bootstrap([NaN], { seed: 1 }), /at least one non-NaN return/);
  });
});
