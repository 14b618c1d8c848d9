/** Binary search on ascending typed arrays. */

/**
 * Index of the first date `>= x` in ascending `dates` (`dates.length` when none), searching from
 * index `from` on.
 *
 * @example
 * ```ts
 * lowerBound(Float64Array.of(10, 20, 30), 15); // => 1
 * ```
 */
export function lowerBound(dates: ArrayLike<number>, x: number, from = 0): number {
  let lo = from, hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (dates[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * `lowerBound` for a stream of queries, as one merge pass: a query at or after the previous one
 * moves on from the previous answer (O(1) when it lands on the same or the next date, a search of
 * the rest otherwise), an earlier one searches from the start. Rows sorted by date, or by security
 * then date, cost O(1) each instead of a binary search.
 *
 * @example
 * ```ts
 * const at = lowerBoundCursor(Float64Array.of(10, 20, 30));
 * [at(10), at(15), at(15), at(31), at(5)]; // => [0, 1, 1, 3, 0]
 * ```
 */
export function lowerBoundCursor(dates: ArrayLike<number>): (x: number) => number {
  const n = dates.length;
  let t = 0, last = -Infinity;
  return (x: number): number => {
    if (!(x >= last)) t = lowerBound(dates, x);
    else if (t < n && dates[t] < x) t = t + 1 >= n || dates[t + 1] >= x ? t + 1 : lowerBound(dates, x, t + 2);
    last = x;
    return t;
  };
}
