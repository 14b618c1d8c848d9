/**
 * Portfolio construction over return streams (strategies or assets): at each rebalance bar, estimate
 * means and covariance over the trailing lookback, compute long-only target weights with the chosen
 * method, trade to them at that bar's close, and let the weights drift with returns until the next
 * rebalance. Produces the combined return stream, the weights over time, turnover and the ex-ante
 * risk contributions.
 */
import { finite } from "../../metrics/core.ts";
import { allMetrics, type Metrics } from "../../metrics/summary.ts";
import { type CovarianceEstimate, covarianceEstimate, rowRange, type Shrinkage } from "./covariance.ts";
import { ercWeights } from "./erc.ts";
import { equalWeights, inverseVolWeights, rollingSharpeWeights } from "./heuristic.ts";
import { hrpWeights } from "./hrp.ts";
import { maxSharpeWeights, minVarianceWeights } from "./mean_variance.ts";
import { riskContributions } from "./risk.ts";
import { parseSchedule, rebalanceFlags, type Schedule } from "./schedule.ts";
import { checkOptions, optionKeys } from "../../util/options.ts";

/** The construction methods, in display order. */
export const CONSTRUCTION_METHODS = [
  "equal_weight",
  "inverse_vol",
  "erc",
  "hrp",
  "min_variance",
  "max_sharpe",
  "rolling_sharpe",
  "regime",
] as const;

/** One of `CONSTRUCTION_METHODS`. */
export type ConstructionMethod = typeof CONSTRUCTION_METHODS[number];

/** Return streams on one time axis. */
export interface ReturnStreams {
  /** Epoch ms per bar, ascending. */
  readonly dates: Float64Array;
  readonly names: readonly string[];
  /** `T × K` row-major per-period returns, NaN = no return that bar (not yet started, or gone). */
  readonly returns: Float64Array;
  readonly periodsPerYear: number;
  /** A benchmark's price level per bar (for regime-conditional weights). */
  readonly benchmark?: { readonly name: string; readonly level: Float64Array };
}

/** Options of `constructPortfolio`. */
export interface ConstructOptions {
  readonly method: ConstructionMethod;
  /** Bars of history per estimate (default 252). */
  readonly lookback?: number;
  /** Default `monthly`. */
  readonly rebalance?: Schedule | string;
  /** Covariance estimator (default `none`: the sample covariance). */
  readonly shrinkage?: Shrinkage;
  /** Cost in bps per unit of turnover, charged on the bar after each trade (default 0). */
  readonly tcBps?: number;
  /**
   * Regime-conditional weights: the benchmark is "up" when its level is above its trailing `trend`-bar
   * mean (default 200), else "down"; each estimate uses only the lookback's bars of the current
   * regime (all of them when fewer than `minBars`, default 40) with the `base` method (default
   * `rolling_sharpe`), and a change of regime triggers a rebalance.
   */
  readonly regime?: {
    readonly trend?: number;
    readonly base?: Exclude<ConstructionMethod, "regime">;
    readonly minBars?: number;
  };
}

const CONSTRUCT_KEYS = optionKeys<ConstructOptions>({
  method: true,
  lookback: true,
  rebalance: true,
  shrinkage: true,
  tcBps: true,
  regime: true,
});

/** A constructed portfolio. */
export interface PortfolioResult {
  readonly kind: "portfolio";
  readonly method: ConstructionMethod;
  readonly names: readonly string[];
  readonly dates: Float64Array;
  /** Combined per-period return (NaN until the first rebalance has been held a bar). */
  readonly returns: Float64Array;
  /** Bars of the rebalances. */
  readonly rebalances: Int32Array;
  /** `R × K` target weights at each rebalance. */
  readonly weights: Float64Array;
  /** `T × K` weights held over each bar (after drift; zeros before investing). */
  readonly held: Float64Array;
  /** Σ|target − held| at each rebalance (the first one counts the entry from cash). */
  readonly turnover: Float64Array;
  /** `R × K` ex-ante shares of variance at each rebalance (from that estimate). */
  readonly riskContributions: Float64Array;
  /** Regime at each rebalance (1 up, −1 down) for regime-conditional weights. */
  readonly regimes?: Int8Array;
  readonly metrics: Metrics & PortfolioStats;
  readonly options: Required<Omit<ConstructOptions, "regime">> & { regime?: ConstructOptions["regime"] };
  readonly warnings: readonly string[];
}

/** Portfolio statistics beyond the return metrics. */
export interface PortfolioStats {
  /** Turnover per year: Σ turnover / years invested. */
  turnover_annual: number;
  /** Mean over rebalances of the effective number of streams 1 / Σw². */
  effective_n: number;
  /** Mean over rebalances of the largest weight. */
  max_weight: number;
  /** Mean over rebalances of Σ wᵢσᵢ / σ_p (the diversification ratio). */
  diversification_ratio: number;
  rebalances: number;
}

