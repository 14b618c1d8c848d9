import { spearman } from "../engine/rank.ts";

/**
 * Mean cross-sectional rank correlation of two signals: for each date, Spearman's correlation of
 * the two known matrices' rows over the names finite in both (dates with fewer than `minNames`
 * such names are skipped), averaged over dates. NaN when no date qualifies.
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
  let sum = 0, count = 0;
  for (let t = 0; t < nDates; t++) {
    const x = a.subarray(t * nSecurities, (t + 1) * nSecurities);
    const y = b.subarray(t * nSecurities, (t + 1) * nSecurities);
    let n = 0;
    for (let i = 0; i < nSecurities; i++) if (Number.isFinite(x[i]) && Number.isFinite(y[i])) n++;
    if (n < minNames) continue;
    const r = spearman(x, y);
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
  const xs: number[] = [], ys: number[] = [];
  a.date.forEach((d, k) => {
    const j = index.get(d);
    if (j !== undefined && Number.isFinite(a.net[k]) && Number.isFinite(b.net[j])) {
      xs.push(a.net[k]);
      ys.push(b.net[j]);
    }
  });
  const n = xs.length;
  if (n < 3) return NaN;
  const mx = xs.reduce((s, v) => s + v, 0) / n, my = ys.reduce((s, v) => s + v, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let k = 0; k < n; k++) {
    sxy += (xs[k] - mx) * (ys[k] - my);
    sxx += (xs[k] - mx) ** 2;
    syy += (ys[k] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}
