/**
 * The whole Alphalens question set in one call: `analyzeFactor(panel, signal, options)` prepares the
 * factor data and runs the returns, information, turnover and event analyses the tear sheet shows
 * (Alphalens' `create_full_tear_sheet` + `create_event_returns_tear_sheet`), returning plain typed
 * arrays and records.
 */

import type { SignalInput } from "../engine/types.ts";
import type { Panel } from "../panel/types.ts";
import { type EventReturns, eventReturns } from "./event.ts";
import {
  type IcSummary,
  icSummary,
  type InformationCoefficient,
  informationCoefficient,
  meanIcByGroup,
  meanIcByPeriod,
  type PeriodMeans,
} from "./ic.ts";
import { type FactorData, type FactorDataOptions, prepareFactor } from "./prepare.ts";
import {
  cumulativePeriodReturns,
  type FactorAlphaBeta,
  factorAlphaBeta,
  factorReturns,
  meanReturnByQuantile,
  type QuantileReturns,
  type QuantileSpread,
  quantileSpread,
  rateOfReturn,
  stdConversion,
} from "./returns.ts";
import { factorRankAutocorrelation, quantileTurnovers } from "./turnover.ts";
import { rankRows } from "./_rank.ts";
import { checkOptions, optionKeys } from "../util/options.ts";

/** Options of `analyzeFactor`: `factorData`'s, plus how the portfolio views are built. */
export interface FactorAnalysisOptions extends FactorDataOptions {
  /** Long/short views: returns demeaned per date, factor weights demeaned (default true). */
  readonly longShort?: boolean;
  /** Group-neutral views: demeaning and weights within groups (needs `groupBy`; default false). */
  readonly groupNeutral?: boolean;
  /** Equal instead of factor-proportional weights in the factor portfolio (default false). */
  readonly equalWeight?: boolean;
  /** Event study window in bars, or false to skip it (default `{ before: 5, after: 15 }`). */
  readonly events?: { readonly before: number; readonly after: number } | false;
  /** Called before each stage ("forward returns", "returns", "information", "turnover", "events"). */
  readonly onStep?: (stage: string, index: number, total: number) => void;
}

const FACTOR_KEYS = optionKeys<FactorAnalysisOptions>({
  longShort: true,
  groupNeutral: true,
  equalWeight: true,
  events: true,
  onStep: true,
  periods: true,
  cumulative: true,
  padMissing: true,
  lag: true,
  groupBy: true,
  binByGroup: true,
  filterZscore: true,
  maxLoss: true,
  quantiles: true,
  bins: true,
  zeroAware: true,
});

/** Factor value statistics of one quantile (Alphalens' quantile statistics table). */
export interface QuantileStats {
  readonly quantile: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly std: number;
  readonly count: number;
  /** Share of all binned values, in percent. */
  readonly count_pct: number;
}

/** One period's returns analysis. */
export interface PeriodReturns {
  readonly period: number;
  /** Mean return by quantile (raw period returns, demeaned as asked), with standard errors. */
  readonly byQuantile: QuantileReturns;
  /** The same overall means and standard errors as `base`-bar rates (what Alphalens plots). */
  readonly rate: Float64Array;
  readonly rateStdErr: Float64Array;
  /** By-group means as `base`-bar rates (`G × Q`), null without groups. */
  readonly rateByGroup: Float64Array | null;
  /** Top-minus-bottom spread per date (`base`-bar rates) with its standard error. */
  readonly spread: QuantileSpread;
  /** Factor-weighted portfolio return per date (labelled by factor date). */
  readonly factorReturns: Float64Array;
  readonly alphaBeta: FactorAlphaBeta;
  /** Cumulative returns (overlapping `period`-bar holdings, see `cumulativePeriodReturns`). */
  readonly cumulative: {
    readonly factor: Float64Array;
    /** One series per quantile, from its per-date mean (demeaned as asked). */
    readonly byQuantile: Float64Array[];
    /** Top minus bottom per-date mean. */
    readonly spread: Float64Array;
  };
}

/** One period's information analysis. */
export interface PeriodInformation {
  readonly period: number;
  /** Daily rank IC; with `groupNeutral`, against forward returns demeaned within groups. */
  readonly ic: Float64Array;
  readonly summary: IcSummary;
  readonly monthly: PeriodMeans;
  readonly weekly: PeriodMeans;
  readonly yearly: PeriodMeans;
  /** Mean IC per group over the dates (null without groups). */
  readonly byGroup: Float64Array | null;
}

