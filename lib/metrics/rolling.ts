/**
 * Rolling-window metrics over the last `window` periods (empyrical's `roll_*` functions). Each window
 * is computed by the static metric on that window, so missing values (NaN) inside a window are
 * skipped exactly as the static metric skips them (empyrical's nan-aware `roll_sharpe_ratio`,
 * `roll_annual_volatility`, `roll_beta`, `roll_max_drawdown`); a window with too few values left is
 * NaN. Output has the input's length, aligned to the window's last period: position t holds the
 * window `[t + 1 - window, t]`, NaN before the first full window (empyrical returns only the
 * `n - window + 1` full windows, i.e. `out.subarray(window - 1)`). O(n · window).
 */

import { annualVolatility, maxDrawdown, sharpeRatio } from "./core.ts";
import { beta } from "./benchmark.ts";
import { sortinoRatio } from "./risk.ts";
import { checkInteger, excessReturns, type RiskFree, rollWindows } from "./_utils.ts";

/**
 * Rolling annualised volatility (empyrical's `roll_annual_volatility`): `annualVolatility` of each
 * window, `sampleStd * sqrt(periodsPerYear)` (ddof = 1) over its non-NaN values; window ≥ 2.
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
  checkInteger("window", window, 2);
  return rollWindows(returns, null, window, (w) => annualVolatility(w, periodsPerYear));
}

/**
 * Rolling annualised Sharpe ratio (empyrical's `roll_sharpe_ratio`): `sharpeRatio` of each window,
 * `mean(x) / sampleStd(x) * sqrt(periodsPerYear)` with `x = r - riskFree` over its non-NaN values
 * (ddof = 1, `riskFree` per period, a constant or an aligned series); a window without deviation (up
 * to round-off) gives ±Infinity by the sign of its mean, NaN for a zero mean, as `sharpeRatio`.
 *
 * @example
 * ```ts
 * rollingSharpe([0.01, 0.02, 0.03], 3, 0, 252); // => [NaN, NaN, 0.02 / 0.01 * sqrt(252) ≈ 31.75]
 * rollingSharpe([NaN, 0.01, 0.03], 3, 0, 252); // => [NaN, NaN, sharpeRatio([0.01, 0.03])]
 * ```
 */
export function rollingSharpe(
  returns: ArrayLike<number>,
  window: number,
  riskFree: RiskFree = 0,
  periodsPerYear = 252,
): Float64Array {
  return rollExcess(returns, window, riskFree, (w) => sharpeRatio(w, 0, periodsPerYear));
}

/**
/**
 * Rolling annualised Sortino ratio (quantstats' `rolling_sortino`): `sortinoRatio` of each window,
 * `mean(x) / sqrt(Σ min(x, 0)² / n) * sqrt(periodsPerYear)` with `x = r - riskFree` over its n
 * non-NaN values (periods above the target count as zero in the downside); +Infinity for a window
 * with no period below the target and a positive mean, NaN with fewer than 2 values.
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
  return rollExcess(returns, window, riskFree, (w) => sortinoRatio(w, 0, periodsPerYear));
}

/**
 * Rolling beta (empyrical's `roll_beta`): `beta` of each window over its pairs where both are
 * present; NaN when the benchmark's variance in the window is below 1e-30 (as `beta`).
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
  checkInteger("window", window, 2);
  return rollWindows(returns, benchmark, window, beta);
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

/** `ratio` of each window of the excess returns `r - riskFree` (window ≥ 2). */
function rollExcess(
  returns: ArrayLike<number>,
  window: number,
  riskFree: RiskFree,
  ratio: (excess: Float64Array) => number,
): Float64Array {
  checkInteger("window", window, 2);
  return rollWindows(excessReturns(returns, riskFree), null, window, ratio);
}
