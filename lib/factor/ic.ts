/**
 * Information coefficient analysis (Alphalens' `factor_information_coefficient`,
 * `mean_information_coefficient` and its information table): the Spearman rank correlation between
 * the factor and each period's forward returns, per date (and per group), its calendar means and
 * summary statistics, and the data of its normal Q-Q plot.
 */

import { pearsonOver } from "../engine/rank.ts";
import { groupRanks, type RankedRows, rankRows, RowRanker } from "./_rank.ts";
import { studentTCdf } from "../metrics/distributions.ts";
import { normalQuantile } from "../metrics/distributions.ts";
import { kurtosis, skew } from "../metrics/moments.ts";
import { type AggregatePeriod, periodLabel } from "../metrics/tables.ts";
import type { FactorData } from "./prepare.ts";
import { demeanedReturns } from "./returns.ts";

/** The IC of one period: per date, and per date and group when asked. */
export interface InformationCoefficient {
  readonly period: number;
  /** Per date (NaN where the universe is empty or a side is constant). */
  readonly ic: Float64Array;
  /** Per date and group, `T × G` row-major; null unless `byGroup`. */
  readonly byGroup: Float64Array | null;
}

/**
 * Daily information coefficient for every period: Spearman's ρ (Pearson correlation of average
 * ranks, ties sharing their mean rank, as `scipy.stats.spearmanr`) between the factor and the
 * forward returns over the date's universe; with `groupAdjust` the forward returns are demeaned
 * within each (date, group) first; with `byGroup` also within each (date, group) cross-section. NaN
 * with fewer than 2 names or a constant side (a constant factor has no IC). `factorRanks` reuses a
 * `rankRows` of the factor computed elsewhere (the analysis shares it with the rank autocorrelation).
 *
 * @example
 * ```ts
 * const [ic1, ic5] = informationCoefficient(data); // ic1.ic[t]
 * ```
 */
export function informationCoefficient(
  data: FactorData,
  options: { readonly groupAdjust?: boolean; readonly byGroup?: boolean; readonly factorRanks?: RankedRows } =
    {},
): InformationCoefficient[] {
  const { groupAdjust = false, byGroup = false } = options;
  if ((groupAdjust || byGroup) && !data.groups) {
    throw new RangeError("informationCoefficient by group needs groups");
  }
  const nT = data.dates.length, nS = data.securityIds.length, G = data.groupNames.length;
  const { start } = data.rows;
  const factorRanks = options.factorRanks ?? rankRows(data.factor, data.rows, nS);
  const returns = data.periods.map((_, k) =>
    groupAdjust ? demeanedReturns(data, k, { groupAdjust: true }) : data.forward[k]
  );
  const out = data.periods.map((period): InformationCoefficient => ({
    period,
    ic: new Float64Array(nT).fill(NaN),
    byGroup: byGroup ? new Float64Array(nT * G).fill(NaN) : null,
  }));
  // per date: the factor's ranks within groups (shared by every period), then each period's
  // returns ranked (only their ranks count, not their order among ties)
  const rankF = new Float64Array(nS), membersF = new Int32Array(nS), offsetsF = new Int32Array(G + 1);
  const rankR = new Float64Array(nS), returnRanks = new RowRanker(nS);
  for (let t = 0; t < nT; t++) {
    const n = start[t + 1] - start[t], base = t * nS;
    if (n < 2) continue;
    const ids = factorRanks.order.subarray(start[t], start[t + 1]);
    if (byGroup) groupRanks(ids, n, data.groups!, G, data.factor, base, rankF, membersF, offsetsF);
    for (let k = 0; k < out.length; k++) {
      returnRanks.rank(returns[k], base, data.rows.cols.subarray(start[t], start[t + 1]));
      out[k].ic[t] = pearsonOver(factorRanks.ranks.subarray(base, base + nS), returnRanks.ranks, ids, n);
      const perGroup = out[k].byGroup;
      if (!perGroup) continue;
      returnRanks.rankWithinGroups(n, data.groups!, G, rankR);
      for (let g = 0; g < G; g++) {
        const m = offsetsF[g + 1] - offsetsF[g];
        if (m >= 2) perGroup[t * G + g] = pearsonOver(rankF, rankR, membersF.subarray(offsetsF[g]), m);
      }
    }
  }
  return out;
}

/** Summary of a daily IC series (Alphalens' information table). */
export interface IcSummary {
  readonly mean: number;
  /** Sample standard deviation (ddof 1). */
  readonly std: number;
  /** `mean / std` ("Risk-Adjusted IC", the IC information ratio). */
  readonly risk_adjusted: number;
  /** One-sample t-statistic against 0: `mean / (std / √n)` (scipy `ttest_1samp`). */
  readonly t_stat: number;
  /** Two-sided p-value of the t-statistic with n - 1 degrees of freedom. */
  readonly p_value: number;
  /** Skewness and excess kurtosis with population moments (scipy's defaults). */
  readonly skew: number;
  readonly kurtosis: number;
  /** Dates with a finite IC. */
  readonly n: number;
}

