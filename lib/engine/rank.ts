/**
 * Rank statistics on typed arrays: average ranks of a sorted selection, Pearson correlation of rank
 * vectors, and Spearman's rank correlation of two series.
 */
import { sortByKey } from "./sort.ts";

/**
 * Writes 1-based average ranks ("fractional" ranks: tied values share the mean of their positions)
 * into `out[id]` for the `n` ids in `ids`, which must already be sorted ascending by
 * `values[base + id]`.
 *
 * @example
 * ```ts
 * const out = new Float64Array(3);
 * averageRanksInto(Int32Array.of(2, 0, 1), 3, Float64Array.of(5, 5, 1), 0, out);
 * // out => [2.5, 2.5, 1]
 * ```
 */
export function averageRanksInto(
  ids: Int32Array,
  n: number,
  values: Float64Array,
  base: number,
  out: Float64Array,
): void {
  let j = 0;
  while (j < n) {
    const v = values[base + ids[j]];
    let k = j + 1;
    while (k < n && values[base + ids[k]] === v) k++;
    const rank = (j + 1 + k) / 2;
    for (let m = j; m < k; m++) out[ids[m]] = rank;
    j = k;
  }
}

/**
 * Pearson correlation of `a[id]` and `b[id]` over the `n` ids in `ids`. NaN when fewer than two ids
 * or when either side is constant.
 *
 * @example
 * ```ts
 * pearsonOver(Float64Array.of(1, 2, 3), Float64Array.of(3, 2, 1), Int32Array.of(0, 1, 2), 3); // => -1
 * ```
 */
export function pearsonOver(a: Float64Array, b: Float64Array, ids: Int32Array, n: number): number {
  if (n < 2) return NaN;
  let sa = 0, sb = 0;
  for (let j = 0; j < n; j++) {
    sa += a[ids[j]];
    sb += b[ids[j]];
  }
  const ma = sa / n, mb = sb / n;
  let sab = 0, saa = 0, sbb = 0;
  for (let j = 0; j < n; j++) {
    const da = a[ids[j]] - ma, db = b[ids[j]] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

/**
 * Spearman's rank correlation of two equally long series over the positions where both are finite:
 * Pearson correlation of their average ranks (ties share the mean rank). NaN with fewer than two
 * pairs or a constant side.
 *
 * @example
 * ```ts
 * spearman([1, 2, 3, 4], [10, 20, 20, 40]); // => 0.9487 (ranks 1,2,3,4 vs 1,2.5,2.5,4)
 * ```
 */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) {
    throw new RangeError(`spearman: series lengths differ (${x.length} vs ${y.length})`);
  }
  const len = x.length;
  const xs = new Float64Array(len), ys = new Float64Array(len);
  const ids = new Int32Array(len);
  let n = 0;
  for (let k = 0; k < len; k++) {
    if (Number.isFinite(x[k]) && Number.isFinite(y[k])) {
      xs[n] = x[k];
      ys[n] = y[k];
      ids[n] = n;
      n++;
    }
  }
  const rx = new Float64Array(n), ry = new Float64Array(n);
  const keys = xs.slice(0, n), order = ids.slice(0, n);
  sortByKey(keys, order, n);
  averageRanksInto(order, n, xs, 0, rx);
  keys.set(ys.subarray(0, n));
  order.set(ids.subarray(0, n));
  sortByKey(keys, order, n);
  averageRanksInto(order, n, ys, 0, ry);
  return pearsonOver(rx, ry, ids, n);
}
