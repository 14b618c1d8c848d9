/**
 * The event-study view of a factor (Alphalens' `average_cumulative_return_by_quantile`): the average
 * cumulative return of each quantile's names from `before` bars before the factor date to `after`
 * bars after it, relative to the price at the factor date.
 */

import type { Panel } from "../panel/types.ts";
import { priceIndex } from "./forward_returns.ts";
import type { FactorData } from "./prepare.ts";

/** Average cumulative return paths by quantile around the factor dates. */
export interface EventReturns {
  /** Offsets in bars, `-before … after` (0 = the factor date). */
  readonly offsets: Int32Array;
  /** `Q × K` row-major: mean over dates of the quantile's mean path. */
  readonly mean: Float64Array;
  /** `Q × K`: standard deviation (ddof 1) over dates of the quantile's mean path. */
  readonly std: Float64Array;
}

/**
 * For every date and every name of the universe, the path `price[t + k] / price[t] - 1` for
 * k = -before..after (NaN where a price is missing or the window leaves the panel); with `demeaned`
 * (default) minus the mean path of the date's universe (with `groupAdjust`, of the name's group) at
 * each offset; then per date the mean path of each quantile, and per quantile the mean and standard
 * deviation of those paths over dates. This is Alphalens 0.3's definition (`common_start_returns`
 * on prices, `series / series.loc[0] - 1`): every path starts at 0 on the factor date. Alphalens 0.4
 * dropped that division and averages whatever frame it is given at each offset (daily returns give
 * the mean daily return per offset, not a cumulative one).
 *
 * @example
 * ```ts
 * const ev = eventReturns(panel, data, { before: 5, after: 15 });
 * ev.mean[(q - 1) * ev.offsets.length + k]; // quantile q, offset ev.offsets[k]
 * ```
 */
