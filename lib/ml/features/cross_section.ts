/** Cross-sectional transforms per date: industry demeaning and standardisation (z-score or rank). */
import { averageRanksInto } from "../../engine/rank.ts";
import { sortByKey } from "../../engine/sort.ts";

/**
 * `x − mean(x over the same industry that date)` for every finite cell; the mean is over the finite
 * cells of the industry (the security included), and "" is an industry of its own.
 *
 * @example
 * ```ts
 * industryDemean(Float64Array.of(0.1, 0.3, 0.2), 1, ["a", "a", "b"]); // => [-0.1, 0.1, 0]
 * ```
 */
export function industryDemean(x: Float64Array, nDates: number, industries: readonly string[]): Float64Array {
  const nS = industries.length;
  const codes = new Map<string, number>();
  const group = Int32Array.from(industries, (name) => {
    if (!codes.has(name)) codes.set(name, codes.size);
    return codes.get(name)!;
  });
  const sum = new Float64Array(codes.size), count = new Float64Array(codes.size);
  const out = new Float64Array(x.length).fill(NaN);
  for (let t = 0; t < nDates; t++) {
    sum.fill(0);
    count.fill(0);
    const base = t * nS;
    for (let i = 0; i < nS; i++) {
      const v = x[base + i];
      if (Number.isFinite(v)) {
        sum[group[i]] += v;
        count[group[i]]++;
      }
    }
    for (let i = 0; i < nS; i++) {
      const v = x[base + i];
      if (Number.isFinite(v)) out[base + i] = v - sum[group[i]] / count[group[i]];
    }
  }
  return out;
}

/**
 * Standardises each date's finite values across securities: `zscore` → `(x − mean) / std` (ddof 1,
 * NaN when fewer than 2 values or a flat date), `rank` → average rank / count in (0, 1] (pandas
 * `groupby(date).rank(pct=True)`).
 *
 * @example
 * ```ts
 * standardizeByDate(Float64Array.of(1, 2, 3), 1, 3, "zscore"); // => [-1, 0, 1]
 * standardizeByDate(Float64Array.of(5, 1, 5), 1, 3, "rank"); // => [0.8333, 0.3333, 0.8333]
 * ```
 */
export function standardizeByDate(
  x: Float64Array,
  nDates: number,
  nSecurities: number,
  method: "zscore" | "rank",
): Float64Array {
  const nS = nSecurities;
  const out = new Float64Array(x.length).fill(NaN);
  const keys = new Float64Array(nS), ids = new Int32Array(nS), ranks = new Float64Array(nS);
  for (let t = 0; t < nDates; t++) {
    const base = t * nS;
    let n = 0;
    for (let i = 0; i < nS; i++) {
      if (Number.isFinite(x[base + i])) {
        keys[n] = x[base + i];
        ids[n++] = i;
      }
    }
    if (method === "rank") {
      if (n === 0) continue;
      sortByKey(keys, ids, n);
      averageRanksInto(ids, n, x, base, ranks);
      for (let j = 0; j < n; j++) out[base + ids[j]] = ranks[ids[j]] / n;
      continue;
    }
    if (n < 2) continue;
    let sum = 0;
    for (let j = 0; j < n; j++) sum += keys[j];
    const mean = sum / n;
    let ss = 0;
    for (let j = 0; j < n; j++) ss += (keys[j] - mean) ** 2;
    const sd = Math.sqrt(ss / (n - 1));
    if (!(sd > 0)) continue;
    for (let j = 0; j < n; j++) out[base + ids[j]] = (keys[j] - mean) / sd;
  }
  return out;
}
