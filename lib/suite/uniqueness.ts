import { averageRanksInto, pearsonOver } from "../engine/rank.ts";
import { sortByKey } from "../engine/sort.ts";

/**
 * Mean cross-sectional rank correlation of two signals: for each date, Spearman's correlation of
 * the two known matrices' rows over the names finite in both (dates with fewer than `minNames`
 * such names are skipped), averaged over dates. Average ranks for ties. NaN when no date qualifies.
 * Scratch buffers are allocated once; each date sorts with the engine's radix sort.
 *
 * @example
 * ```ts
 * meanRankCorrelation(known, known, nDates, nSecurities); // => 1
 * ```
 */
export function meanRankCorrelation(
  a: Float64Array,
  b: Float64Array,
  nDates: number,
  nSecurities: number,
  minNames = 10,
): number {
  const ids = new Int32Array(nSecurities), order = new Int32Array(nSecurities);
  const keys = new Float64Array(nSecurities);
  const ra = new Float64Array(nSecurities), rb = new Float64Array(nSecurities);
  const rank = (values: Float64Array, base: number, n: number, out: Float64Array) => {
    for (let j = 0; j < n; j++) {
      order[j] = ids[j];
      keys[j] = values[base + ids[j]];
    }
    sortByKey(keys, order, n);
    averageRanksInto(order, n, values, base, out);
  };
  let sum = 0, count = 0;
  for (let t = 0; t < nDates; t++) {
    const base = t * nSecurities;
    let n = 0;
    for (let i = 0; i < nSecurities; i++) {
      if (Number.isFinite(a[base + i]) && Number.isFinite(b[base + i])) ids[n++] = i;
    }
    if (n < minNames) continue;
    rank(a, base, n, ra);
    rank(b, base, n, rb);
    const r = pearsonOver(ra, rb, ids, n);
    if (Number.isFinite(r)) {
      sum += r;
      count++;
    }
  }
  return count ? sum / count : NaN;
}

/**
 * Pearson correlation of two daily return series matched on date (only dates both traded).
 * NaN with fewer than 3 common dates or a constant series.
 *
 * @example
 * ```ts
 * pnlCorrelation({ date: d, net: x }, { date: d, net: x }); // => 1
 * ```
 */
export function pnlCorrelation(
  a: { date: Float64Array; net: Float64Array },
  b: { date: Float64Array; net: Float64Array },
): number {
  const index = new Map<number, number>();
  b.date.forEach((d, k) => index.set(d, k));
  const xs = new Float64Array(a.date.length), ys = new Float64Array(a.date.length);
  const ids = new Int32Array(a.date.length);
  let n = 0;
  a.date.forEach((d, k) => {
    const j = index.get(d);
    if (j !== undefined && Number.isFinite(a.net[k]) && Number.isFinite(b.net[j])) {
      xs[n] = a.net[k];
      ys[n] = b.net[j];
      ids[n] = n;
      n++;
    }
  });
  return n < 3 ? NaN : pearsonOver(xs, ys, ids, n);
}
