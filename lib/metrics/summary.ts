/**
 * Every scalar metric of a return series in one flat record (the tear-sheet numbers), with snake_case
 * keys for tables and JSON.
 */

import {
  annualReturn,
  annualVolatility,
  cumulativeReturn,
  finite,
  maxDrawdown,
  sharpeRatio,
} from "./core.ts";
import { alpha, beta, informationRatio, trackingError } from "./benchmark.ts";
import { battingAverage, betaFragilityHeuristic, downCapture, upCapture, upDownCapture } from "./capture.ts";
import { gpdRiskEstimates } from "./gpd.ts";
import * as qs from "./quantstats.ts";
import { averageDrawdown, maxDrawdownDuration } from "./drawdown.ts";
import { kurtosis, kurtosisAdjusted, skew, skewAdjusted } from "./moments.ts";
import { bestPeriod, hitRate, stabilityOfTimeseries, worstPeriod } from "./returns.ts";
import { calmarRatio, downsideRisk, omegaRatio, sortinoRatio } from "./risk.ts";
import type { RiskFree } from "./_utils.ts";
import { checkReturns } from "./check.ts";
import {
  conditionalValueAtRisk,
  gaussianConditionalValueAtRisk,
  gaussianValueAtRisk,
  tailRatio,
  valueAtRisk,
} from "./tail.ts";
import { checkOptions, optionKeys } from "../util/options.ts";

/** Options of `allMetrics`. */
export interface AllMetricsOptions {
  /** Periods per year for annualisation (default 252). */
  readonly periodsPerYear?: number;
  /**
   * Risk-free rate PER PERIOD (default 0): a constant, or a series aligned with `returns` (e.g. the
   * daily CDI); see `periodRate` to convert an annual rate.
   */
  readonly riskFree?: RiskFree;
  /**
   * Benchmark returns aligned by position with `returns`; adds alpha, beta, IR, tracking error, R²,
   * up/down capture, batting average and beta fragility.
   */
  readonly benchmark?: ArrayLike<number>;
  /**
   * Epoch-ms dates of `returns`; checked (same length, strictly ascending), and used for the calendar
   * metrics (expected monthly / yearly return, monthly gain-to-pain), NaN without dates.
   */
  readonly dates?: ArrayLike<number>;
}

const ALL_METRICS_KEYS = optionKeys<AllMetricsOptions>({
  periodsPerYear: true,
  riskFree: true,
  benchmark: true,
  dates: true,
});

/** The flat metric record; the four benchmark keys are present only when a benchmark is given. */
export interface Metrics {
  cumulative_return: number;
  annual_return: number;
  annual_volatility: number;
  sharpe: number;
  sortino: number;
  calmar: number;
  omega: number;
  max_drawdown: number;
  avg_drawdown: number;
  max_drawdown_duration: number;
  downside_risk: number;
  tail_ratio: number;
  stability: number;
  skew: number;
  kurtosis: number;
  var_95: number;
  cvar_95: number;
  var_95_gaussian: number;
  cvar_95_gaussian: number;
  hit_rate: number;
  best_period: number;
  worst_period: number;
  /** GPD value-at-risk at 1% as a return (negative = loss); NaN when no tail fits. */
  var_99_gpd: number;
  /** GPD expected shortfall at 1% as a return. */
  es_99_gpd: number;
  /** The quantstats family (`quantstats.ts`), a missing period counted as flat. */
  skew_adjusted: number;
  kurtosis_adjusted: number;
  win_rate: number;
  avg_win: number;
  avg_loss: number;
  payoff_ratio: number;
  profit_factor: number;
  kelly_criterion: number;
  risk_of_ruin: number;
  consecutive_wins: number;
  consecutive_losses: number;
  gain_to_pain: number;
  gain_to_pain_monthly: number;
  expected_return: number;
  expected_monthly_return: number;
  expected_yearly_return: number;
  common_sense_ratio: number;
  cpc_index: number;
  outlier_win_ratio: number;
  outlier_loss_ratio: number;
  recovery_factor: number;
  ulcer_index: number;
  ulcer_performance_index: number;
  serenity_index: number;
  smart_sharpe: number;
  smart_sortino: number;
  probabilistic_sharpe: number;
  probabilistic_sortino: number;
  alpha?: number;
  beta?: number;
  information_ratio?: number;
  tracking_error?: number;
  r_squared?: number;
  up_capture?: number;
  down_capture?: number;
  up_down_capture?: number;
  batting_average?: number;
  beta_fragility?: number;
  /** Number of non-NaN returns. */
  n_periods: number;
}

