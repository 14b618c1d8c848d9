// allMetrics() against reference values computed with numpy 2.4.6 / scipy 1.17.1 by a throwaway script
// re-implementing empyrical's formulas (np.std ddof=1, np.percentile linear, scipy.stats.skew/kurtosis
// defaults, scipy.stats.linregress for stability, np.cov(ddof=0) for beta, empyrical's partition CVaR,
// scipy.stats.norm for the Gaussian VaR/CVaR). Returns: 30 periods, NaN at 7; benchmark NaN at 12;
// riskFree 0.0001 per period; 252 periods/year. The CAGR counts all 30 periods, the NaN row included
// (empyrical's `len(returns) / ann`): annual_return and calmar re-derived with
// tests/fixtures/metrics/empyrical_reference.py (numpy 1.24.2, scipy 1.10.1), which also re-checks
// sharpe, sortino, alpha, beta, information_ratio, cvar_95 and the Gaussian VaR / CVaR.

import { deepEqual, equal, throws } from "node:assert/strict";
import * as metrics from "../lib/metrics/mod.ts";
import { allMetrics } from "../lib/metrics/mod.ts";
import { assertNear } from "./fixtures/metrics/near.ts";
import { BENCH, RET } from "./fixtures/metrics/reference.ts";

const EXPECTED = {
  cumulative_return: -0.08111158950572583,
  annual_return: -0.5086315115201518,
  annual_volatility: 0.29269012918808507,
  sharpe: -2.4523051707703383,
  sortino: -3.1716515188815784,
  calmar: -2.8347668330518054,
  omega: 0.6651803810295905,
  max_drawdown: -0.17942622496841404,
  avg_drawdown: -0.06846952832280462,
  max_drawdown_duration: 17,
  downside_risk: 0.22630655132455582,
  tail_ratio: 0.817527795945062,
  stability: 0.39707526170842783,
  skew: 0.11787567426957836,
  kurtosis: -0.29377351072561675,
  var_95: -0.03058,
  cvar_95: -0.0354,
  var_95_gaussian: -0.03307566771698719,
  cvar_95_gaussian: -0.04078004876418251,
  hit_rate: 0.41379310344827586,
  best_period: 0.039,
  worst_period: -0.0393,
  alpha: 0.33427675113101807,
  beta: 0.75946098542579,
  information_ratio: 3.418857927721067,
  tracking_error: 0.19058996126064284,
  n_periods: 29,
};

