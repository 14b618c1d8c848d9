/**
 * Per-date ranking of a factor-data matrix (private to `lib/factor`): one stable sort per date gives
 * both the average ranks (ties share their mean rank, scipy's `rankdata`) and the sorted order, from
 * which the ranks within each group follow by a linear scan — no second sort.
 */

import { averageRanksInto } from "../engine/rank.ts";
import { sortByKey } from "../engine/sort.ts";

/** Sorted universe columns per date (aligned with `rows.start`) and the `T × N` average ranks. */
export interface RankedRows {
  /** Date t's universe columns ascending by value: `order[start[t] .. start[t + 1])`. */
  readonly order: Int32Array;
  /** 1-based average ranks within each date's universe, NaN outside it. */
  readonly ranks: Float64Array;
}

/**
 * Ranks `values` within each date's universe `rows` (finite values only, as the universe holds).
 *
 * @example
 * ```ts
 * const { order, ranks } = rankRows(data.factor, data.rows, data.securityIds.length);
 * ```
 */
export function rankRows(
  values: Float64Array,
  rows: { readonly start: Int32Array; readonly cols: Int32Array },
  nS: number,
): RankedRows {
  const { start, cols } = rows;
  const nT = start.length - 1;
  const order = new Int32Array(cols.length);
  const ranks = new Float64Array(values.length).fill(NaN);
  const keys = new Float64Array(nS), ids = new Int32Array(nS), row = new Float64Array(nS);
  for (let t = 0; t < nT; t++) {
    const n = start[t + 1] - start[t], base = t * nS;
    if (n === 0) continue;
    for (let j = 0; j < n; j++) {
      ids[j] = cols[start[t] + j];
      keys[j] = values[base + ids[j]];
    }
    sortByKey(keys, ids, n);
    averageRanksInto(ids, n, values, base, row);
    for (let j = 0; j < n; j++) {
      order[start[t] + j] = ids[j];
      ranks[base + ids[j]] = row[ids[j]];
    }
  }
  return { order, ranks };
}

/**
 * Average ranks within each group of one date, from that date's sorted order `sorted[0..n)`:
 * the names of each group keep their relative order, so each group's slice is sorted too. Writes
 * `out[i]` for every name and fills `byGroup` (scratch, ≥ n) with the names grouped, returning
 * each group's start offset into it (length G + 1).
 */
export function groupRanks(
  sorted: Int32Array,
  n: number,
  groups: Int32Array,
  nGroups: number,
  values: Float64Array,
  base: number,
  out: Float64Array,
  byGroup: Int32Array,
  offsets: Int32Array,
): Int32Array {
  offsets.fill(0);
  for (let j = 0; j < n; j++) offsets[groups[sorted[j]] + 1]++;
  for (let g = 0; g < nGroups; g++) offsets[g + 1] += offsets[g];
  const fill = offsets.slice(0, nGroups);
  for (let j = 0; j < n; j++) byGroup[fill[groups[sorted[j]]]++] = sorted[j];
  for (let g = 0; g < nGroups; g++) {
    const m = offsets[g + 1] - offsets[g];
    if (m > 0) averageRanksInto(byGroup.subarray(offsets[g], offsets[g + 1]), m, values, base, out);
  }
  return offsets;
}
