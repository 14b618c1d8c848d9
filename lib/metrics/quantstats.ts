/**
 * The quantstats family, under quantstats' own names where they differ from empyrical's metrics:
 * win/loss statistics, smart and probabilistic ratios, the ulcer and serenity indices, risk of
 * ruin, streaks, gain/pain and the other report lines of `quantstats.reports.metrics`. Each follows
 * `quantstats.stats` (checked against its source, 0.0.7x): like quantstats' `_prepare_returns`, a
 * missing period (NaN) counts as a flat one (0), except in the two places where quantstats' own
 * function reads the series unprepared (the moments of the probabilistic ratios, the deviation of the
 * serenity index: NaN skipped there, as noted); quantiles are pandas' linear ones; `riskFree` is per
 * period (a constant or an aligned series) where quantstats deannualises an annual rate first.
 */

import { sampleCorrelation } from "simple-statistics";
import { mean, negligibleDeviation, sampleStd } from "./core.ts";
import { drawdownSeries, maxDrawdown } from "./core.ts";
import { normalCdf, normalQuantile } from "./distributions.ts";
import { kurtosisAdjusted, skewAdjusted } from "./moments.ts";
import { type AggregatePeriod, aggregateReturns } from "./tables.ts";
import { percentile } from "./tail.ts";
import { asArray, excessReturns, pairedFinite, type RiskFree } from "./_utils.ts";

/** The series with NaN as 0 (quantstats' `fillna(0)`). */
function flat(returns: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(returns);
  for (let k = 0; k < out.length; k++) if (Number.isNaN(out[k])) out[k] = 0;
  return out;
}

function meanWhere(r: Float64Array, keep: (x: number) => boolean): number {
  let sum = 0, n = 0;
  for (let k = 0; k < r.length; k++) {
    if (keep(r[k])) {
      sum += r[k];
      n++;
    }
  }
  return n ? sum / n : NaN;
}

/**
 * Win rate (quantstats' `win_rate`): periods with r > 0 over the periods with r ≠ 0 (flat periods
 * are not trades). NaN when every period is flat (quantstats returns 0 with a warning).
 *
 * @example
 * ```ts
 * winRate([0.01, -0.02, 0, 0.03]); // => 2 / 3
 * ```
 */
export function winRate(returns: ArrayLike<number>): number {
  const r = flat(returns);
  let wins = 0, nonZero = 0;
  for (let k = 0; k < r.length; k++) {
    if (r[k] !== 0) nonZero++;
    if (r[k] > 0) wins++;
  }
  return nonZero ? wins / nonZero : NaN;
}

/**
 * Average winning period (quantstats' `avg_win`): mean of the returns > 0. NaN without one.
 *
 * @example
 * ```ts
 * avgWin([0.01, -0.02, 0.03]); // => 0.02
 * ```
 */
export function avgWin(returns: ArrayLike<number>): number {
  return meanWhere(flat(returns), (x) => x > 0);
}

/**
 * Average losing period (quantstats' `avg_loss`): mean of the returns < 0 (a negative number). NaN
 * without one.
 *
 * @example
 * ```ts
 * avgLoss([0.01, -0.02, -0.04]); // => -0.03
 * ```
 */
export function avgLoss(returns: ArrayLike<number>): number {
  return meanWhere(flat(returns), (x) => x < 0);
}

/**
 * Payoff ratio (quantstats' `payoff_ratio`, `win_loss_ratio`): `avgWin / |avgLoss|`. NaN without a
 * loss.
 *
 * @example
 * ```ts
 * payoffRatio([0.01, -0.02, 0.03]); // => 0.02 / 0.02 = 1
 * ```
 */
export function payoffRatio(returns: ArrayLike<number>): number {
  const loss = avgLoss(returns);
  return loss === 0 || Number.isNaN(loss) ? NaN : avgWin(returns) / Math.abs(loss);
}

/**
 * Profit factor (quantstats' `profit_factor`): `Σ r≥0 / |Σ r<0|`; without losses, 0 if there is no
 * gain either, else +Infinity.
 *
 * @example
 * ```ts
 * profitFactor([0.01, -0.02, 0.03]); // => 0.04 / 0.02 = 2
 * ```
 */
export function profitFactor(returns: ArrayLike<number>): number {
  const r = flat(returns);
  let gains = 0, losses = 0;
  for (let k = 0; k < r.length; k++) {
    if (r[k] >= 0) gains += r[k];
    else losses -= r[k];
  }
  if (losses === 0) return gains === 0 ? 0 : Infinity;
  return gains / losses;
}

