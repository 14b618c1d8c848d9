/**
 * How a strategy behaves in the benchmark's up and down periods (empyrical's `capture`,
 * `up_capture`, `down_capture`, `up_down_capture`, `up_alpha_beta`, `down_alpha_beta`,
 * `beta_fragility_heuristic`), the batting average, and their rolling versions. `returns` and
 * `benchmark` are aligned by position (same dates); NaN = missing.
 */

import { alpha, beta } from "./benchmark.ts";
import { annualReturn } from "./core.ts";
import { checkAligned, rollWindows } from "./_utils.ts";

/**
 * Capture ratio (empyrical's `capture`): `annualReturn(r) / annualReturn(b)`, both CAGRs over the
 * series length (NaN rows included).
 *
 * @example
 * ```ts
 * capture([0.02, 0.04], [0.01, 0.02], 2); // => (1.02 · 1.04 - 1) / (1.01 · 1.02 - 1) ≈ 2.0286
 * ```
 */
export function capture(
  returns: ArrayLike<number>,
  benchmark: ArrayLike<number>,
  periodsPerYear = 252,
): number {
  checkAligned(returns, benchmark);
  return annualReturn(returns, periodsPerYear) / annualReturn(benchmark, periodsPerYear);
}

/**
 * Up-market capture (empyrical's `up_capture`): `capture` over the periods where the benchmark
 * return is > 0 (the strategy's return there counted even when NaN, as a period).
 *
 * @example
 * ```ts
 * upCapture([0.02, -0.01, 0.04], [0.01, -0.02, 0.02], 252); // => capture([0.02, 0.04], [0.01, 0.02])
 * ```
 */
export function upCapture(
  returns: ArrayLike<number>,
  benchmark: ArrayLike<number>,
  periodsPerYear = 252,
): number {
  const [r, b] = filterByBenchmark(returns, benchmark, (x) => x > 0);
  return capture(r, b, periodsPerYear);
}

/**
 * Down-market capture (empyrical's `down_capture`): `capture` over the periods where the benchmark
 * return is < 0. Below 1 = the strategy loses less than the benchmark when it falls.
 *
 * @example
 * ```ts
 * downCapture([0.02, -0.01, 0.04], [0.01, -0.02, 0.02], 1); // => -0.01 / -0.02 = 0.5
 * ```
 */
export function downCapture(
  returns: ArrayLike<number>,
  benchmark: ArrayLike<number>,
  periodsPerYear = 252,
): number {
  const [r, b] = filterByBenchmark(returns, benchmark, (x) => x < 0);
  return capture(r, b, periodsPerYear);
}

/**
 * Up/down capture ratio (empyrical's `up_down_capture`): `upCapture / downCapture`.
 *
 * @example
 * ```ts
 * upDownCapture(returns, benchmark, 252); // > 1: more of the upside than of the downside
 * ```
 */
export function upDownCapture(
  returns: ArrayLike<number>,
  benchmark: ArrayLike<number>,
  periodsPerYear = 252,
): number {
  return upCapture(returns, benchmark, periodsPerYear) / downCapture(returns, benchmark, periodsPerYear);
}

/** Annualised alpha and beta (see `alpha`, `beta`). */
export interface AlphaBeta {
  readonly alpha: number;
  readonly beta: number;
}

/**
 * Alpha and beta over the periods where the benchmark return is > 0 (empyrical's `up_alpha_beta`).
 * A constant `riskFree` only; a series would need the same filtering.
 *
 * @example
 * ```ts
 * upAlphaBeta([0.03, -0.01, 0.05], [0.01, -0.02, 0.02], 0, 1); // => β = 2 on the up periods
 * ```
 */
export function upAlphaBeta(
  returns: ArrayLike<number>,
  benchmark: ArrayLike<number>,
  riskFree = 0,
  periodsPerYear = 252,
): AlphaBeta {
  const [r, b] = filterByBenchmark(returns, benchmark, (x) => x > 0);
  return { alpha: alpha(r, b, riskFree, periodsPerYear), beta: beta(r, b) };
}

/**
 * Alpha and beta over the periods where the benchmark return is < 0 (empyrical's `down_alpha_beta`).
 *
 * @example
 * ```ts
 * downAlphaBeta(returns, benchmark, 0, 252).beta; // the strategy's beta in falling markets
 * ```
 */
export function downAlphaBeta(
  returns: ArrayLike<number>,
  benchmark: ArrayLike<number>,
  riskFree = 0,
  periodsPerYear = 252,
): AlphaBeta {
  const [r, b] = filterByBenchmark(returns, benchmark, (x) => x < 0);
  return { alpha: alpha(r, b, riskFree, periodsPerYear), beta: beta(r, b) };
}

/**
 * Beta fragility heuristic (empyrical's `beta_fragility_heuristic`, IMF WP/12/216): sort the pairs
 * where both are present by the benchmark return, take the first, the middle
 * (`round(n / 2)`, half to even as numpy) and the last, and return
 * `w_start r_start + w_end r_end - r_mid` with `w_start = (b_mid - b_start) / (b_end - b_start)`,
 * `w_end = (b_end - b_mid) / (b_end - b_start)` (0.5 each when the range is 0). Negative = losses
 * could follow a drop in beta. NaN with fewer than 3 pairs.
 *
 * @example
 * ```ts
 * betaFragilityHeuristic([0.01, 0.02, -0.05], [0.02, 0.0, -0.03]); // pairs by b: (-0.05,-0.03), (0.02,0), (0.01,0.02)
 * ```
 */
