// The return-series metrics added for issue 9 against empyrical / quantstats formulas re-written with
// pandas/numpy/scipy in tests/fixtures/metrics/extra_reference.py (run there with /usr/bin/python3:
// numpy 1.24.2, pandas 1.5.3, scipy 1.10.1; it writes extra_reference.json, read here), plus small
// hand-worked cases.

import { deepEqual, equal } from "node:assert/strict";
import * as m from "../lib/metrics/mod.ts";
import { assertAllNear, assertNear } from "./fixtures/metrics/near.ts";

const ref = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/metrics/extra_reference.json", import.meta.url)),
);
const dates = Float64Array.from(ref.dates as number[]);
const ret = Float64Array.from(ref.ret as number[]);
const bench = Float64Array.from(ref.bench as number[]);
const retNan = ret.slice();
for (const k of ref.nan_positions as number[]) retNan[k] = NaN;
const tail = (x: Float64Array, n: number) => Array.from(x.subarray(x.length - n));

Deno.test("cumulativeReturns() compounds from a starting value, NaN as a flat period (empyrical cum_returns)", () => {
  assertAllNear(m.cumulativeReturns([0.1, NaN, 0.1]), [0.1, 0.1, 0.21]);
  assertAllNear(m.cumulativeReturns([0.1, 0.1], 100), [110, 121]);
  assertAllNear(tail(m.cumulativeReturns(retNan, 100), 3), ref.cum_returns_100_nan, 1e-12);
});

Deno.test("up/down capture and their ratio match empyrical", () => {
  assertNear(m.upCapture(ret, bench, 252), ref.up_capture, 1e-12);
  assertNear(m.downCapture(ret, bench, 252), ref.down_capture, 1e-12);
  assertNear(m.upDownCapture(ret, bench, 252), ref.up_down_capture, 1e-12);
  // a NaN return on an up day still counts as an up period in the CAGR exponent
  assertNear(m.upCapture(retNan, bench, 252), ref.up_capture_nan, 1e-12);
  // hand: down periods only the second: -0.01 / -0.02 at 1 period per year
  assertNear(m.downCapture([0.02, -0.01, 0.04], [0.01, -0.02, 0.02], 1), 0.5);
});

Deno.test("up/down alpha and beta, and the beta fragility heuristic match empyrical", () => {
  const up = m.upAlphaBeta(ret, bench, 0, 252), down = m.downAlphaBeta(ret, bench, 0, 252);
  assertNear(up.alpha, ref.up_alpha_beta[0], 1e-10);
  assertNear(up.beta, ref.up_alpha_beta[1], 1e-12);
  assertNear(down.alpha, ref.down_alpha_beta[0], 1e-10);
  assertNear(down.beta, ref.down_alpha_beta[1], 1e-12);
  assertNear(m.betaFragilityHeuristic(retNan, bench), ref.beta_fragility, 1e-14);
  // hand: pairs sorted by b: (-0.05, -0.03), (0.02, 0), (0.01, 0.02); mid = round(1.5) = 2 (half to
  // even) ⇒ the last pair; range 0.05, w_start = 1, w_end = 0 ⇒ -0.05 - 0.01 = -0.06
  assertNear(m.betaFragilityHeuristic([0.01, 0.02, -0.05], [0.02, 0.0, -0.03]), -0.06);
});

Deno.test("battingAverage() counts the periods the strategy beat the benchmark", () => {
  // beats: 0.02 > 0.01 (up), -0.01 > -0.02 (down), 0 < 0.01 (up) ⇒ 2/3 overall, 1/2 up, 1/1 down
  deepEqual(m.battingAverage([0.02, -0.01, 0.0, NaN], [0.01, -0.02, 0.01, 0.5]), {
    batting_average: 2 / 3,
    up: 0.5,
    down: 1,
  });
});

Deno.test("gpdRiskEstimates() fits the loss tail like empyrical (scipy's Nelder-Mead)", () => {
  const g = m.gpdRiskEstimates(ret, 0.01);
  const [threshold, scale, shape, var_, es] = ref.gpd as number[];
  equal(g.threshold, threshold);
  assertNear(g.scale, scale, 1e-12);
  assertNear(g.shape, shape, 1e-12);
  assertNear(g.var, var_, 1e-12);
  assertNear(g.es, es, 1e-12);
  // no loss at all: no threshold works
  assertNear(m.gpdRiskEstimates([0.01, 0.02, 0.03]).var, NaN);
});

Deno.test("rolling capture, alpha/beta and max drawdown match empyrical's windows", () => {
  assertAllNear(tail(m.rollingUpCapture(ret, bench, 60, 252), 5), ref.roll_up_capture_60, 1e-12);
  assertAllNear(tail(m.rollingDownCapture(ret, bench, 60, 252), 5), ref.roll_down_capture_60, 1e-12);
  assertAllNear(tail(m.rollingMaxDrawdown(retNan, 60), 5), ref.roll_max_drawdown_60, 1e-12);
  const { alpha, beta } = m.rollingAlphaBeta(ret, bench, 60, 0, 252);
  assertAllNear(tail(alpha, 3), ref.roll_alpha_60, 1e-10);
  assertAllNear(tail(beta, 3), ref.roll_beta_60, 1e-12);
  equal(Number.isNaN(m.rollingMaxDrawdown(ret, 60)[58]), true);
  assertAllNear(m.rollingMaxDrawdown([0.1, -0.5, 0.2, 0.1], 2), [NaN, -0.5, -0.5, 0]);
});