/**
 * Kelly criterion (quantstats' `kelly_criterion`): `(b p - q) / b` with b = `payoffRatio`,
 * p = `winRate`, q = 1 - p: the fraction of capital the edge would justify. NaN when b is 0 or NaN.
 *
 * @example
 * ```ts
 * kellyCriterion([0.01, -0.02, 0.03]); // => b = 1, p = 2/3 ⇒ (2/3 - 1/3) / 1 = 1/3
 * ```
 */
export function kellyCriterion(returns: ArrayLike<number>): number {
  const b = payoffRatio(returns);
  if (b === 0 || Number.isNaN(b)) return NaN;
  const p = winRate(returns);
  return (b * p - (1 - p)) / b;
}

/**
 * Risk of ruin (quantstats' `risk_of_ruin`): `((1 - p) / (1 + p))^n` with p = `winRate` and n the
 * number of periods.
 *
 * @example
 * ```ts
 * riskOfRuin([0.01, -0.02, 0.03]); // => ((1/3) / (5/3))^3 = 0.008
 * ```
 */
export function riskOfRuin(returns: ArrayLike<number>): number {
  const p = winRate(returns);
  return Math.pow((1 - p) / (1 + p), returns.length);
}

/**
 * Longest run of consecutive winning periods (r > 0; quantstats' `consecutive_wins`). A flat or
 * missing period ends a run.
 *
 * @example
 * ```ts
 * consecutiveWins([0.01, 0.02, -0.01, 0.01, 0.01, 0.01]); // => 3
 * ```
 */
export function consecutiveWins(returns: ArrayLike<number>): number {
  return longestRun(flat(returns), (x) => x > 0);
}

/**
 * Longest run of consecutive losing periods (r < 0; quantstats' `consecutive_losses`).
 *
 * @example
 * ```ts
 * consecutiveLosses([-0.01, -0.02, 0, -0.01]); // => 2
 * ```
 */
export function consecutiveLosses(returns: ArrayLike<number>): number {
  return longestRun(flat(returns), (x) => x < 0);
}

