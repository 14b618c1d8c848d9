// The metrics against the reference libraries themselves:
// 1. empyrical's own regression expectations (empyrical/tests/test_stats.py of quantopian/empyrical
//    40f61b4, the 0.5.5 code): its series and the numbers it asserts, copied here with their test name;
// 2. every empyrical / quantstats function we mirror, run by tests/fixtures/metrics/library_reference.py
//    on the real library source (empyrical 40f61b4, quantstats fbd10da stats.py; numpy 1.24.2,
//    pandas 1.5.3, scipy 1.10.1), whose inputs and outputs are in library_reference.json.

import { equal } from "node:assert/strict";
import * as m from "../lib/metrics/mod.ts";
import { assertAllNear, assertNear } from "./fixtures/metrics/near.ts";

// empyrical test_stats.py's series (TestStats), values / 100.
const pct = (xs: number[]) => xs.map((x) => x / 100);
const simpleBenchmark = pct([0, 1, 0, 1, 0, 1, 0, 1, 0]);
const positiveReturns = pct([1, 2, 1, 1, 1, 1, 1, 1, 1]);
const negativeReturns = pct([0, -6, -7, -1, -9, -2, -6, -8, -5]);
const allNegativeReturns = pct([-2, -6, -7, -1, -9, -2, -6, -8, -5]);
const mixedReturns = pct([NaN, 1, 10, -4, 2, 3, 2, 1, -10]);
const flatLine1 = pct([1, 1, 1, 1, 1, 1, 1, 1, 1]);
const weeklyReturns = pct([0, 1, 10, -4, 2, 3, 2, 1, -10]); // the same numbers at weekly / monthly dates
const oneReturn = [0.01];
const empty: number[] = [];
const dates = (start: number, step: (d: Date, k: number) => Date, n: number) =>
  Array.from({ length: n }, (_, k) => step(new Date(start), k).getTime());
const day = (d: Date, k: number) => new Date(d.getTime() + k * 86_400_000);
const monthEnd = (d: Date, k: number) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + k + 1, 0));
const jan30 = Date.UTC(2000, 0, 30);
const neg = (a: number[]) => a.map((x) => -x);
const DEC = 1e-8; // empyrical's DECIMAL_PLACES = 8 (assert_almost_equal: |a - e| < 1.5e-8)