export function eventReturns(
  panel: Panel,
  data: FactorData,
  options: {
    readonly before?: number;
    readonly after?: number;
    readonly demeaned?: boolean;
    readonly groupAdjust?: boolean;
  } = {},
): EventReturns {
  const { before = 5, after = 15, demeaned = true, groupAdjust = false } = options;
  for (const [name, v] of [["before", before], ["after", after]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`${name} must be an integer ≥ 0, found ${v}`);
  }
  if (groupAdjust && !data.groups) throw new RangeError("eventReturns with groupAdjust needs groups");
  const { price, chain } = priceIndex(panel);
  const nT = data.dates.length, nS = data.securityIds.length, Q = data.nQuantiles, K = before + after + 1;
  const { start, cols } = data.rows;
  const nG = groupAdjust ? data.groupNames.length : 1;
  const groupOf = (i: number) => (groupAdjust ? data.groups![i] : 0);
  // per date: raw sums and counts per (quantile, group, offset) and per (group, offset); the
  // demeaned quantile mean is Σ(v - mean_g) / n = (Σv - Σ_g n_qg mean_g) / n
  const qgSum = new Float64Array(Q * nG * K), qgCount = new Int32Array(Q * nG * K);
  const gSum = new Float64Array(nG * K), gCount = new Int32Array(nG * K);
  const sum = new Float64Array(Q * K), ss = new Float64Array(Q * K), n = new Int32Array(Q * K);
  const perDate: Float64Array[] = [];
  // per name of the date's universe: its day-0 price, chain, and where its sums go; per (quantile,
  // group) cell and per group, the names with a day-0 price
  const names = new Int32Array(nS), p0 = new Float64Array(nS), chain0 = new Int32Array(nS);
  const qgBase = new Int32Array(nS), gBase = new Int32Array(nS);
  const cellCount = new Int32Array(Q * nG), groupCount = new Int32Array(nG);
  for (let t = 0; t < nT; t++) {
    const m = start[t + 1] - start[t];
    if (m === 0) continue;
    qgSum.fill(0);
    qgCount.fill(0);
    gSum.fill(0);
    gCount.fill(0);
    cellCount.fill(0);
    groupCount.fill(0);
    const b0 = t * nS;
    // the names with a day-0 price (no path without one), in universe order
    let priced = 0;
    for (let j = 0; j < m; j++) {
      const i = cols[start[t] + j], g = groupOf(i);
      if (!(price[b0 + i] > 0)) continue;
      names[priced] = i;
      p0[priced] = price[b0 + i];
      chain0[priced] = chain ? chain[b0 + i] : 0;
      const cell = (data.quantile[b0 + i] - 1) * nG + g;
      cellCount[cell]++;
      groupCount[g]++;
      qgBase[priced] = cell * K;
      gBase[priced++] = g * K;
    }
    // the offsets inside the panel; their counts start at every priced name and lose those without
    // a price (or on another chain) at the offset
    const kLo = Math.max(0, before - t), kHi = Math.min(K, nT - t + before);
    for (let k = kLo; k < kHi; k++) {
      for (let c = 0; c < Q * nG; c++) qgCount[c * K + k] = cellCount[c];
      for (let g = 0; g < nG; g++) gCount[g * K + k] = groupCount[g];
    }
    // two offsets per walk over the names (each sum still takes its names in universe order; one
    // group's sums in locals)
    for (let k = kLo; k < kHi; k += 2) {
      const two = k + 1 < kHi, bs = (t + k - before) * nS, bs2 = bs + nS;
      let all = 0, all2 = 0;
      for (let j = 0; j < priced; j++) {
        const i = names[j], pz = p0[j], qb = qgBase[j] + k, gb = gBase[j] + k;
        const ps = price[bs + i];
        if (!(ps > 0) || (chain && chain[bs + i] !== chain0[j])) {
          qgCount[qb]--;
          gCount[gb]--;
        } else {
          const v = ps / pz - 1;
          qgSum[qb] += v;
          if (nG === 1) all += v;
          else gSum[gb] += v;
        }
        if (!two) continue;
        const ps2 = price[bs2 + i];
        if (!(ps2 > 0) || (chain && chain[bs2 + i] !== chain0[j])) {
          qgCount[qb + 1]--;
          gCount[gb + 1]--;
        } else {
          const v = ps2 / pz - 1;
          qgSum[qb + 1] += v;
          if (nG === 1) all2 += v;
          else gSum[gb + 1] += v;
        }
      }
      if (nG === 1) {
        gSum[k] = all;
        if (two) gSum[k + 1] = all2;
      }
    }
    const means = new Float64Array(Q * K).fill(NaN);
    for (let q = 0; q < Q; q++) {
      for (let k = 0; k < K; k++) {
        let raw = 0, count = 0, offset = 0;
        for (let g = 0; g < nG; g++) {
          const j = (q * nG + g) * K + k, c = qgCount[j];
          if (c === 0) continue;
          raw += qgSum[j];
          count += c;
          if (demeaned || groupAdjust) offset += c * (gSum[g * K + k] / gCount[g * K + k]);
        }
        if (count === 0) continue;
        const m = (raw - offset) / count;
        means[q * K + k] = m;
        sum[q * K + k] += m;
        n[q * K + k]++;
      }
    }
    perDate.push(means);
  }
  const mean = new Float64Array(Q * K).fill(NaN), std = new Float64Array(Q * K).fill(NaN);
  for (let j = 0; j < Q * K; j++) if (n[j]) mean[j] = sum[j] / n[j];
  for (const means of perDate) {
    for (let j = 0; j < Q * K; j++) if (!Number.isNaN(means[j])) ss[j] += (means[j] - mean[j]) ** 2;
  }
  for (let j = 0; j < Q * K; j++) if (n[j] > 1) std[j] = Math.sqrt(ss[j] / (n[j] - 1));
  return { offsets: Int32Array.from({ length: K }, (_, k) => k - before), mean, std };
}
