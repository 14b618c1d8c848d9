/**
 * Rolling-window metrics over the last `window` periods. Output has the input's length; a position is
 * NaN until the window is full and whenever any value in its window is missing (pandas' default
 * `min_periods = window`); `rollingMaxDrawdown` instead lets a missing period leave wealth unchanged,
 * as `maxDrawdown` does. Each window is computed directly (two passes), so there is no drift from
 * running sums: O(n · window).
 */

import { maxDrawdown, meanOverDeviation } from "./core.ts";
import { sortinoRatio } from "./risk.ts";
import { checkAligned, checkInteger, excessReturns, type RiskFree, rollWindows } from "./_utils.ts";

/**
 * Rolling annualised volatility: `sampleStd(window) * sqrt(periodsPerYear)` (ddof = 1), window ≥ 2.
 *
 * @example
 * ```ts
 * rollingVolatility([0.01, -0.01, 0.01], 2, 252); // => [NaN, 0.0141421 * sqrt(252), same] ≈ [NaN, 0.2245, …]
 * ```
 */
export function rollingVolatility(
  returns: ArrayLike<number>,
  window: number,
  periodsPerYear = 252,
): Float64Array {
  const scale = Math.sqrt(periodsPerYear);
  return rollingMoments(returns, window, (_m, sd) => sd * scale);
}

/**
 * Rolling annualised Sharpe ratio: `mean(x) / sampleStd(x) * sqrt(periodsPerYear)` with
 * `x = r - riskFree` over each window (ddof = 1, `riskFree` per period, a constant or an aligned
 * series); a window without deviation (up to round-off) gives ±Infinity by the sign of its mean, NaN
 * for a zero mean, as `sharpeRatio`.
 *
 * @example
 * ```ts
 * rollingSharpe([0.01, 0.02, 0.03], 3, 0, 252); // => [NaN, NaN, 0.02 / 0.01 * sqrt(252) ≈ 31.75]
 * ```
 */
export function rollingSharpe(
  returns: ArrayLike<number>,
  window: number,
  riskFree: RiskFree = 0,
  periodsPerYear = 252,
): Float64Array {
  const scale = Math.sqrt(periodsPerYear);
  const excess = excessReturns(returns, riskFree);
  return rollingMoments(
    excess,
    window,
    (m, sd, t) => meanOverDeviation(m, sd, excess.subarray(t + 1 - window, t + 1)) * scale,
  );
}

/**
 * Rolling annualised Sortino ratio (quantstats' `rolling_sortino`, the same formula as `sortinoRatio`
 * on each window): `mean(x) / sqrt(Σ min(x, 0)² / window) * sqrt(periodsPerYear)` with
 * `x = r - riskFree` over each full, gap-free window (periods above the target count as zero in the
 * downside); +Infinity for a window with no period below the target and a positive mean.
 *
 * @example
 * ```ts
 * rollingSortino([0.02, -0.01, 0.01, -0.03], 4, 0, 252);
 * // => [NaN, NaN, NaN, -0.0025 / sqrt((0.0001 + 0.0009) / 4) * sqrt(252) ≈ -2.5100]
 * ```
 */
export function rollingSortino(
  returns: ArrayLike<number>,
  window: number,
  riskFree: RiskFree = 0,
  periodsPerYear = 252,
): Float64Array {
  checkInteger("window", window, 2);
  const excess = excessReturns(returns, riskFree);
  const gaps = gapCounts(excess, excess);
  const out = new Float64Array(excess.length).fill(NaN);
  for (let t = window - 1; t < excess.length; t++) {
    if (gaps[t + 1] - gaps[t + 1 - window] > 0) continue;
    out[t] = sortinoRatio(excess.subarray(t + 1 - window, t + 1), 0, periodsPerYear);
  }
  return out;
}

/**
 * Rolling beta: `cov(r, b) / var(b)` over each window of aligned periods (same ddof in both, so the
 * ratio is ddof-free); NaN when the benchmark's variance in the window is below 1e-30 (as `beta`).
 *
 * @example
 * ```ts
 * rollingBeta([0.02, 0.04, 0.0], [0.01, 0.02, 0.0], 2); // => [NaN, 2, 2]
 * ```
 */
export function rollingBeta(
  returns: ArrayLike<number>,
  benchmark: ArrayLike<number>,
  window: number,
): Float64Array {
  checkAligned(returns, benchmark);
  checkInteger("window", window, 2);
  const gaps = gapCounts(returns, benchmark);
  const out = new Float64Array(returns.length).fill(NaN);
  for (let t = window - 1; t < returns.length; t++) {
    if (gaps[t + 1] - gaps[t + 1 - window] > 0) continue;
    let mr = 0;
    let mb = 0;
    for (let k = t + 1 - window; k <= t; k++) {
      mr += returns[k];
      mb += benchmark[k];
    }
    mr /= window;
    mb /= window;
    let cov = 0;
    let varB = 0;
    for (let k = t + 1 - window; k <= t; k++) {
      const db = benchmark[k] - mb;
      cov += (returns[k] - mr) * db;
      varB += db * db;
    }
    out[t] = varB / window < 1e-30 ? NaN : cov / varB;
  }
  return out;
}

/**
 * Rolling maximum drawdown (empyrical's `roll_max_drawdown`): `maxDrawdown` of each window of
 * `window` periods ending at t, from a wealth of 1 at the window's start; missing periods leave
 * wealth unchanged (as in `maxDrawdown`), and NaN before the first full window.
 *
 * @example
 * ```ts
 * rollingMaxDrawdown([0.1, -0.5, 0.2, 0.1], 2); // => [NaN, -0.5, -0.5, 0]
 * ```
 */
export function rollingMaxDrawdown(returns: ArrayLike<number>, window: number): Float64Array {
  return rollWindows(returns, null, window, (w) => maxDrawdown(w));
}

/** Applies `finish(mean, sampleStd, t)` to every full, gap-free window ending at t. */
function rollingMoments(
  returns: ArrayLike<number>,
  window: number,
  finish: (mean: number, sd: number, t: number) => number,
): Float64Array {
  checkInteger("window", window, 2);
  const gaps = gapCounts(returns, returns);
  const out = new Float64Array(returns.length).fill(NaN);
  for (let t = window - 1; t < returns.length; t++) {
    if (gaps[t + 1] - gaps[t + 1 - window] > 0) continue;
    let m = 0;
    for (let k = t + 1 - window; k <= t; k++) m += returns[k];
    m /= window;
    let ss = 0;
    for (let k = t + 1 - window; k <= t; k++) ss += (returns[k] - m) * (returns[k] - m);
    out[t] = finish(m, Math.sqrt(ss / (window - 1)), t);
  }
  return out;
}

/** Prefix counts of positions where either series is NaN: `gaps[t]` counts positions `< t`. */
function gapCounts(a: ArrayLike<number>, b: ArrayLike<number>): Int32Array {
  const gaps = new Int32Array(a.length + 1);
  for (let k = 0; k < a.length; k++) {
    gaps[k + 1] = gaps[k] + (Number.isNaN(a[k]) || Number.isNaN(b[k]) ? 1 : 0);
  }
  return gaps;
}