/** One lag's turnover analysis (lag = the period). */
export interface PeriodTurnover {
  readonly period: number;
  /** Per quantile (index q - 1): the share of names new to it, per date. */
  readonly quantile: Float64Array[];
  /** Per quantile: the mean of that series. */
  readonly meanQuantile: Float64Array;
  readonly autocorrelation: Float64Array;
  readonly meanAutocorrelation: number;
}

/** Everything `analyzeFactor` computed. */
export interface FactorAnalysis {
  readonly data: FactorData;
  /** The smallest period: rates are per `base` bars. */
  readonly base: number;
  readonly options: {
    readonly longShort: boolean;
    readonly groupNeutral: boolean;
    readonly equalWeight: boolean;
  };
  readonly quantileStats: QuantileStats[];
  readonly returns: PeriodReturns[];
  readonly information: PeriodInformation[];
  readonly turnover: PeriodTurnover[];
  readonly events: EventReturns | null;
  readonly warnings: readonly string[];
}

const STAGES = ["factor data", "returns", "information", "turnover", "events"];

/**
 * Runs the factor analysis: `factorData` (forward returns, cleaning, binning), then
 * - returns: mean return by quantile (overall, by date, by group) as `base`-bar rates with
 *   standard errors, the top-minus-bottom spread, the factor-weighted portfolio's returns, alpha and
 *   beta, cumulative returns of the portfolio, of each quantile and of the spread;
 * - information: daily rank IC per period (group-adjusted when `groupNeutral`, as Alphalens), its
 *   summary (mean, std, risk-adjusted, t, p, skew, kurtosis), weekly / monthly / yearly means, by group;
 * - turnover: per quantile and lag = period, and factor rank autocorrelation;
 * - events: average cumulative return by quantile around the factor dates.
 * Alphalens' defaults throughout (long/short, not group-neutral, factor-weighted). A constant or
 * all-tied factor on a date yields no quantile there, hence no return, weight or IC, and a warning.
 *
 * @example
 * ```ts
 * const fa = analyzeFactor(panel, signal, { periods: [1, 5, 10], quantiles: 5, groupBy: "industry" });
 * fa.information[0].summary.mean; fa.returns[0].spread.mean; fa.turnover[0].meanAutocorrelation;
 * ```
 */
export function analyzeFactor(
  panel: Panel,
  signal: SignalInput,
  options: FactorAnalysisOptions = {},
): FactorAnalysis {
  checkOptions("analyzeFactor", options, FACTOR_KEYS);
  const { longShort = true, groupNeutral = false, equalWeight = false, onStep } = options;
  const step = (k: number) => onStep?.(STAGES[k], k, STAGES.length);
  step(0);
  const { data, factorRanks: ranked } = prepareFactor(panel, signal, options, true);
  if (groupNeutral && !data.groups) throw new RangeError('groupNeutral needs groupBy (e.g. "industry")');
  const base = data.periods[0], Q = data.nQuantiles, nT = data.dates.length;
  const hasGroups = data.groups !== null, G = data.groupNames.length;

  step(1);
  const demean = { demeaned: longShort, groupAdjust: groupNeutral };
  const byQuantile = meanReturnByQuantile(data, { ...demean, byGroup: hasGroups });
  const portfolio = factorReturns(data, { demeaned: longShort, groupAdjust: groupNeutral, equalWeight });
  const alphaBeta = factorAlphaBeta(data, portfolio);
  const top = topQuantile(data), bottom = bottomQuantile(data);
  const returns = byQuantile.map((q, k): PeriodReturns => {
    const p = q.period;
    const rawSpread = new Float64Array(nT);
    for (let t = 0; t < nT; t++) {
      rawSpread[t] = q.byDate.mean[t * Q + top - 1] - q.byDate.mean[t * Q + bottom - 1];
    }
    return {
      period: p,
      byQuantile: q,
      rate: q.mean.map((m) => rateOfReturn(m, p, base)),
      rateStdErr: q.stdErr.map((s) => stdConversion(s, p, base)),
      rateByGroup: q.byGroup ? q.byGroup.mean.map((m) => rateOfReturn(m, p, base)) : null,
      spread: quantileSpread(q, top, bottom, base),
      factorReturns: portfolio[k],
      alphaBeta: alphaBeta[k],
      cumulative: {
        factor: cumulativePeriodReturns(portfolio[k], p),
        byQuantile: Array.from(
          { length: Q },
          (_, j) =>
            cumulativePeriodReturns(Float64Array.from({ length: nT }, (_, t) => q.byDate.mean[t * Q + j]), p),
        ),
        spread: cumulativePeriodReturns(rawSpread, p),
      },
    };
  });

  step(2);
  const factorRanks = ranked ?? rankRows(data.factor, data.rows, data.securityIds.length);
  const ics = informationCoefficient(data, { byGroup: hasGroups, groupAdjust: groupNeutral, factorRanks });
  const information = ics.map((ic: InformationCoefficient): PeriodInformation => ({
    period: ic.period,
    ic: ic.ic,
    summary: icSummary(ic.ic),
    weekly: meanIcByPeriod(data.dates, ic.ic, "weekly"),
    monthly: meanIcByPeriod(data.dates, ic.ic, "monthly"),
    yearly: meanIcByPeriod(data.dates, ic.ic, "yearly"),
    byGroup: ic.byGroup ? meanIcByGroup(ic.byGroup, G) : null,
  }));

  step(3);
  const turnover = data.periods.map((p): PeriodTurnover => {
    const quantile = quantileTurnovers(data, p);
    const autocorrelation = factorRankAutocorrelation(data, p, factorRanks);
    return {
      period: p,
      quantile,
      meanQuantile: Float64Array.from(quantile, finiteMean),
      autocorrelation,
      meanAutocorrelation: finiteMean(autocorrelation),
    };
  });

  step(4);
  const events = options.events === false ? null : eventReturns(panel, data, {
    ...(options.events ?? {}),
    demeaned: longShort,
    groupAdjust: groupNeutral,
  });

  return {
    data,
    base,
    options: { longShort, groupNeutral, equalWeight },
    quantileStats: quantileStats(data),
    returns,
    information,
    turnover,
    events,
    warnings: data.warnings,
  };
}

