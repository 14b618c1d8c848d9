/**
 * Regime analysis: split the periods by the state of the benchmark — its trend (level above or below
 * its moving average) or its volatility (rolling volatility above or below its median) — and report
 * the strategy's metrics within each regime. The regime of period t is the benchmark's state at the
 * close of t - 1, so it is known before the period's return (no look-ahead in the split; the median
 * of the volatility split is taken over the whole sample).
 */

import { annualReturn, annualVolatility, maxDrawdown, sharpeRatio } from "./core.ts";
import { hitRate } from "./returns.ts";
import { rollingVolatility } from "./rolling.ts";
import { percentile } from "./tail.ts";
import { checkAligned, checkInteger } from "./_utils.ts";

/** How to split: by benchmark trend (default window 200) or volatility (default window 63). */
export interface RegimeOptions {
  readonly by?: "trend" | "volatility";
  /** Moving-average length (trend) or rolling-volatility length (volatility), in periods. */
  readonly window?: number;
  readonly periodsPerYear?: number;
  /** Risk-free rate per period, for the Sharpe ratio. */
  readonly riskFree?: number;
}

/** Metrics of the strategy within one regime (periods concatenated in date order). */
export interface RegimeMetrics {
  readonly regime: "uptrend" | "downtrend" | "high_vol" | "low_vol";
  /** Non-NaN strategy periods in the regime. */
  readonly n_periods: number;
  /** `n_periods` over the classified non-NaN periods of both regimes. */
  readonly share: number;
  readonly annual_return: number;
  readonly annual_volatility: number;
  readonly sharpe: number;
  readonly max_drawdown: number;
  readonly hit_rate: number;
  /** CAGR of the benchmark over the same periods. */
  readonly benchmark_annual_return: number;
}

/**
 * Regime label of every period: 1 = uptrend / high volatility, 0 = downtrend / low volatility,
 * -1 = not yet known (the first `window` periods, or a missing benchmark state).
 *
 * - trend: benchmark level `L[t] = prod_{s≤t}(1 + b[s])`; uptrend at t when
 *   `L[t-1] > mean(L[t-window..t-1])`.
 * - volatility: `v[t]` = sample std of b over the `window` periods ending at t; high when
 *   `v[t-1] > median(v)`.
 *
 * @example
 * ```ts
 * regimeLabels([0.01, 0.01, -0.05, 0.01], { by: "trend", window: 2 }); // => [-1, -1, 1, 0]
 * ```
 */
export function regimeLabels(benchmark: ArrayLike<number>, options: RegimeOptions = {}): Int8Array {
  const by = options.by ?? "trend";
  const window = options.window ?? (by === "trend" ? 200 : 63);
  checkInteger("window", window, 2);
  const n = benchmark.length;
  const labels = new Int8Array(n).fill(-1);
  if (by === "trend") {
    const level = new Float64Array(n);
    let wealth = 1;
    let sum = 0;
    for (let t = 0; t < n; t++) {
      if (!Number.isNaN(benchmark[t])) wealth *= 1 + benchmark[t];
      level[t] = wealth;
      sum += wealth - (t >= window ? level[t - window] : 0);
      if (t >= window - 1 && t + 1 < n) labels[t + 1] = wealth > sum / window ? 1 : 0;
    }
  } else {
    const vol = rollingVolatility(benchmark, window, 1);
    const median = percentile(vol, 50);
    for (let t = 1; t < n; t++) if (!Number.isNaN(vol[t - 1])) labels[t] = vol[t - 1] > median ? 1 : 0;
  }
  return labels;
}

/**
 * Strategy metrics per benchmark regime (see `regimeLabels`): two rows, uptrend then downtrend, or
 * high_vol then low_vol. Within a regime the periods are concatenated, so `annual_return` is the CAGR
 * of the regime's periods and `max_drawdown` the worst drawdown of that concatenated path.
 *
 * @example
 * ```ts
 * const benchmark = [0.01, 0.01, -0.05, 0.01, 0.02, 0.03]; // trend labels [-1, -1, 1, 0, 1, 1]
 * regimeMetrics([0.05, 0.02, 0.03, -0.01, 0.01, -0.02], benchmark, { by: "trend", window: 2, periodsPerYear: 3 });
 * // => [{regime: "uptrend", n_periods: 3, share: 0.75, …}, {regime: "downtrend", n_periods: 1, …}]
 * ```
 */
export function regimeMetrics(
  returns: ArrayLike<number>,
  benchmark: ArrayLike<number>,
  options: RegimeOptions = {},
): RegimeMetrics[] {
  checkAligned(returns, benchmark);
  const { periodsPerYear = 252, riskFree = 0 } = options;
  const labels = regimeLabels(benchmark, options);
  const names = (options.by ?? "trend") === "trend"
    ? (["downtrend", "uptrend"] as const)
    : (["low_vol", "high_vol"] as const);
  const picked = [1, 0].map((label) => {
    const r: number[] = [];
    const b: number[] = [];
    for (let t = 0; t < returns.length; t++) {
      if (labels[t] === label && !Number.isNaN(returns[t])) {
        r.push(returns[t]);
        b.push(benchmark[t]);
      }
    }
    return { label, r: Float64Array.from(r), b: Float64Array.from(b) };
  });
  const classified = picked[0].r.length + picked[1].r.length;
  return picked.map(({ label, r, b }) => ({
    regime: names[label],
    n_periods: r.length,
    share: classified ? r.length / classified : NaN,
    annual_return: annualReturn(r, periodsPerYear),
    annual_volatility: annualVolatility(r, periodsPerYear),
    sharpe: sharpeRatio(r, riskFree, periodsPerYear),
    max_drawdown: maxDrawdown(r),
    hit_rate: hitRate(r),
    benchmark_annual_return: annualReturn(b, periodsPerYear),
  }));
}
