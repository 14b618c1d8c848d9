/**
 * Per-date ranking of a factor-data matrix (private to `lib/factor`): one sort per date gives
 * both the average ranks (ties share their mean rank, scipy's `rankdata`) and the sorted order, from
 * which the ranks within each group follow by a linear scan — no second sort.
 */

import { averageRanksInto } from "../engine/rank.ts";

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
  const keys = new Float64Array(nS), ids = new Int32Array(nS);
  for (let t = 0; t < nT; t++) {
    const n = start[t + 1] - start[t], base = t * nS;
    if (n === 0) continue;
    for (let j = 0; j < n; j++) {
      ids[j] = cols[start[t] + j];
      keys[j] = values[base + ids[j]];
    }
    sortPairs(keys, ids, 0, n);
    order.set(ids.subarray(0, n), start[t]);
    // average ranks straight from the sorted keys (`averageRanksInto` on the same order)
    for (let j = 0; j < n;) {
      let k = j + 1;
      while (k < n && keys[k] === keys[j]) k++;
      const rank = (j + 1 + k) / 2;
      for (; j < k; j++) ranks[base + ids[j]] = rank;
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

/**
 * Sorts `keys[lo..hi)` ascending with `ids` moved alongside: quicksort (median of three, Hoare
 * partition) with insertion sort below 24 keys. Not stable; the ranks built on it average over ties,
 * so the order among equal keys does not matter. About 2.5× faster than the engine's radix sort on
 * a date's few hundred to few thousand names.
 */
function sortPairs(keys: Float64Array, ids: Int32Array, lo: number, hi: number): void {
  while (hi - lo > 24) {
    const a = keys[lo], b = keys[(lo + hi) >>> 1], c = keys[hi - 1];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
    let i = lo, j = hi - 1;
    while (i <= j) {
      while (keys[i] < pivot) i++;
      while (keys[j] > pivot) j--;
      if (i <= j) {
        const k = keys[i];
        keys[i] = keys[j];
        keys[j] = k;
        const d = ids[i];
        ids[i] = ids[j];
        ids[j] = d;
        i++;
        j--;
      }
    }
    if (j - lo < hi - i) {
      sortPairs(keys, ids, lo, j + 1);
      lo = i;
    } else {
      sortPairs(keys, ids, i, hi);
      hi = j + 1;
    }
  }
  for (let a = lo + 1; a < hi; a++) {
    const k = keys[a], id = ids[a];
    let b = a - 1;
    while (b >= lo && keys[b] > k) {
      keys[b + 1] = keys[b];
      ids[b + 1] = ids[b];
      b--;
    }
    keys[b + 1] = k;
    ids[b + 1] = id;
  }
}