export function betaFragilityHeuristic(returns: ArrayLike<number>, benchmark: ArrayLike<number>): number {
  checkAligned(returns, benchmark);
  const pairs: [number, number][] = [];
  for (let k = 0; k < returns.length; k++) {
    if (!Number.isNaN(returns[k]) && !Number.isNaN(benchmark[k])) pairs.push([returns[k], benchmark[k]]);
  }
  if (returns.length < 3 || pairs.length < 3) return NaN;
  pairs.sort((a, b) => a[1] - b[1]);
  const [rStart, bStart] = pairs[0];
  const [rMid, bMid] = pairs[roundHalfEven(pairs.length / 2)];
  const [rEnd, bEnd] = pairs[pairs.length - 1];
  const range = bEnd - bStart;
  const wStart = range === 0 ? 0.5 : (bMid - bStart) / range;
  const wEnd = range === 0 ? 0.5 : (bEnd - bMid) / range;
  return wStart * rStart + wEnd * rEnd - rMid;
}

/** Share of periods the strategy beat the benchmark: overall, in up and in down markets. */
export interface BattingAverage {
  /** Periods with `r > b` over the periods where both are present. */
  readonly batting_average: number;
  /** The same over the periods with `b > 0`. */
  readonly up: number;
  /** The same over the periods with `b < 0`. */
  readonly down: number;
}

/**
 * Batting average: the share of periods in which the strategy's return beat the benchmark's
 * (`r > b`, strictly), over the periods where both are present; `up` and `down` restrict to the
 * benchmark's up (`b > 0`) and down (`b < 0`) periods (PerformanceAnalytics' "percent" up/down
 * ratios). NaN where no period qualifies.
 *
 * @example
 * ```ts
 * battingAverage([0.02, -0.01, 0.0], [0.01, -0.02, 0.01]); // => { batting_average: 2/3, up: 0.5, down: 1 }
 * ```
 */
export function battingAverage(returns: ArrayLike<number>, benchmark: ArrayLike<number>): BattingAverage {
  checkAligned(returns, benchmark);
  const wins = [0, 0, 0], counts = [0, 0, 0];
  for (let k = 0; k < returns.length; k++) {
    const r = returns[k], b = benchmark[k];
    if (Number.isNaN(r) || Number.isNaN(b)) continue;
    const beat = r > b ? 1 : 0;
    wins[0] += beat;
    counts[0]++;
    if (b > 0) {
      wins[1] += beat;
      counts[1]++;
    } else if (b < 0) {
      wins[2] += beat;
      counts[2]++;
    }
  }
  const share = (j: number) => (counts[j] ? wins[j] / counts[j] : NaN);
  return { batting_average: share(0), up: share(1), down: share(2) };
}

/**
 * Rolling up-market capture over each window of `window` periods ending at t (empyrical's
 * `roll_up_capture`, which returns the windows only; here the output has the input's length, NaN
 * before the first full window).
 *
 * @example
 * ```ts
 * rollingUpCapture(returns, benchmark, 63, 252); // one value per date from the 63rd on
 * ```
 */
export function rollingUpCapture(
  returns: ArrayLike<number>,
  benchmark: ArrayLike<number>,
  window: number,
  periodsPerYear = 252,
): Float64Array {
  return rollWindows(returns, benchmark, window, (r, b) => upCapture(r, b, periodsPerYear));
}

/**
 * Rolling down-market capture (empyrical's `roll_down_capture`); see `rollingUpCapture`.
 *
 * @example
 * ```ts
 * rollingDownCapture(returns, benchmark, 63, 252);
 * ```
 */
export function rollingDownCapture(
  returns: ArrayLike<number>,
  benchmark: ArrayLike<number>,
  window: number,
  periodsPerYear = 252,
): Float64Array {
  return rollWindows(returns, benchmark, window, (r, b) => downCapture(r, b, periodsPerYear));
}

/**
 * Rolling up/down capture ratio (empyrical's `roll_up_down_capture`); see `rollingUpCapture`.
 *
 * @example
 * ```ts
 * rollingUpDownCapture(returns, benchmark, 63, 252);
 * ```
 */
export function rollingUpDownCapture(
  returns: ArrayLike<number>,
  benchmark: ArrayLike<number>,
  window: number,
  periodsPerYear = 252,
): Float64Array {
  return rollWindows(returns, benchmark, window, (r, b) => upDownCapture(r, b, periodsPerYear));
}

/**
 * Rolling alpha and beta (empyrical's `roll_alpha_beta`): `alpha` and `beta` over each window of
 * `window` periods ending at t (NaN before the first full window; NaN inside a window is skipped
 * pairwise, as the static functions do).
 *
 * @example
 * ```ts
 * const { alpha, beta } = rollingAlphaBeta(returns, benchmark, 126, 0, 252);
 * ```
 */
export function rollingAlphaBeta(
  returns: ArrayLike<number>,
  benchmark: ArrayLike<number>,
  window: number,
  riskFree: number = 0,
  periodsPerYear = 252,
): { alpha: Float64Array; beta: Float64Array } {
  return {
    alpha: rollWindows(returns, benchmark, window, (r, b) => alpha(r, b, riskFree, periodsPerYear)),
    beta: rollWindows(returns, benchmark, window, beta),
  };
}

/** The positions where `keep(benchmark)` holds, as two packed arrays. */
function filterByBenchmark(
  returns: ArrayLike<number>,
  benchmark: ArrayLike<number>,
  keep: (b: number) => boolean,
): [Float64Array, Float64Array] {
  checkAligned(returns, benchmark);
  const r: number[] = [], b: number[] = [];
  for (let k = 0; k < benchmark.length; k++) {
    if (keep(benchmark[k])) {
      r.push(returns[k]);
      b.push(benchmark[k]);
    }
  }
  return [Float64Array.from(r), Float64Array.from(b)];
}

/** `Math.round` with ties to even, as numpy's `around`. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff !== 0.5) return Math.round(x);
  return floor % 2 === 0 ? floor : floor + 1;
}
