/** Binary search on ascending typed arrays. */

/**
 * Index of the first date `>= x` in ascending `dates` (`dates.length` when none).
 *
 * @example
 * ```ts
 * lowerBound(Float64Array.of(10, 20, 30), 15); // => 1
 * ```
 */
export function lowerBound(dates: ArrayLike<number>, x: number): number {
  let lo = 0, hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (dates[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