// The quantstats family, GPD and capture keys: allMetrics() composes the functions pinned against
// references in metrics_extra_test.ts; here each key must equal its function on the same inputs.
const DATES = RET.map((_, k) => Date.UTC(2024, 0, 1) + k * 86_400_000);
const COMPOSED: Record<string, number> = {
  var_99_gpd: -metrics.gpdRiskEstimates(RET, 0.01).var,
  es_99_gpd: -metrics.gpdRiskEstimates(RET, 0.01).es,
  skew_adjusted: metrics.skewAdjusted(RET),
  kurtosis_adjusted: metrics.kurtosisAdjusted(RET),
  win_rate: metrics.winRate(RET),
  avg_win: metrics.avgWin(RET),
  avg_loss: metrics.avgLoss(RET),
  payoff_ratio: metrics.payoffRatio(RET),
  profit_factor: metrics.profitFactor(RET),
  kelly_criterion: metrics.kellyCriterion(RET),
  risk_of_ruin: metrics.riskOfRuin(RET),
  consecutive_wins: metrics.consecutiveWins(RET),
  consecutive_losses: metrics.consecutiveLosses(RET),
  gain_to_pain: metrics.gainToPainRatio(RET),
  gain_to_pain_monthly: metrics.gainToPainRatio(RET, { dates: DATES, resolution: "monthly" }),
  expected_return: metrics.expectedReturn(RET),
  expected_monthly_return: metrics.expectedReturn(RET, "monthly", DATES),
  expected_yearly_return: metrics.expectedReturn(RET, "yearly", DATES),
  common_sense_ratio: metrics.commonSenseRatio(RET),
  cpc_index: metrics.cpcIndex(RET),
  outlier_win_ratio: metrics.outlierWinRatio(RET),
  outlier_loss_ratio: metrics.outlierLossRatio(RET),
  recovery_factor: metrics.recoveryFactor(RET),
  ulcer_index: metrics.ulcerIndex(RET),
  ulcer_performance_index: metrics.ulcerPerformanceIndex(RET),
  serenity_index: metrics.serenityIndex(RET),
  smart_sharpe: metrics.smartSharpe(RET, 0.0001, 252),
  smart_sortino: metrics.smartSortino(RET, 0.0001, 252),
  probabilistic_sharpe: metrics.probabilisticSharpeRatio(RET),
  probabilistic_sortino: metrics.probabilisticSortinoRatio(RET),
};
const COMPOSED_BENCHMARK: Record<string, number> = {
  r_squared: metrics.rSquared(RET, BENCH),
  up_capture: metrics.upCapture(RET, BENCH, 252),
  down_capture: metrics.downCapture(RET, BENCH, 252),
  up_down_capture: metrics.upDownCapture(RET, BENCH, 252),
  batting_average: metrics.battingAverage(RET, BENCH).batting_average,
  beta_fragility: metrics.betaFragilityHeuristic(RET, BENCH),
};
const BENCHMARK_KEYS = [
  "alpha",
  "beta",
  "information_ratio",
  "tracking_error",
  ...Object.keys(COMPOSED_BENCHMARK),
];
const { n_periods: _, ...EMPYRICAL } = EXPECTED;
const KEYS = [
  ...Object.keys(EMPYRICAL).filter((k) => !BENCHMARK_KEYS.includes(k)),
  ...Object.keys(COMPOSED),
  ...BENCHMARK_KEYS,
  "n_periods",
];

Deno.test("allMetrics() matches the numpy/scipy empyrical reference", () => {
  const m = allMetrics(RET, { periodsPerYear: 252, riskFree: 0.0001, benchmark: BENCH, dates: DATES });
  deepEqual(Object.keys(m), KEYS);
  for (const [key, value] of Object.entries({ ...COMPOSED, ...COMPOSED_BENCHMARK })) {
    assertNear(m[key as keyof typeof m] as number, value, 0, key);
  }
  for (const [key, value] of Object.entries(EXPECTED)) {
    assertNear(m[key as keyof typeof m] as number, value, 1e-12, key);
  }
});

Deno.test("allMetrics() leaves out the benchmark keys without a benchmark", () => {
  const m = allMetrics(RET, { riskFree: 0.0001 });
  deepEqual(Object.keys(m), KEYS.filter((k) => !BENCHMARK_KEYS.includes(k)));
  assertNear(m.expected_monthly_return, NaN); // calendar metrics need dates
  assertNear(m.sharpe, EXPECTED.sharpe, 1e-10);
});

Deno.test("allMetrics() checks its inputs", async (t) => {
  await t.step("benchmark of another length", () => {
    throws(() => allMetrics(RET, { benchmark: BENCH.slice(1) }), RangeError);
  });
  await t.step("dates of another length or out of order", () => {
    throws(() => allMetrics([0.1, 0.2], { dates: [1] }), /expected 2 dates, found 1/);
    throws(() => allMetrics([0.1, 0.2], { dates: [2, 1] }), /strictly ascending/);
  });
  await t.step("non-positive periodsPerYear", () => {
    throws(() => allMetrics(RET, { periodsPerYear: 0 }), RangeError);
  });
  await t.step("an empty series gives NaN, not a throw", () => {
    const m = allMetrics([]);
    equal(m.n_periods, 0);
    assertNear(m.sharpe, NaN);
    assertNear(m.var_95, NaN);
  });
});