function longestRun(r: Float64Array, test: (x: number) => boolean): number {
  let best = 0, run = 0;
  for (let k = 0; k < r.length; k++) {
    run = test(r[k]) ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

/**
 * Gain-to-pain ratio (Schwager; quantstats' `gain_to_pain_ratio`): `Σ r / |Σ r<0|`, over the
 * periods as given, or over calendar months (returns SUMMED per month, quantstats' resolution "ME")
 * when `dates` and `"monthly"` are passed. NaN without a losing period.
 *
 * @example
 * ```ts
 * gainToPainRatio([0.01, -0.02, 0.03]); // => 0.02 / 0.02 = 1
 * ```
 */
export function gainToPainRatio(
  returns: ArrayLike<number>,
  options: { dates?: ArrayLike<number>; resolution?: "period" | "monthly" } = {},
): number {
  let r = flat(returns);
  if (options.resolution === "monthly") {
    if (!options.dates) throw new RangeError("gainToPainRatio: the monthly resolution needs dates");
    r = Float64Array.from(aggregateReturns(r, options.dates, "monthly", { compounded: false }), (b) => b.ret);
  }
  let total = 0, pain = 0;
  for (let k = 0; k < r.length; k++) {
    total += r[k];
    if (r[k] < 0) pain -= r[k];
  }
  return pain === 0 ? NaN : total / pain;
}

/**
 * Expected return per period (quantstats' `expected_return`, the geometric mean):
 * `Π(1 + r)^(1/n) - 1` over the periods, or over the returns compounded per calendar week, month,
 * quarter or year when `period` and `dates` are given ("Expected Monthly %" = `"monthly"`).
 *
 * @example
 * ```ts
 * expectedReturn([0.1, 0.1]); // => 0.1
 * ```
 */
export function expectedReturn(
  returns: ArrayLike<number>,
  period?: AggregatePeriod,
  dates?: ArrayLike<number>,
): number {
  let r = flat(returns);
  if (period) {
    if (!dates) throw new RangeError(`expectedReturn: a ${period} aggregation needs dates`);
    r = Float64Array.from(aggregateReturns(r, dates, period), (b) => b.ret);
  }
  if (r.length === 0) return NaN;
  let wealth = 1;
  for (let k = 0; k < r.length; k++) wealth *= 1 + r[k];
  return Math.pow(wealth, 1 / r.length) - 1;
}

/**
 * Tail ratio as quantstats computes it (`tail_ratio`): `|q(0.95) / q(0.05)|` with pandas' linear
 * quantiles; NaN when the 5% quantile is 0.
 */
function tailRatioQs(r: Float64Array): number {
  const low = percentile(r, 5);
  return low === 0 || Number.isNaN(low) ? NaN : Math.abs(percentile(r, 95) / low);
}

/**
 * Common sense ratio (quantstats' `common_sense_ratio`): `profitFactor · tail ratio`.
 *
 * @example
 * ```ts
 * commonSenseRatio(returns); // > 1: profits outweigh losses and the right tail the left
 * ```
 */
export function commonSenseRatio(returns: ArrayLike<number>): number {
  return profitFactor(returns) * tailRatioQs(flat(returns));
}

/**
 * CPC index (quantstats' `cpc_index`): `profitFactor · winRate · payoffRatio`.
 *
 * @example
 * ```ts
 * cpcIndex([0.01, -0.02, 0.03]); // => 2 · 2/3 · 1 = 4/3
 * ```
 */
export function cpcIndex(returns: ArrayLike<number>): number {
  return profitFactor(returns) * winRate(returns) * payoffRatio(returns);
}

/**
 * Outlier win ratio (quantstats' `outlier_win_ratio`): the `quantile` (default 0.99) return over the
 * mean of the returns ≥ 0. NaN when that mean is 0 or undefined.
 *
 * @example
 * ```ts
 * outlierWinRatio(returns); // how much bigger the best days are than a typical up day
 * ```
 */
export function outlierWinRatio(returns: ArrayLike<number>, quantile = 0.99): number {
  const r = flat(returns);
  const positive = meanWhere(r, (x) => x >= 0);
  return positive === 0 || Number.isNaN(positive) ? NaN : percentile(r, quantile * 100) / positive;
}

/**
 * Outlier loss ratio (quantstats' `outlier_loss_ratio`): the `quantile` (default 0.01) return over
 * the mean of the returns < 0.
 *
 * @example
 * ```ts
 * outlierLossRatio(returns); // how much worse the worst days are than a typical down day
 * ```
 */
export function outlierLossRatio(returns: ArrayLike<number>, quantile = 0.01): number {
  const r = flat(returns);
  const negative = meanWhere(r, (x) => x < 0);
  return Number.isNaN(negative) ? NaN : percentile(r, quantile * 100) / negative;
}

/**
 * Recovery factor (quantstats' `recovery_factor`): `|Σ r - rf| / |maxDrawdown|`, with the SIMPLE sum
 * of returns (quantstats') and `rf` a total to subtract (default 0). NaN without a drawdown.
 *
 * @example
 * ```ts
 * recoveryFactor([0.1, -0.2, 0.3]); // => 0.2 / 0.2 = 1
 * ```
 */
export function recoveryFactor(returns: ArrayLike<number>, rf = 0): number {
  const r = flat(returns);
  const dd = maxDrawdown(r);
  let sum = 0;
  for (let k = 0; k < r.length; k++) sum += r[k];
  return dd === 0 || Number.isNaN(dd) ? NaN : Math.abs(sum - rf) / Math.abs(dd);
}

/**
 * Ulcer index (quantstats' `ulcer_index`): `sqrt(Σ dd² / (n - 1))` of the drawdown series from a
 * starting wealth of 1 (depth and duration of the drawdowns in one number).
 *
 * @example
 * ```ts
 * ulcerIndex([0.1, -0.5, 0.2]); // => dd [0, -0.5, -0.4] ⇒ sqrt(0.41 / 2) ≈ 0.45277
 * ```
 */
export function ulcerIndex(returns: ArrayLike<number>): number {
  const dd = drawdownSeries(flat(returns));
  let ss = 0;
  for (let k = 0; k < dd.length; k++) ss += dd[k] * dd[k];
  return Math.sqrt(ss / (dd.length - 1));
}

/**
 * Ulcer performance index (quantstats' `ulcer_performance_index`): `(cumulative return - rf) /
 * ulcerIndex` with `rf` a total (default 0). NaN when the ulcer index is 0.
 *
 * @example
 * ```ts
 * ulcerPerformanceIndex([0.1, -0.5, 0.2]); // => (1.1 · 0.5 · 1.2 - 1) / 0.45277 ≈ -0.75093
 * ```
 */
export function ulcerPerformanceIndex(returns: ArrayLike<number>, rf = 0): number {
  const r = flat(returns);
  const ulcer = ulcerIndex(r);
  let wealth = 1;
  for (let k = 0; k < r.length; k++) wealth *= 1 + r[k];
  return ulcer === 0 ? NaN : (wealth - 1 - rf) / ulcer;
}

/**
 * Serenity index (KeyQuant; quantstats' `serenity_index`): `(Σ r - rf) / (ulcerIndex · pitfall)`
 * with `pitfall = -CVaR(dd) / sampleStd(r)`, where CVaR(dd) is quantstats' (Gaussian-cut) expected
 * shortfall of the drawdown series: the mean of the drawdowns below `mean(dd) + Φ⁻¹(0.05) ·
 * sampleStd(dd)` (that cut itself when none is below). NaN when the deviation or the denominator is 0.
 * As in quantstats' `serenity_index`, which does not prepare its input, the deviation skips missing
 * periods while the sums, drawdowns and ulcer index count them as flat.
 *
 * @example
 * ```ts
 * serenityIndex(dailyReturns); // higher = smoother, shallower drawdowns for the return
 * ```
 */
export function serenityIndex(returns: ArrayLike<number>, rf = 0): number {
  const r = flat(returns);
  const sd = sampleStd(returns); // quantstats: `returns.std()` of the series as given (NaN skipped)
  if (sd === 0 || Number.isNaN(sd)) return NaN;
  const dd = drawdownSeries(r);
  const cut = mean(dd) + normalQuantile(0.05) * sampleStd(dd);
  const below = meanWhere(dd, (x) => x < cut);
  const cvar = Number.isNaN(below) ? cut : below;
  const denominator = ulcerIndex(r) * (-cvar / sd);
  let sum = 0;
  for (let k = 0; k < r.length; k++) sum += r[k];
  return denominator === 0 ? NaN : (sum - rf) / denominator;
}

/**
 * Autocorrelation penalty of the smart ratios (quantstats' `autocorr_penalty`):
 * `sqrt(1 + 2 Σ_{x=1}^{n-1} ((n - x) / n) |ρ₁|^x)` with ρ₁ the lag-1 autocorrelation.
 *
 * @example
 * ```ts
 * autocorrPenalty(dailyReturns); // 1 for uncorrelated returns, more when they trend
 * ```
 */
export function autocorrPenalty(returns: ArrayLike<number>): number {
  const r = flat(returns);
  const n = r.length;
  if (n < 3) return NaN;
  const coef = Math.abs(sampleCorrelation(asArray(r.subarray(0, n - 1)), asArray(r.subarray(1))));
  let sum = 0;
  for (let x = 1; x < n; x++) sum += ((n - x) / n) * Math.pow(coef, x);
  return Math.sqrt(1 + 2 * sum);
}

/** quantstats' `sharpe` on per-period excess returns, not annualised. */
function sharpePerPeriod(excess: Float64Array): number {
  const sd = sampleStd(excess);
  return mean(excess) / (negligibleDeviation(sd, excess) ? 0 : sd);
}

/** quantstats' `sortino` on per-period excess returns, not annualised: `mean / sqrt(Σ r<0 ² / n)`. */
function sortinoPerPeriod(excess: Float64Array): number {
  let ss = 0;
  for (let k = 0; k < excess.length; k++) if (excess[k] < 0) ss += excess[k] * excess[k];
  const downside = Math.sqrt(ss / excess.length);
  return downside === 0 ? NaN : mean(excess) / downside;
}

/**
 * Smart Sharpe ratio (quantstats' `smart_sharpe`): the Sharpe ratio with its deviation multiplied by
 * `autocorrPenalty`, `mean(x) / (sampleStd(x) · penalty) · sqrt(periodsPerYear)`, x = r - rf.
 *
 * @example
 * ```ts
 * smartSharpe(dailyReturns, 0, 252); // ≤ the plain Sharpe when returns are autocorrelated
 * ```
 */
export function smartSharpe(
  returns: ArrayLike<number>,
  riskFree: RiskFree = 0,
  periodsPerYear = 252,
): number {
  const x = flat(excessReturns(flat(returns), riskFree));
  return (sharpePerPeriod(x) / autocorrPenalty(x)) * Math.sqrt(periodsPerYear);
}

/**
 * Smart Sortino ratio (quantstats' `smart_sortino`): the Sortino ratio with its downside deviation
 * multiplied by `autocorrPenalty`, annualised by `sqrt(periodsPerYear)`.
 *
 * @example
 * ```ts
 * smartSortino(dailyReturns, 0, 252);
 * ```
 */
export function smartSortino(
  returns: ArrayLike<number>,
  riskFree: RiskFree = 0,
  periodsPerYear = 252,
): number {
  const x = flat(excessReturns(flat(returns), riskFree));
  return (sortinoPerPeriod(x) / autocorrPenalty(x)) * Math.sqrt(periodsPerYear);
}

/** Which per-period ratio `probabilisticRatio` tests. */
export type ProbabilisticBase = "sharpe" | "sortino" | "adjusted_sortino";

/**
 * Probabilistic ratio (quantstats' `probabilistic_ratio`, after Bailey & López de Prado's
 * probabilistic Sharpe ratio): the probability that the true per-period ratio exceeds `threshold`
 * (default 0), `Φ((SR - threshold) / σ_SR)` with SR the NON-annualised ratio of the returns
 * (`"sharpe"`, `"sortino"`, or `"adjusted_sortino"` = Sortino / √2) and
 * `σ_SR = sqrt((1 + SR²/2 - γ₃ SR + (γ₄ - 3)/4 · SR²) / (n - 1))`, where γ₃, γ₄ are pandas' skew
 * and kurtosis (`skewAdjusted`, `kurtosisAdjusted`, over the non-NaN periods) and n the number of
 * periods, missing ones included (quantstats' `len(series)`). Note: quantstats
 * passes pandas' EXCESS kurtosis as γ₄ and still subtracts 3; that is reproduced here, so values
 * match quantstats rather than the paper (which uses raw kurtosis: `(γ₄ - 1)/4 · SR²` overall).
 *
 * @example
 * ```ts
 * probabilisticRatio(dailyReturns, "sharpe"); // e.g. 0.97: 97% sure the Sharpe ratio is above 0
 * ```
 */
export function probabilisticRatio(
  returns: ArrayLike<number>,
  base: ProbabilisticBase = "sharpe",
  threshold = 0,
): number {
  const r = flat(returns);
  const ratio = base === "sharpe"
    ? sharpePerPeriod(r)
    : base === "sortino"
    ? sortinoPerPeriod(r)
    : sortinoPerPeriod(r) / Math.SQRT2;
  // quantstats takes the moments of the series as given (`prepare_returns=False`: NaN skipped) but
  // the ratio of the prepared one (NaN as 0), and n = len(series) with the missing periods.
  const g3 = skewAdjusted(returns), g4 = kurtosisAdjusted(returns);
  const sigma = Math.sqrt(
    (1 + 0.5 * ratio * ratio - g3 * ratio + ((g4 - 3) / 4) * ratio * ratio) / (r.length - 1),
  );
  return normalCdf((ratio - threshold) / sigma);
}

/**
 * Probabilistic Sharpe ratio (quantstats' `probabilistic_sharpe_ratio`): `probabilisticRatio` with
 * the Sharpe ratio.
 *
 * @example
 * ```ts
 * probabilisticSharpeRatio(dailyReturns); // P(true Sharpe > 0)
 * ```
 */
export function probabilisticSharpeRatio(returns: ArrayLike<number>, threshold = 0): number {
  return probabilisticRatio(returns, "sharpe", threshold);
}

/**
 * Probabilistic Sortino ratio (quantstats' `probabilistic_sortino_ratio`): `probabilisticRatio`
 * with the Sortino ratio.
 *
 * @example
 * ```ts
 * probabilisticSortinoRatio(dailyReturns); // P(true Sortino > 0)
 * ```
 */
export function probabilisticSortinoRatio(returns: ArrayLike<number>, threshold = 0): number {
  return probabilisticRatio(returns, "sortino", threshold);
}

/**
 * R² against a benchmark (quantstats' `r_squared`): the squared Pearson correlation of the paired
 * periods (scipy's `linregress(r, b).rvalue ** 2`). NaN with fewer than 2 pairs or a constant side.
 *
 * @example
 * ```ts
 * rSquared([0.02, 0.04, 0.0], [0.01, 0.02, 0.0]); // => 1
 * ```
 */
export function rSquared(returns: ArrayLike<number>, benchmark: ArrayLike<number>): number {
  const [r, b] = pairedFinite(flat(returns), flat(benchmark));
  if (r.length < 2) return NaN;
  const rho = sampleCorrelation(asArray(r), asArray(b));
  return rho * rho;
}
