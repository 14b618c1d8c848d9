/**
 * Turnover analysis (Alphalens' `quantile_turnover` and `factor_rank_autocorrelation`): how many
 * names are new to a quantile after `lag` dates, and how stable the factor's ranks are.
 */

import { type RankedRows, rankRows } from "./_rank.ts";
import type { FactorData } from "./prepare.ts";

/**
 * Quantile turnover per date (Alphalens' `quantile_turnover(quantile, period=lag)`): the share of
 * the names in `quantile` at a date that were not in it `lag` dates earlier, where dates count
 * along the dates on which the quantile has names. NaN where the quantile is empty or fewer than
 * `lag` earlier such dates exist. `T`-long.
 *
 * @example
 * ```ts
 * const top = quantileTurnover(data, data.nQuantiles, 5); // top-quantile turnover at lag 5
 * ```
 */
export function quantileTurnover(data: FactorData, quantile: number, lag = 1): Float64Array {
  if (!(quantile >= 1 && quantile <= data.nQuantiles)) {
    throw new RangeError(`quantile must be in 1..${data.nQuantiles}, found ${quantile}`);
  }
  return quantileTurnovers(data, lag)[quantile - 1];
}

/**
 * `quantileTurnover` of every quantile at one lag, in one pass over the data (index q - 1).
 *
 * @example
 * ```ts
 * const [bottom, , , , top] = quantileTurnovers(data, 1);
 * ```
 */
export function quantileTurnovers(data: FactorData, lag = 1): Float64Array[] {
  if (!Number.isInteger(lag) || lag < 1) throw new RangeError(`lag must be an integer ≥ 1, found ${lag}`);
  const nT = data.dates.length, nS = data.securityIds.length, Q = data.nQuantiles;
  const { start, cols } = data.rows;
  const label = data.quantile;
  const counts = new Int32Array(nT * Q);
  for (let t = 0; t < nT; t++) {
    for (let p = start[t]; p < start[t + 1]; p++) counts[t * Q + label[t * nS + cols[p]] - 1]++;
  }
  // the date `lag` active dates back, per quantile, for every date the quantile is active on
  const back = new Int32Array(nT * Q).fill(-1);
  const active = new Int32Array(nT);
  for (let q = 0; q < Q; q++) {
    let nActive = 0;
    for (let t = 0; t < nT; t++) {
      if (counts[t * Q + q] === 0) continue;
      if (nActive >= lag) back[t * Q + q] = active[nActive - lag];
      active[nActive++] = t;
    }
  }
  const fresh = new Int32Array(Q);
  const out = Array.from({ length: Q }, () => new Float64Array(nT).fill(NaN));
  for (let t = 0; t < nT; t++) {
    fresh.fill(0);
    const row = t * nS, bq = t * Q;
    for (let p = start[t]; p < start[t + 1]; p++) {
      const i = cols[p], q = label[row + i] - 1, before = back[bq + q];
      if (before >= 0 && label[before * nS + i] !== q + 1) fresh[q]++;
    }
    for (let q = 0; q < Q; q++) if (back[bq + q] >= 0) out[q][t] = fresh[q] / counts[bq + q];
  }
  return out;
}

/**
 * Factor rank autocorrelation per date (Alphalens' `factor_rank_autocorrelation(period=lag)`): the
 * Pearson correlation between each name's cross-sectional rank at a date and its rank `lag` dates
 * earlier (dates counted along the dates with a universe), over the names ranked on both; ranks are
 * average ranks within each date's universe (not re-ranked on the common names). Near 1 = a slow
 * factor (low turnover), 0 = reshuffled every period. NaN with fewer than 2 common names. `T`-long.
 * `factorRanks` reuses a `rankRows` of the factor computed elsewhere.
 *
 * @example
 * ```ts
 * factorRankAutocorrelation(data, 1); // day-over-day rank stability
 * ```
 */
export function factorRankAutocorrelation(
  data: FactorData,
  lag = 1,
  factorRanks: RankedRows = rankRows(data.factor, data.rows, data.securityIds.length),
): Float64Array {
  if (!Number.isInteger(lag) || lag < 1) throw new RangeError(`lag must be an integer ≥ 1, found ${lag}`);
  const nT = data.dates.length, nS = data.securityIds.length;
  const { start, cols } = data.rows;
  const { ranks } = factorRanks;
  const active: number[] = [];
  for (let t = 0; t < nT; t++) if (start[t + 1] > start[t]) active.push(t);
  const out = new Float64Array(nT).fill(NaN);
  for (let k = lag; k < active.length; k++) {
    const t = active[k], before = active[k - lag];
    let n = 0, sa = 0, sb = 0;
    for (let p = start[t]; p < start[t + 1]; p++) {
      const i = cols[p], b = ranks[before * nS + i];
      if (Number.isNaN(b)) continue;
      sa += ranks[t * nS + i];
      sb += b;
      n++;
    }
    if (n < 2) continue;
    const ma = sa / n, mb = sb / n;
    let sab = 0, saa = 0, sbb = 0;
    for (let p = start[t]; p < start[t + 1]; p++) {
      const i = cols[p], b = ranks[before * nS + i];
      if (Number.isNaN(b)) continue;
      const da = ranks[t * nS + i] - ma, db = b - mb;
      sab += da * db;
      saa += da * da;
      sbb += db * db;
    }
    out[t] = saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
  }
  return out;
}