/**
 * All metrics with one set of conventions (empyrical's): CAGR over every period (NaN rows included),
 * sample std (ddof = 1) for volatility / Sharpe / tracking error, Sortino and downside risk over all periods with
 * `riskFree` as the required return, Omega at threshold `riskFree`, drawdowns from a starting wealth
 * of 1 (≤ 0; durations in positions of `returns`, missing periods included), historical VaR / CVaR
 * at 95% with numpy's linear percentile, Gaussian VaR / CVaR from mean and sample std, population skew and excess kurtosis, alpha
 * compounded `(1 + mean)^periodsPerYear - 1`, information ratio annualised by `sqrt(periodsPerYear)`,
 * GPD tail estimates at 1%; then the quantstats family with quantstats' conventions (bias-corrected
 * moments, win rate over non-flat periods, smart ratios with `riskFree`, probabilistic ratios against
 * 0); with a benchmark, empyrical's capture ratios, R², batting average and beta fragility.
 * See each metric's own function for its formula. Refuses (`RangeError`) what `checkReturns` calls an
 * error in the returns or the benchmark: ±Infinity, values below -1, a price series.
 *
 * @example
 * ```ts
 * const benchmark = [0.005, -0.01, 0.01, 0];
 * const m = allMetrics([0.01, -0.02, 0.015, 0.003], { periodsPerYear: 252, riskFree: 0.0001, benchmark });
 * m.sharpe; m.max_drawdown; m.beta;
 * ```
 */