/**
 * The IC information table (Alphalens' `plot_information_table`) over the finite values of a daily
 * IC series: mean, std (ddof 1), risk-adjusted IC, t-stat and two-sided p-value (scipy's
 * `ttest_1samp(ic, 0)`), skew and excess kurtosis (scipy `skew`, `kurtosis`). Alphalens passes NaN to
 * scipy, which propagates it; here the NaN dates are left out.
 *
 * @example
 * ```ts
 * icSummary(informationCoefficient(data)[0].ic).t_stat;
 * ```
 */
export function icSummary(ic: ArrayLike<number>): IcSummary {
  const x = Array.from(ic).filter(Number.isFinite);
  const n = x.length;
  const mean = n ? x.reduce((s, v) => s + v, 0) / n : NaN;
  const std = n > 1 ? Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : NaN;
  const t = mean / (std / Math.sqrt(n));
  return {
    mean,
    std,
    risk_adjusted: mean / std,
    t_stat: t,
    p_value: Number.isFinite(t) ? 2 * studentTCdf(-Math.abs(t), n - 1) : NaN,
    skew: skew(x),
    kurtosis: kurtosis(x),
    n,
  };
}

/** Mean IC per calendar period: the labels (`2024-03`, …) in date order and the means. */
export interface PeriodMeans {
  readonly label: readonly string[];
  readonly mean: Float64Array;
}

/**
 * Mean daily IC within each calendar week, month, quarter or year (Alphalens'
 * `mean_information_coefficient(by_time=…)`: 'W', 'M', 'A'), over the dates with a finite IC;
 * periods without one are left out (pandas keeps them as NaN rows).
 *
 * @example
 * ```ts
 * meanIcByPeriod(data.dates, ic1.ic, "monthly"); // { label: ["2015-01", …], mean: […] }
 * ```
 */
export function meanIcByPeriod(
  dates: ArrayLike<number>,
  ic: ArrayLike<number>,
  period: AggregatePeriod,
): PeriodMeans {
  const label: string[] = [], mean: number[] = [];
  let current = "", sum = 0, n = 0;
  const close = () => {
    if (n > 0) {
      label.push(current);
      mean.push(sum / n);
    }
  };
  for (let t = 0; t < dates.length; t++) {
    if (!Number.isFinite(ic[t])) continue;
    const key = periodLabel(dates[t], period);
    if (key !== current) {
      close();
      current = key;
      sum = 0;
      n = 0;
    }
    sum += ic[t];
    n++;
  }
  close();
  return { label, mean: Float64Array.from(mean) };
}

/**
 * Mean IC per group over the dates (Alphalens' `mean_information_coefficient(by_group=True)`): the
 * column means of a `T × G` by-group IC matrix over its finite entries.
 *
 * @example
 * ```ts
 * meanIcByGroup(informationCoefficient(data, { byGroup: true })[0].byGroup!, data.groupNames.length);
 * ```
 */
export function meanIcByGroup(byGroup: Float64Array, nGroups: number): Float64Array {
  const out = new Float64Array(nGroups).fill(NaN);
  const nT = byGroup.length / nGroups;
  for (let g = 0; g < nGroups; g++) {
    let sum = 0, n = 0;
    for (let t = 0; t < nT; t++) {
      const v = byGroup[t * nGroups + g];
      if (Number.isFinite(v)) {
        sum += v;
        n++;
      }
    }
    if (n) out[g] = sum / n;
  }
  return out;
}

/**
 * Points of the IC's normal Q-Q plot (statsmodels `qqplot(ic, norm, fit=True)`): the sorted finite
 * ICs standardised by their mean and population deviation (`norm.fit`), against standard normal
 * quantiles at the plotting positions `i / (n + 1)`, i = 1..n.
 *
 * @example
 * ```ts
 * const { theoretical, sample } = icQuantiles(ic1.ic); // on the 45° line if the IC is normal
 * ```
 */
export function icQuantiles(ic: ArrayLike<number>): { theoretical: Float64Array; sample: Float64Array } {
  const x = Float64Array.from(Array.from(ic).filter(Number.isFinite)).sort();
  const n = x.length;
  const mean = x.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
  return {
    theoretical: Float64Array.from(x, (_, k) => normalQuantile((k + 1) / (n + 1))),
    sample: x.map((v) => (v - mean) / sd),
  };
}