Deno.test("empyrical's own test_stats.py expectations", async (t) => {
  await t.step("test_cum_returns / test_cum_returns_final", () => {
    // deno-fmt-ignore
    assertAllNear(m.cumulativeReturns(mixedReturns), [0.0, 0.01, 0.111, 0.066559, 0.08789, 0.12052, 0.14293, 0.15436, 0.03893], 1e-4);
    // deno-fmt-ignore
    assertAllNear(m.cumulativeReturns(mixedReturns, 100), [100.0, 101.0, 111.1, 106.65599, 108.78912, 112.05279, 114.29384, 115.43678, 103.8931], 1e-6);
    // deno-fmt-ignore
    assertAllNear(m.cumulativeReturns(negativeReturns), [0.0, -0.06, -0.1258, -0.13454, -0.21243, -0.22818, -0.27449, -0.33253, -0.3659], 1e-4);
    assertNear(m.cumulativeReturn(empty), NaN);
    assertNear(m.cumulativeReturn(oneReturn), 0.01);
    assertNear(m.cumulativeReturn(mixedReturns), 0.03893, 1e-4);
    assertNear(m.cumulativeReturn(negativeReturns), -0.3659, 1e-4);
  });
  await t.step("test_aggregate_returns", () => {
    const daily = dates(jan30, day, 9); // 2000-01-30 (a Sunday) … 2000-02-07
    const agg = (r: number[], d: number[], p: m.AggregatePeriod) =>
      m.aggregateReturns(r, d, p).map((b) => b.ret);
    assertAllNear(agg(simpleBenchmark, daily, "weekly"), [0.0, 0.040604010000000024, 0.0], DEC);
    assertAllNear(agg(simpleBenchmark, daily, "monthly"), [0.01, 0.03030099999999991], DEC);
    assertAllNear(agg(simpleBenchmark, daily, "quarterly"), [0.04060401], DEC);
    assertAllNear(agg(simpleBenchmark, daily, "yearly"), [0.040604010000000024], DEC);
    const weekly = dates(Date.UTC(2000, 0, 30), (d, k) => day(d, 7 * k), 9); // pandas freq='W': Sundays
    assertAllNear(
      agg(weeklyReturns, weekly, "monthly"),
      [0.0, 0.087891200000000058, -0.04500459999999995],
      DEC,
    );
    assertAllNear(agg(weeklyReturns, weekly, "yearly"), [0.038931091700480147], DEC);
    const monthly = dates(Date.UTC(2000, 0, 1), monthEnd, 9); // pandas freq='M': month ends from Jan 2000
    assertAllNear(agg(weeklyReturns, monthly, "yearly"), [0.038931091700480147], DEC);
    // deno-fmt-ignore
    assertAllNear(agg(weeklyReturns, monthly, "quarterly"), [0.11100000000000021, 0.008575999999999917, -0.072819999999999996], DEC);
  });
  await t.step("test_max_drawdown", () => {
    assertNear(m.maxDrawdown(empty), NaN);
    assertNear(m.maxDrawdown(oneReturn), 0);
    assertNear(m.maxDrawdown(simpleBenchmark), 0);
    assertNear(m.maxDrawdown(mixedReturns), -0.1, DEC);
    assertNear(m.maxDrawdown(positiveReturns), 0);
    assertNear(m.maxDrawdown(negativeReturns), m.cumulativeReturn(negativeReturns), DEC);
    assertNear(m.maxDrawdown(allNegativeReturns), m.cumulativeReturn(allNegativeReturns), DEC);
    assertNear(m.maxDrawdown([0.1, -0.1, 0.1]), -0.1, DEC);
  });
  await t.step("test_annual_ret / test_cagr / test_annual_volatility / test_calmar", () => {
    assertNear(m.annualReturn(mixedReturns, 252), 1.9135925373194231, DEC);
    assertNear(m.annualReturn(weeklyReturns, 52), 0.24690830513998208, DEC);
    assertNear(m.annualReturn(weeklyReturns, 12), 0.052242061386048144, DEC);
    assertNear(m.annualReturn(empty, 252), NaN);
    assertNear(m.annualReturn(oneReturn, 252), 11.274002099240244, DEC);
    assertNear(m.annualReturn([0.03, 0.03, 0.03], 1), 0.03, DEC);
    assertNear(m.annualVolatility(new Array(1000).fill(0.01), 252), 0, DEC);
    assertNear(m.annualVolatility(mixedReturns, 252), 0.9136465399704637, DEC);
    assertNear(m.annualVolatility(weeklyReturns, 52), 0.38851569394870583, DEC);
    assertNear(m.annualVolatility(weeklyReturns, 12), 0.18663690238892558, DEC);
    assertNear(m.calmarRatio(empty, 252), NaN);
    assertNear(m.calmarRatio(oneReturn, 252), NaN);
    assertNear(m.calmarRatio(mixedReturns, 252), 19.135925373194233, DEC);
    assertNear(m.calmarRatio(weeklyReturns, 52), 2.4690830513998208, DEC);
    assertNear(m.calmarRatio(weeklyReturns, 12), 0.52242061386048144, DEC);
  });
  await t.step(
    "test_omega (empyrical's annual required_return = our per-period threshold periodRate(R, 252))",
    () => {
      assertNear(m.omegaRatio(empty, 0), NaN);
      assertNear(m.omegaRatio(oneReturn, 0), NaN);
      assertNear(m.omegaRatio(mixedReturns, m.periodRate(10, 252)), 0.83354263497557934, DEC);
      assertNear(m.omegaRatio(mixedReturns, flatLine1), 0.8125, DEC);
      assertNear(m.omegaRatio(positiveReturns, 0.01), NaN);
      assertNear(m.omegaRatio(positiveReturns, 0.011), 1.125, DEC);
      assertNear(m.omegaRatio(positiveReturns, 0.02), 0, DEC);
      assertNear(m.omegaRatio(negativeReturns, 0.01), 0, DEC);
    },
  );
  await t.step("test_sharpe_ratio", () => {
    assertNear(m.sharpeRatio(empty), NaN);
    assertNear(m.sharpeRatio(oneReturn), NaN);
    assertNear(m.sharpeRatio(mixedReturns, mixedReturns), NaN);
    assertNear(m.sharpeRatio(mixedReturns, 0), 1.7238613961706866, DEC);
    assertNear(m.sharpeRatio(mixedReturns, simpleBenchmark), 0.34111411441060574, DEC);
    assertNear(m.sharpeRatio(positiveReturns, 0), 52.915026221291804, DEC);
    assertNear(m.sharpeRatio(negativeReturns, 0), -24.406808633910085, DEC);
    assertNear(m.sharpeRatio(flatLine1, 0), Infinity);
  });
  await t.step("test_downside_risk / test_sortino", () => {
    assertNear(m.downsideRisk(empty), NaN);
    assertNear(m.downsideRisk(oneReturn), 0);
    assertNear(m.downsideRisk(mixedReturns, mixedReturns), 0);
    assertNear(m.downsideRisk(mixedReturns, 0, 252), 0.60448325038829653, DEC);
    assertNear(m.downsideRisk(mixedReturns, 0.1, 252), 1.7161730681956295, DEC);
    assertNear(m.downsideRisk(weeklyReturns, 0, 52), 0.25888650451930134, DEC);
    assertNear(m.downsideRisk(weeklyReturns, 0.1, 52), 0.7733045971672482, DEC);
    assertNear(m.downsideRisk(weeklyReturns, 0, 12), 0.1243650540411842, DEC);
    assertNear(m.downsideRisk(weeklyReturns, 0.1, 12), 0.37148351242013422, DEC);
    assertNear(m.sortinoRatio(empty), NaN);
    assertNear(m.sortinoRatio(oneReturn), NaN);
    assertNear(m.sortinoRatio(mixedReturns, mixedReturns), NaN);
    assertNear(m.sortinoRatio(mixedReturns, 0, 252), 2.605531251673693, DEC);
    assertNear(m.sortinoRatio(mixedReturns, flatLine1, 252), -1.3934779588919977, DEC);
    assertNear(m.sortinoRatio(positiveReturns, 0, 252), Infinity);
    assertNear(m.sortinoRatio(negativeReturns, 0, 252), -13.532743075043401, DEC);
    assertNear(m.sortinoRatio(simpleBenchmark, 0, 252), Infinity);
    assertNear(m.sortinoRatio(weeklyReturns, 0, 52), 1.1158901056866439, DEC);
    assertNear(m.sortinoRatio(weeklyReturns, 0, 12), 0.53605626741889756, DEC);
  });
  await t.step("test_excess_sharpe (= informationRatio / sqrt(periodsPerYear))", () => {
    assertNear(m.informationRatio(mixedReturns, new Array(9).fill(0), 1), 0.10859306069076737, DEC);
    assertNear(m.informationRatio(mixedReturns, flatLine1, 1), -0.06515583641446039, DEC);
    assertNear(m.informationRatio(oneReturn, [0], 1), NaN);
  });
  await t.step("test_alpha_beta / test_alpha / test_up_alpha_beta / test_down_alpha_beta", () => {
    // mixed_returns against negative_returns[1:]: pandas aligns on dates, so the first pair is (NaN, —)
    const negShift = [NaN, ...negativeReturns.slice(1)];
    assertNear(m.alpha(mixedReturns, negShift, 0, 252), -0.9997853834885004, DEC);
    assertNear(m.beta(mixedReturns, negShift), -0.71296296296296313, DEC);
    assertNear(m.alpha(mixedReturns, mixedReturns, 0, 252), 0, DEC);
    assertNear(m.beta(mixedReturns, mixedReturns), 1, DEC);
    assertNear(m.alpha(mixedReturns, neg(mixedReturns), 0, 252), 0, DEC);
    assertNear(m.beta(mixedReturns, neg(mixedReturns)), -1, DEC);
    assertNear(m.alpha(oneReturn, oneReturn, 0, 252), NaN);
    assertNear(m.beta(oneReturn, oneReturn), NaN);
    assertNear(m.alpha(mixedReturns, flatLine1, 0, 252), NaN); // no benchmark variance
    const down = m.downAlphaBeta(mixedReturns.slice(1), negativeReturns.slice(1), 0, 252);
    assertNear(down.alpha, -0.9997853834885004, DEC);
    assertNear(down.beta, -0.71296296296296313, DEC);
    const up = m.upAlphaBeta(mixedReturns.slice(1), positiveReturns.slice(1), 0, 252);
    assertNear(up.alpha, 0.432961242076658, DEC);
    assertNear(up.beta, 0.4285714285, DEC);
  });
  await t.step("test_stability_of_timeseries / test_tail_ratio", () => {
    assertNear(m.stabilityOfTimeseries(empty), NaN);
    assertNear(m.stabilityOfTimeseries(oneReturn), NaN);
    assertNear(m.stabilityOfTimeseries(mixedReturns), 0.1529973665111273, DEC);
    assertNear(m.stabilityOfTimeseries(new Array(1000).fill(0.01)), 1, DEC);
    assertNear(m.tailRatio(empty), NaN);
    assertNear(m.tailRatio(oneReturn), 1);
    // empyrical asserts 0.9473684210526313 to 1 decimal only; numpy's percentiles give 0.0755 / 0.079
    assertNear(m.tailRatio(mixedReturns), 0.9473684210526313, 0.15);
    assertNear(m.tailRatio(mixedReturns), 0.07549999999999997 / 0.079, 1e-14);
  });
  await t.step("test_beta_fragility_heuristic", () => {
    assertNear(m.betaFragilityHeuristic(oneReturn, oneReturn), NaN);
    assertNear(m.betaFragilityHeuristic(positiveReturns, simpleBenchmark), 0, DEC);
    assertNear(m.betaFragilityHeuristic(mixedReturns, simpleBenchmark), 0.09, DEC);
    assertNear(m.betaFragilityHeuristic(negativeReturns, simpleBenchmark), -0.03, DEC);
  });
  await t.step("test_gpd_risk_estimates (empyrical's zeros for 'no fit' are NaN here)", () => {
    const gpd = (r: number[]) => {
      const g = m.gpdRiskEstimates(r, 0.01);
      return [g.threshold, g.scale, g.shape, g.var, g.es];
    };
    // deno-fmt-ignore
    assertAllNear(gpd(mixedReturns), [0.1, 0.10001255835838491, 1.5657360018514067e-06, 0.4912526273742347, 0.59126595492541179], DEC);
    // deno-fmt-ignore
    assertAllNear(gpd(negativeReturns), [0.05, 0.068353586736348199, 9.4304947982121171e-07, 0.34511639904932639, 0.41347032855617882], DEC);
    for (const r of [oneReturn, empty, simpleBenchmark, positiveReturns, flatLine1]) {
      assertAllNear(gpd(r), [NaN, NaN, NaN, NaN, NaN]);
    }
  });
  await t.step(
    "test_roll_max_drawdown / test_roll_sharpe_ratio (empyrical's windows = out.subarray(window - 1))",
    () => {
      assertAllNear(m.rollingMaxDrawdown(negativeReturns, 6).subarray(5), [
        -0.2282,
        -0.2745,
        -0.2899,
        -0.2747,
      ], 1e-4);
      // deno-fmt-ignore
      assertAllNear(m.rollingSharpe(negativeReturns, 6).subarray(5), [-18.09162052, -26.79897486, -26.69138263, -25.72298838], DEC);
      // the first window of mixed_returns holds its NaN: empyrical computes it from the other five
      assertAllNear(m.rollingSharpe(mixedReturns, 6).subarray(5), [
        7.57445259,
        8.22784105,
        8.22784105,
        -3.1374751,
      ], DEC);
      equal(m.rollingSharpe(empty, 6).length, 0);
    },
  );
  await t.step("test_capture_ratio / test_up_capture / test_down_capture / test_up_down_capture", () => {
    assertNear(m.capture(empty, empty), NaN);
    assertNear(m.capture(oneReturn, oneReturn), 1);
    assertNear(m.capture(mixedReturns, mixedReturns), 1);
    assertNear(m.capture(allNegativeReturns, mixedReturns), -0.52257643222960259, DEC);
    assertNear(m.upCapture(empty, empty), NaN);
    assertNear(m.upCapture(oneReturn, oneReturn), 1);
    assertNear(m.upCapture(mixedReturns, mixedReturns), 1);
    assertNear(m.upCapture(positiveReturns, mixedReturns), 0.0076167762, DEC);
    assertNear(m.upCapture(allNegativeReturns, mixedReturns), -0.0004336328, DEC);
    assertNear(m.downCapture(oneReturn, oneReturn), NaN);
    assertNear(m.downCapture(mixedReturns, mixedReturns), 1);
    assertNear(m.downCapture(allNegativeReturns, mixedReturns), 0.99956025703798634, DEC);
    assertNear(m.downCapture(positiveReturns, mixedReturns), -11.27400221, DEC);
    assertNear(m.upDownCapture(oneReturn, oneReturn), NaN);
    assertNear(m.upDownCapture(mixedReturns, mixedReturns), 1);
    assertNear(m.upDownCapture(positiveReturns, mixedReturns), -0.0006756053495, DEC);
    assertNear(m.upDownCapture(allNegativeReturns, mixedReturns), -0.0004338236, DEC);
  });
  await t.step(
    "test_roll_alpha_beta / test_roll_up_capture / test_roll_down_capture / test_roll_up_down_capture",
    () => {
      const ab = m.rollingAlphaBeta(mixedReturns, negativeReturns, 6, 0, 252);
      assertAllNear(ab.alpha.subarray(5), [-0.97854954, -0.9828927, -0.93166924, -0.99967288], DEC);
      assertAllNear(ab.beta.subarray(5), [-0.7826087, -0.76156584, -0.61682243, -0.41311475], DEC);
      const same = m.rollingAlphaBeta(mixedReturns, neg(mixedReturns), 6, 0, 252);
      assertAllNear(same.alpha.subarray(5), [0, 0, 0, 0], DEC);
      assertAllNear(same.beta.subarray(5), [-1, -1, -1, -1], DEC);
      // deno-fmt-ignore
      assertAllNear(m.rollingUpCapture(positiveReturns, mixedReturns, 6).subarray(5), [0.00128406, 0.00291564, 0.00171499, 0.0777048], DEC);
      // deno-fmt-ignore
      assertAllNear(m.rollingUpCapture(allNegativeReturns, mixedReturns, 6).subarray(5), [-5.88144154e-05, -1.52119182e-04, -1.52119198e-04, -6.89238735e-03], DEC);
      // deno-fmt-ignore
      assertAllNear(m.rollingDownCapture(positiveReturns, mixedReturns, 6).subarray(5), [-11.2743862, -11.2743862, -11.2743862, -11.27400221], DEC);
      // deno-fmt-ignore
      assertAllNear(m.rollingDownCapture(allNegativeReturns, mixedReturns, 6).subarray(5), [0.92058591, 0.92058591, 0.92058591, 0.99956026], DEC);
      // deno-fmt-ignore
      assertAllNear(m.rollingUpDownCapture(positiveReturns, mixedReturns, 6).subarray(5), [-0.00011389, -0.00025861, -0.00015211, -0.00689239], DEC);
      // deno-fmt-ignore
      assertAllNear(m.rollingUpDownCapture(allNegativeReturns, mixedReturns, 6).subarray(5), [-6.38880246e-05, -1.65241701e-04, -1.65241719e-04, -6.89541957e-03], DEC);
      assertAllNear(m.rollingUpCapture(oneReturn, oneReturn, 1), [1]);
      assertAllNear(m.rollingDownCapture(oneReturn, oneReturn, 1), [NaN]);
    },
  );
  await t.step("test_value_at_risk / test_conditional_value_at_risk (confidence = 1 - cutoff)", () => {
    assertNear(m.valueAtRisk([1, 2], 1), 1, DEC);
    assertNear(m.valueAtRisk([1, 2], 0.7), 1.3, DEC);
    assertNear(m.valueAtRisk([1, 2], 0), 2, DEC);
    assertNear(m.valueAtRisk([1, 81, 82, 83, 84, 85], 0.9), 41, DEC);
    assertNear(m.valueAtRisk([1, 81, 82, 83, 84, 85], 0.8), 81, DEC);
    assertNear(m.valueAtRisk([1, 81, 82, 83, 84, 85], 0.7), 81.5, DEC);
    assertNear(m.conditionalValueAtRisk([0.013], 1), 0.013);
    assertNear(m.conditionalValueAtRisk([0.013], 0), 0.013);
    // 21 points: CVaR = mean of the returns at or below the VaR (empyrical's own check)
    const r = Array.from({ length: 21 }, (_, k) => Math.sin(k * 1.7) * 0.02);
    for (const cutoff of [0, 0.0499, 0.05, 0.2, 0.999, 1]) {
      const v = m.valueAtRisk(r, 1 - cutoff);
      const below = r.filter((x) => x <= v + 1e-15);
      assertNear(m.conditionalValueAtRisk(r, 1 - cutoff), m.mean(below), 1e-14, `cutoff ${cutoff}`);
    }
  });
});