export function allMetrics(returns: ArrayLike<number>, options: AllMetricsOptions = {}): Metrics {
  checkOptions("allMetrics", options, ALL_METRICS_KEYS);
  const { periodsPerYear = 252, riskFree = 0, benchmark, dates } = options;
  if (!(periodsPerYear > 0)) throw new RangeError(`periodsPerYear must be > 0, found ${periodsPerYear}`);
  if (dates) checkDates(dates, returns.length);
  refuse("returns", returns, periodsPerYear);
  if (benchmark) refuse("benchmark", benchmark, periodsPerYear);
  const r = finite(returns);
  const metrics: Metrics = {
    cumulative_return: cumulativeReturn(r),
    annual_return: annualReturn(returns, periodsPerYear),
    annual_volatility: annualVolatility(r, periodsPerYear),
    sharpe: sharpeRatio(returns, riskFree, periodsPerYear),
    sortino: sortinoRatio(returns, riskFree, periodsPerYear),
    calmar: calmarRatio(returns, periodsPerYear),
    omega: omegaRatio(returns, riskFree),
    max_drawdown: maxDrawdown(r),
    avg_drawdown: averageDrawdown(returns),
    max_drawdown_duration: maxDrawdownDuration(returns),
    downside_risk: downsideRisk(returns, riskFree, periodsPerYear),
    tail_ratio: tailRatio(r),
    stability: stabilityOfTimeseries(r),
    skew: skew(r),
    kurtosis: kurtosis(r),
    var_95: valueAtRisk(r, 0.95),
    cvar_95: conditionalValueAtRisk(r, 0.95),
    var_95_gaussian: gaussianValueAtRisk(r, 0.95),
    cvar_95_gaussian: gaussianConditionalValueAtRisk(r, 0.95),
    hit_rate: hitRate(r),
    best_period: bestPeriod(r),
    worst_period: worstPeriod(r),
    ...gpdMetrics(returns),
    skew_adjusted: skewAdjusted(r),
    kurtosis_adjusted: kurtosisAdjusted(r),
    win_rate: qs.winRate(returns),
    avg_win: qs.avgWin(returns),
    avg_loss: qs.avgLoss(returns),
    payoff_ratio: qs.payoffRatio(returns),
    profit_factor: qs.profitFactor(returns),
    kelly_criterion: qs.kellyCriterion(returns),
    risk_of_ruin: qs.riskOfRuin(returns),
    consecutive_wins: qs.consecutiveWins(returns),
    consecutive_losses: qs.consecutiveLosses(returns),
    gain_to_pain: qs.gainToPainRatio(returns),
    gain_to_pain_monthly: dates ? qs.gainToPainRatio(returns, { dates, resolution: "monthly" }) : NaN,
    expected_return: qs.expectedReturn(returns),
    expected_monthly_return: dates ? qs.expectedReturn(returns, "monthly", dates) : NaN,
    expected_yearly_return: dates ? qs.expectedReturn(returns, "yearly", dates) : NaN,
    common_sense_ratio: qs.commonSenseRatio(returns),
    cpc_index: qs.cpcIndex(returns),
    outlier_win_ratio: qs.outlierWinRatio(returns),
    outlier_loss_ratio: qs.outlierLossRatio(returns),
    recovery_factor: qs.recoveryFactor(returns),
    ulcer_index: qs.ulcerIndex(returns),
    ulcer_performance_index: qs.ulcerPerformanceIndex(returns),
    serenity_index: qs.serenityIndex(returns),
    smart_sharpe: qs.smartSharpe(returns, riskFree, periodsPerYear),
    smart_sortino: qs.smartSortino(returns, riskFree, periodsPerYear),
    probabilistic_sharpe: qs.probabilisticSharpeRatio(returns),
    probabilistic_sortino: qs.probabilisticSortinoRatio(returns),
    n_periods: r.length,
  };
  if (!benchmark) return metrics;
  const { n_periods, ...rest } = metrics;
  return {
    ...rest,
    alpha: alpha(returns, benchmark, riskFree, periodsPerYear),
    beta: beta(returns, benchmark),
    information_ratio: informationRatio(returns, benchmark, periodsPerYear),
    tracking_error: trackingError(returns, benchmark, periodsPerYear),
    r_squared: qs.rSquared(returns, benchmark),
    up_capture: upCapture(returns, benchmark, periodsPerYear),
    down_capture: downCapture(returns, benchmark, periodsPerYear),
    up_down_capture: upDownCapture(returns, benchmark, periodsPerYear),
    batting_average: battingAverage(returns, benchmark).batting_average,
    beta_fragility: betaFragilityHeuristic(returns, benchmark),
    n_periods,
  };
}

/** GPD VaR / ES at 1% as returns (empyrical reports them as positive losses). */
function gpdMetrics(returns: ArrayLike<number>): { var_99_gpd: number; es_99_gpd: number } {
  const gpd = gpdRiskEstimates(returns, 0.01);
  return { var_99_gpd: -gpd.var, es_99_gpd: -gpd.es };
}

function refuse(what: string, values: ArrayLike<number>, periodsPerYear: number): void {
  const { errors } = checkReturns(values, { periodsPerYear });
  if (errors.length) throw new RangeError(`${what}: ${errors.join("; ")}`);
}

function checkDates(dates: ArrayLike<number>, n: number): void {
  if (dates.length !== n) {
    throw new RangeError(`dates must match returns: expected ${n} dates, found ${dates.length}`);
  }
  for (let k = 1; k < n; k++) {
    if (!(dates[k] > dates[k - 1])) {
      throw new RangeError(
        `dates must be strictly ascending: position ${k} (${dates[k]}) follows ${dates[k - 1]}`,
      );
    }
  }
}
