/**
 * Drawdown episodes: when, how deep, how long, how fast the recovery. Wealth compounds from a starting
 * value of 1 (as empyrical's `max_drawdown`), so a loss in the first period is a drawdown from the
 * start. Positions are indices into the return series; NaN returns leave wealth unchanged.
 */

import { drawdownSeries, hasValue } from "./core.ts";
import { checkInteger } from "./_utils.ts";

/**
 * One drawdown episode, from a high-water mark to the return to it (pyfolio's `gen_drawdown_table`
 * row, in periods rather than dates).
 */
export interface DrawdownPeriod {
  /** Index of the last period at the high-water mark before the fall; -1 = the starting wealth. */
  readonly peak: number;
  /** Index of the lowest wealth of the episode (first one on ties). */
  readonly valley: number;
  /** Index of the first period back at (or above) the high-water mark; NaN while still under water. */
  readonly recovery: number;
  /** `wealth[valley] / wealth[peak] - 1`, ≤ 0. */
  readonly depth: number;
  /** Periods from peak to recovery, `recovery - peak`; for an ongoing episode, to the last period. */
  readonly duration: number;
  /** Periods from valley to recovery, `recovery - valley`; NaN while still under water. */
  readonly recovery_time: number;
}

/**
 * Every drawdown episode, in chronological order (the last may be ongoing).
 *
 * @example
 * ```ts
 * drawdownPeriods([-0.1, 0.2, -0.5]);
 * // wealth 0.9, 1.08, 0.54 ⇒ [{peak: -1, valley: 0, recovery: 1, depth: -0.1, duration: 2, recovery_time: 1},
 * //                          {peak: 1, valley: 2, recovery: NaN, depth: -0.5, duration: 1, recovery_time: NaN}]
 * ```
 */
export function drawdownPeriods(returns: ArrayLike<number>): DrawdownPeriod[] {
  const dd = drawdownSeries(returns);
  const periods: DrawdownPeriod[] = [];
  let lastHigh = -1;
  let under = false;
  let valley = 0;
  let depth = 0;
  for (let k = 0; k < dd.length; k++) {
    if (dd[k] < 0) {
      if (!under || dd[k] < depth) {
        valley = k;
        depth = dd[k];
      }
      under = true;
    } else {
      if (under) {
        periods.push({
          peak: lastHigh,
          valley,
          recovery: k,
          depth,
          duration: k - lastHigh,
          recovery_time: k - valley,
        });
        under = false;
      }
      lastHigh = k;
    }
  }
  if (under) {
    const duration = dd.length - 1 - lastHigh;
    periods.push({ peak: lastHigh, valley, recovery: NaN, depth, duration, recovery_time: NaN });
  }
  return periods;
}

/**
 * The `top` deepest drawdown episodes, deepest first (chronological among equal depths), like
 * pyfolio's `gen_drawdown_table`.
 *
 * @example
 * ```ts
 * drawdownTable([-0.1, 0.2, -0.5], 1); // => [{peak: 1, valley: 2, recovery: NaN, depth: -0.5, …}]
 * ```
 */
export function drawdownTable(returns: ArrayLike<number>, top = 5): DrawdownPeriod[] {
  checkInteger("top", top, 0);
  return drawdownPeriods(returns).sort((a, b) => a.depth - b.depth).slice(0, top);
}

/**
 * Average drawdown: the mean depth of all drawdown episodes (each episode counted once at its
 * valley, as quantstats' "Avg. Drawdown"), ≤ 0; 0 when wealth never falls below a high-water mark,
 * NaN for an empty series (or one without a non-NaN value).
 *
 * @example
 * ```ts
 * averageDrawdown([-0.1, 0.2, -0.5]); // => (-0.1 + -0.5) / 2 = -0.3
 * ```
 */
export function averageDrawdown(returns: ArrayLike<number>): number {
  if (!hasValue(returns)) return NaN;
  const periods = drawdownPeriods(returns);
  let sum = 0;
  for (const p of periods) sum += p.depth;
  return periods.length ? sum / periods.length : 0;
}

/**
 * Longest drawdown duration in periods (peak to recovery, or peak to the last period for an ongoing
 * episode); 0 when there is no drawdown, NaN for an empty series (or one without a non-NaN value).
 *
 * @example
 * ```ts
 * maxDrawdownDuration([-0.1, 0.2, -0.5]); // => max(2, 1) = 2
 * ```
 */
export function maxDrawdownDuration(returns: ArrayLike<number>): number {
  if (!hasValue(returns)) return NaN;
  let longest = 0;
  for (const p of drawdownPeriods(returns)) if (p.duration > longest) longest = p.duration;
  return longest;
}