/** Checks the streams' shapes, naming what is off. */
export function checkStreams(streams: ReturnStreams): void {
  const { dates, names, returns } = streams;
  const nT = dates.length, k = names.length;
  if (k === 0) throw new RangeError("portfolio construction needs at least one return stream, found none");
  if (returns.length !== nT * k) {
    throw new RangeError(`returns has ${returns.length} values, expected ${nT} bars × ${k} streams`);
  }
  if (new Set(names).size !== k) {
    throw new RangeError(`stream names must be unique, found ${names.join(", ")}`);
  }
  for (let t = 1; t < nT; t++) {
    if (!(dates[t] > dates[t - 1])) throw new RangeError(`dates must be strictly ascending (bar ${t})`);
  }
  if (streams.benchmark && streams.benchmark.level.length !== nT) {
    throw new RangeError(
      `benchmark ${streams.benchmark.name} has ${streams.benchmark.level.length} levels, expected ${nT}`,
    );
  }
}

/** Weights of one method on an estimate (long-only, summing to 1); flags a max-Sharpe fallback. */
export function methodWeights(
  method: Exclude<ConstructionMethod, "regime">,
  est: CovarianceEstimate,
): { weights: Float64Array; fallback?: boolean } {
  switch (method) {
    case "equal_weight":
      return { weights: equalWeights(est) };
    case "inverse_vol":
      return { weights: inverseVolWeights(est) };
    case "erc":
      return { weights: ercWeights(est) };
    case "hrp":
      return { weights: hrpWeights(est) };
    case "min_variance":
      return { weights: minVarianceWeights(est) };
    case "max_sharpe":
      return maxSharpeWeights(est);
    case "rolling_sharpe":
      return { weights: rollingSharpeWeights(est) };
  }
}

/** +1 where the level is above its trailing `trend`-bar mean (inclusive), −1 where at or below, 0 before. */
export function trendRegimes(level: Float64Array, trend: number): Int8Array {
  const out = new Int8Array(level.length);
  let sum = 0, count = 0;
  for (let t = 0; t < level.length; t++) {
    sum += level[t];
    count++;
    if (t >= trend) {
      sum -= level[t - trend];
      count--;
    }
    if (t >= trend - 1 && Number.isFinite(sum)) out[t] = level[t] > sum / count ? 1 : -1;
  }
  return out;
}

/**
 * Constructs a portfolio of the streams (see the module doc). A stream is eligible at a rebalance
 * when it has a return on every bar of the lookback; ineligible streams get weight 0 and a held
 * stream's missing return counts as 0 (flat). Refuses a lookback longer than the data, an unknown
 * method or schedule, and regime weights without a benchmark.
 *
 * @example
 * ```ts
 * const hrp = constructPortfolio(streams, { method: "hrp", lookback: 252, rebalance: "monthly" });
 * hrp.metrics.sharpe; hrp.weights; hrp.riskContributions;
 * ```
 */