const lib = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/metrics/library_reference.json", import.meta.url)),
);
/** A JSON number, or "NaN" / "Infinity" / "-Infinity" written as a string. */
type Num = number | string;
/** One case of library_reference.json: the inputs and what each library returned. */
interface LibraryCase {
  returns: Num[];
  benchmark: Num[];
  dates: number[];
  empyrical: Record<string, Num | Num[]>;
  quantstats: Record<string, Num>;
}
const num = (v: Num | Num[]) => (typeof v === "number" ? v : Number(v));
const nums = (v: Num | Num[]) => (v as Num[]).map(num);

Deno.test("every mirrored metric equals empyrical / quantstats run on their own source", async (t) => {
  for (const [name, c] of Object.entries<LibraryCase>(lib)) {
    const r = nums(c.returns), b = nums(c.benchmark), d: number[] = c.dates;
    const e = c.empyrical, q = c.quantstats;
    await t.step(`${name}: empyrical`, () => {
      // empyrical's name → our value on the same series
      const scalars: [string, number][] = [
        ["cum_returns_final", m.cumulativeReturn(r)],
        ["annual_return", m.annualReturn(r, 252)],
        ["annual_volatility", m.annualVolatility(r, 252)],
        ["sharpe_ratio", m.sharpeRatio(r, 0, 252)],
        ["sharpe_ratio_rf", m.sharpeRatio(r, 0.0001, 252)],
        ["sortino_ratio", m.sortinoRatio(r, 0, 252)],
        ["sortino_ratio_rf", m.sortinoRatio(r, 0.0001, 252)],
        ["downside_risk", m.downsideRisk(r, 0, 252)],
        ["downside_risk_rf", m.downsideRisk(r, 0.0001, 252)],
        ["calmar_ratio", m.calmarRatio(r, 252)],
        ["omega_ratio", m.omegaRatio(r, 0)],
        ["omega_ratio_req5", m.omegaRatio(r, m.periodRate(0.05, 252))],
        ["max_drawdown", m.maxDrawdown(r)],
        ["stability_of_timeseries", m.stabilityOfTimeseries(r)],
        ["tail_ratio", m.tailRatio(r)],
        ["skew", m.skew(r)],
        ["kurtosis", m.kurtosis(r)],
        ["value_at_risk", m.valueAtRisk(r, 0.95)],
        ["conditional_value_at_risk", m.conditionalValueAtRisk(r, 0.95)],
        ["conditional_value_at_risk_20", m.conditionalValueAtRisk(r, 0.8)],
        ["alpha", m.alpha(r, b, 0, 252)],
        ["alpha_rf", m.alpha(r, b, 0.0001, 252)],
        ["beta", m.beta(r, b)],
        ["excess_sharpe", m.informationRatio(r, b, 1)],
        ["capture", m.capture(r, b, 252)],
        ["up_capture", m.upCapture(r, b, 252)],
        ["down_capture", m.downCapture(r, b, 252)],
        ["up_down_capture", m.upDownCapture(r, b, 252)],
      ];
      for (const [key, actual] of scalars) assertNear(actual, num(e[key]), 1e-10, key);
      const up = m.upAlphaBeta(r, b, 0, 252), down = m.downAlphaBeta(r, b, 0, 252);
      assertAllNear(
        [up.alpha, up.beta, down.alpha, down.beta],
        [...nums(e.up_alpha_beta), ...nums(e.down_alpha_beta)],
        1e-10,
      );
      assertNear(m.betaFragilityHeuristic(r, b), num(e.beta_fragility_heuristic), 1e-10, "fragility");
      const g = m.gpdRiskEstimates(r, 0.01);
      assertAllNear([g.threshold, g.scale, g.shape, g.var, g.es], nums(e.gpd_risk_estimates), 1e-9);
      for (const p of ["monthly", "quarterly", "yearly"] as const) {
        assertAllNear(m.aggregateReturns(r, d, p).map((x) => x.ret), nums(e[`aggregate_${p}`]), 1e-12);
      }
      const first = (x: Float64Array) => x.subarray(9, 69); // empyrical's first 60 windows of 10
      const ab = m.rollingAlphaBeta(r, b, 10, 0, 252);
      const rolls: [Float64Array, string][] = [
        [m.rollingVolatility(r, 10, 252), "roll_annual_volatility"],
        [m.rollingSharpe(r, 10, 0, 252), "roll_sharpe_ratio"],
        [m.rollingBeta(r, b, 10), "roll_beta"],
        [m.rollingMaxDrawdown(r, 10), "roll_max_drawdown"],
        [ab.alpha, "roll_alpha"],
        [ab.beta, "roll_beta_ab"],
        [m.rollingUpCapture(r, b, 10, 252), "roll_up_capture"],
        [m.rollingDownCapture(r, b, 10, 252), "roll_down_capture"],
        [m.rollingUpDownCapture(r, b, 10, 252), "roll_up_down_capture"],
      ];
      for (const [series, key] of rolls) assertAllNear(first(series), nums(e[key]), 1e-9);
    });
    await t.step(`${name}: quantstats`, () => {
      // quantstats' name → our value; the keys absent from a case (NaN series) are not compared
      const scalars: [string, number][] = [
        ["win_rate", m.winRate(r)],
        ["avg_win", m.avgWin(r)],
        ["avg_loss", m.avgLoss(r)],
        ["payoff_ratio", m.payoffRatio(r)],
        ["profit_factor", m.profitFactor(r)],
        ["kelly_criterion", m.kellyCriterion(r)],
        ["risk_of_ruin", m.riskOfRuin(r)],
        ["consecutive_wins", m.consecutiveWins(r)],
        ["consecutive_losses", m.consecutiveLosses(r)],
        ["gain_to_pain_ratio", m.gainToPainRatio(r)],
        ["gain_to_pain_ratio_monthly", m.gainToPainRatio(r, { dates: d, resolution: "monthly" })],
        ["expected_return", m.expectedReturn(r)],
        ["expected_return_monthly", m.expectedReturn(r, "monthly", d)],
        ["expected_return_yearly", m.expectedReturn(r, "yearly", d)],
        ["common_sense_ratio", m.commonSenseRatio(r)],
        ["cpc_index", m.cpcIndex(r)],
        ["outlier_win_ratio", m.outlierWinRatio(r)],
        ["outlier_loss_ratio", m.outlierLossRatio(r)],
        ["recovery_factor", m.recoveryFactor(r)],
        ["ulcer_index", m.ulcerIndex(r)],
        ["ulcer_performance_index", m.ulcerPerformanceIndex(r)],
        ["serenity_index", m.serenityIndex(r)],
        ["smart_sharpe", m.smartSharpe(r, 0, 252)],
        ["smart_sortino", m.smartSortino(r, 0, 252)],
        ["probabilistic_sharpe_ratio", m.probabilisticSharpeRatio(r)],
        ["probabilistic_sortino_ratio", m.probabilisticSortinoRatio(r)],
        ["probabilistic_adjusted_sortino_ratio", m.probabilisticRatio(r, "adjusted_sortino")],
        ["avg_drawdown", m.averageDrawdown(r)],
        ["skew", m.skewAdjusted(r)],
        ["kurtosis", m.kurtosisAdjusted(r)],
        ["r_squared", m.rSquared(r, b)],
        ["value_at_risk", m.gaussianValueAtRisk(r, 0.95)],
      ];
      for (const [key, actual] of scalars) if (key in q) assertNear(actual, num(q[key]), 1e-10, key);
    });
  }
});

Deno.test("stability of a flat equity curve is 0, as scipy's linregress (empyrical), not NaN", () => {
  // scipy.stats.linregress sets r = 0 when a side has no variance; empyrical returns rvalue ** 2.
  assertNear(m.stabilityOfTimeseries([0, 0, 0, 0]), 0);
  // the R² never exceeds 1 from round-off (scipy clips r to [-1, 1])
  equal(m.stabilityOfTimeseries(new Array(10).fill(0.001)) <= 1, true);
});