Deno.test("aggregateReturns() compounds per ISO week, month, quarter and year", () => {
  const weekly = m.aggregateReturns(ret, dates, "weekly");
  assertAllNear(weekly.map((w) => w.ret), ref.aggregate.weekly, 1e-12);
  deepEqual(weekly.map((w) => w.period), ref.aggregate.weekly_labels);
  // 2019-12-30 and 31 belong to ISO week 2020-W01 (empyrical would file them under (2019, 1))
  equal(weekly[4].period, "2020-W01");
  for (const period of ["monthly", "quarterly", "yearly"] as const) {
    assertAllNear(m.aggregateReturns(ret, dates, period).map((b) => b.ret), ref.aggregate[period], 1e-12);
  }
  deepEqual(
    m.aggregateReturns([0.1, 0.2], [Date.UTC(2024, 2, 29), Date.UTC(2024, 3, 1)], "quarterly").map((b) =>
      b.period
    ),
    [
      "2024-Q1",
      "2024-Q2",
    ],
  );
  const sums = m.aggregateReturns(
    [0.1, 0.2, 0.3],
    [Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3), Date.UTC(2024, 1, 1)],
    "monthly",
    {
      compounded: false,
    },
  );
  assertAllNear(sums.map((b) => b.ret), [0.3, 0.3]);
});

Deno.test("the quantstats family matches quantstats' formulas", () => {
  const q = ref.quantstats;
  const cases: [string, number, number][] = [
    ["win_rate", m.winRate(ret), q.win_rate],
    ["avg_win", m.avgWin(ret), q.avg_win],
    ["avg_loss", m.avgLoss(ret), q.avg_loss],
    ["payoff_ratio", m.payoffRatio(ret), q.payoff_ratio],
    ["profit_factor", m.profitFactor(ret), q.profit_factor],
    ["kelly", m.kellyCriterion(ret), q.kelly],
    ["risk_of_ruin", m.riskOfRuin(ret), q.risk_of_ruin],
    ["consecutive_wins", m.consecutiveWins(ret), q.consecutive_wins],
    ["consecutive_losses", m.consecutiveLosses(ret), q.consecutive_losses],
    ["gain_to_pain", m.gainToPainRatio(ret), q.gain_to_pain],
    [
      "gain_to_pain_monthly",
      m.gainToPainRatio(ret, { dates, resolution: "monthly" }),
      q.gain_to_pain_monthly,
    ],
    ["expected_daily", m.expectedReturn(ret), q.expected_daily],
    ["expected_monthly", m.expectedReturn(ret, "monthly", dates), q.expected_monthly],
    ["expected_yearly", m.expectedReturn(ret, "yearly", dates), q.expected_yearly],
    ["common_sense", m.commonSenseRatio(ret), q.common_sense],
    ["cpc", m.cpcIndex(ret), q.cpc],
    ["outlier_win", m.outlierWinRatio(ret), q.outlier_win],
    ["outlier_loss", m.outlierLossRatio(ret), q.outlier_loss],
    ["recovery_factor", m.recoveryFactor(ret), q.recovery_factor],
    ["ulcer_index", m.ulcerIndex(ret), q.ulcer_index],
    ["ulcer_performance", m.ulcerPerformanceIndex(ret), q.ulcer_performance],
    ["serenity", m.serenityIndex(ret), q.serenity],
    ["smart_sharpe", m.smartSharpe(ret, 0, 252), q.smart_sharpe],
    ["smart_sortino", m.smartSortino(ret, 0, 252), q.smart_sortino],
    ["psr", m.probabilisticSharpeRatio(ret), q.psr],
    ["psortino", m.probabilisticSortinoRatio(ret), q.psortino],
    ["r_squared", m.rSquared(ret, bench), q.r_squared],
  ];
  for (const [name, actual, expected] of cases) assertNear(actual, expected, 1e-10, name);
});

Deno.test("the quantstats family on hand-worked series", () => {
  const r = [0.01, -0.02, 0.03];
  assertNear(m.winRate([0.01, -0.02, 0, 0.03]), 2 / 3); // the flat period is not a trade
  assertNear(m.payoffRatio(r), 1); // 0.02 / 0.02
  assertNear(m.profitFactor(r), 2); // 0.04 / 0.02
  assertNear(m.kellyCriterion(r), 1 / 3); // (1 · 2/3 - 1/3) / 1
  assertNear(m.riskOfRuin(r), 0.008); // ((1/3) / (5/3))^3
  equal(m.profitFactor([0.01, 0.02]), Infinity);
  equal(m.consecutiveWins([0.01, 0.02, NaN, 0.01]), 2); // a missing period ends the streak
  // dd [0, -0.5, -0.4] ⇒ sqrt(0.41 / 2)
  assertNear(m.ulcerIndex([0.1, -0.5, 0.2]), Math.sqrt(0.41 / 2));
  assertNear(m.recoveryFactor([0.1, -0.2, 0.3]), 0.2 / 0.2);
  assertNear(m.expectedReturn([0.1, 0.1]), 0.1);
});