function finiteMean(x: ArrayLike<number>): number {
  let sum = 0, n = 0;
  for (let k = 0; k < x.length; k++) {
    if (Number.isFinite(x[k])) {
      sum += x[k];
      n++;
    }
  }
  return n ? sum / n : NaN;
}

/** The highest and lowest labels present (Alphalens' `factor_quantile.max()` / `.min()`). */
function topQuantile(data: FactorData): number {
  let top = 0;
  for (let c = 0; c < data.quantile.length; c++) if (data.quantile[c] > top) top = data.quantile[c];
  return Math.max(top, 1);
}

function bottomQuantile(data: FactorData): number {
  let bottom = Infinity;
  for (let c = 0; c < data.quantile.length; c++) {
    if (data.quantile[c] > 0 && data.quantile[c] < bottom) bottom = data.quantile[c];
  }
  return Number.isFinite(bottom) ? bottom : 1;
}

/**
 * Min, max, mean, std (ddof 1) and count of the factor values in each quantile, and each count's
 * share of all binned values in percent (Alphalens' `plot_quantile_statistics_table`).
 *
 * @example
 * ```ts
 * quantileStats(data)[0]; // { quantile: 1, min, max, mean, std, count, count_pct }
 * ```
 */
export function quantileStats(data: FactorData): QuantileStats[] {
  const Q = data.nQuantiles;
  const min = new Float64Array(Q).fill(Infinity), max = new Float64Array(Q).fill(-Infinity);
  const sum = new Float64Array(Q), count = new Float64Array(Q);
  for (let c = 0; c < data.quantile.length; c++) {
    const q = data.quantile[c] - 1;
    if (q < 0) continue;
    const v = data.factor[c];
    if (v < min[q]) min[q] = v;
    if (v > max[q]) max[q] = v;
    sum[q] += v;
    count[q]++;
  }
  const ss = new Float64Array(Q);
  for (let c = 0; c < data.quantile.length; c++) {
    const q = data.quantile[c] - 1;
    if (q >= 0) ss[q] += (data.factor[c] - sum[q] / count[q]) ** 2;
  }
  const total = count.reduce((s, n) => s + n, 0);
  return Array.from({ length: Q }, (_, q) => ({
    quantile: q + 1,
    min: count[q] ? min[q] : NaN,
    max: count[q] ? max[q] : NaN,
    mean: count[q] ? sum[q] / count[q] : NaN,
    std: count[q] > 1 ? Math.sqrt(ss[q] / (count[q] - 1)) : NaN,
    count: count[q],
    count_pct: total ? (100 * count[q]) / total : NaN,
  }));
}