export function constructPortfolio(streams: ReturnStreams, options: ConstructOptions): PortfolioResult {
  checkOptions("constructPortfolio", options, CONSTRUCT_KEYS);
  checkStreams(streams);
  const { dates, names, returns } = streams;
  const nT = dates.length, k = names.length;
  const { method, lookback = 252, shrinkage = "none", tcBps = 0 } = options;
  if (!(CONSTRUCTION_METHODS as readonly string[]).includes(method)) {
    throw new RangeError(
      `unknown construction method "${method}"; expected one of ${CONSTRUCTION_METHODS.join(", ")}`,
    );
  }
  if (!(Number.isInteger(lookback) && lookback >= 2)) {
    throw new RangeError(`lookback must be an integer ≥ 2 bars, found ${lookback}`);
  }
  if (lookback >= nT) {
    throw new RangeError(
      `lookback of ${lookback} bars is longer than the data (${nT} bars): nothing to hold afterwards`,
    );
  }
  if (shrinkage !== "none" && shrinkage !== "ledoit_wolf") {
    throw new RangeError(`shrinkage must be none or ledoit_wolf, found "${shrinkage}"`);
  }
  const rebalance = parseSchedule(options.rebalance ?? "monthly");
  const flags = rebalanceFlags(dates, rebalance, lookback - 1);
  let regimes: Int8Array | undefined;
  const base = options.regime?.base ?? "rolling_sharpe";
  if (method === "regime") {
    if (!streams.benchmark) throw new RangeError(`regime-conditional weights need a benchmark level series`);
    regimes = trendRegimes(streams.benchmark.level, options.regime?.trend ?? 200);
    for (let t = lookback; t < nT - 1; t++) if (regimes[t] !== regimes[t - 1]) flags[t] = 1;
  }
  const minBars = options.regime?.minBars ?? 40;
  const out = new Float64Array(nT).fill(NaN), held = new Float64Array(nT * k);
  const w = new Float64Array(k);
  const rebalanceBars: number[] = [],
    targets: number[] = [],
    turnovers: number[] = [],
    contributions: number[] = [];
  const rebalanceRegimes: number[] = [];
  const stats = { effective: 0, max: 0, dr: 0 };
  const warnings = new Set<string>();
  let invested = false, pendingCost = 0;
  for (let t = 0; t < nT; t++) {
    if (invested) {
      let r = 0, grow = 0;
      for (let i = 0; i < k; i++) {
        held[t * k + i] = w[i];
        const x = returns[t * k + i];
        const ri = Number.isNaN(x) ? 0 : x;
        if (Number.isNaN(x) && w[i] !== 0) {
          warnings.add(`${names[i]} has no return on some held bars (counted as 0)`);
        }
        r += w[i] * ri;
        w[i] *= 1 + ri;
        grow += w[i];
      }
      for (let i = 0; i < k; i++) w[i] = grow > 0 ? w[i] / grow : 0;
      out[t] = r - pendingCost;
      pendingCost = 0;
    }
    if (!flags[t]) continue;
    const rows = rowRange(t - lookback + 1, t + 1);
    const eligible: number[] = [];
    for (let i = 0; i < k; i++) {
      if (rows.every((row) => Number.isFinite(returns[row * k + i]))) eligible.push(i);
    }
    if (eligible.length === 0) {
      warnings.add(`no stream had a full lookback at some rebalances; the portfolio held on`);
      continue;
    }
    const columns = Int32Array.from(eligible);
    let estRows = rows;
    if (regimes) {
      const same = rows.filter((row) => regimes![row] === regimes![t]);
      if (same.length >= minBars) estRows = same;
      else warnings.add(`fewer than ${minBars} bars of the current regime in some lookbacks: all bars used`);
    }
    const est = covarianceEstimate(returns, k, columns, estRows, shrinkage);
    const chosen = methodWeights(method === "regime" ? base : method, est);
    if (chosen.fallback) {
      warnings.add("no stream had a positive mean in some lookbacks: minimum-variance weights used");
    }
    const target = new Float64Array(k);
    eligible.forEach((i, j) => (target[i] = chosen.weights[j]));
    let turnover = 0;
    for (let i = 0; i < k; i++) turnover += Math.abs(target[i] - (invested ? w[i] : 0));
    pendingCost = (tcBps / 1e4) * turnover;
    w.set(target);
    invested = true;
    rebalanceBars.push(t);
    targets.push(...target);
    turnovers.push(turnover);
    const rc = riskContributions(est.cov, chosen.weights);
    const full = new Float64Array(k);
    eligible.forEach((i, j) => (full[i] = rc[j]));
    contributions.push(...full);
    if (regimes) rebalanceRegimes.push(regimes[t]);
    let sq = 0, mx = 0, wsig = 0, variance = 0;
    chosen.weights.forEach((wi, j) => {
      sq += wi * wi;
      mx = Math.max(mx, wi);
      wsig += wi * Math.sqrt(est.cov[j * est.k + j]);
    });
    for (let a = 0; a < est.k; a++) {
      for (let b = 0; b < est.k; b++) {
        variance += chosen.weights[a] * chosen.weights[b] * est.cov[a * est.k + b];
      }
    }
    stats.effective += 1 / sq;
    stats.max += mx;
    stats.dr += wsig / Math.sqrt(variance);
  }
  const invested_ = finite(out);
  const r = rebalanceBars.length;
  const years = invested_.length / streams.periodsPerYear;
  const metrics = {
    ...allMetrics(invested_, { periodsPerYear: streams.periodsPerYear }),
    turnover_annual: years > 0 ? turnovers.reduce((a, b) => a + b, 0) / years : NaN,
    effective_n: r ? stats.effective / r : NaN,
    max_weight: r ? stats.max / r : NaN,
    diversification_ratio: r ? stats.dr / r : NaN,
    rebalances: r,
  };
  return {
    kind: "portfolio",
    method,
    names,
    dates,
    returns: out,
    rebalances: Int32Array.from(rebalanceBars),
    weights: Float64Array.from(targets),
    held,
    turnover: Float64Array.from(turnovers),
    riskContributions: Float64Array.from(contributions),
    ...(regimes ? { regimes: Int8Array.from(rebalanceRegimes) } : {}),
    metrics,
    options: {
      method,
      lookback,
      rebalance,
      shrinkage,
      tcBps,
      ...(options.regime || method === "regime"
        ? { regime: { trend: 200, base, minBars, ...options.regime } }
        : {}),
    },
    warnings: [...warnings],
  };
}
