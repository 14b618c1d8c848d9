/**
 * Fractile cuts on a sorted cross-section with average ranks: where a leg or bucket begins, found
 * without ranking every name and without ever splitting tied values by column order.
 */
import type { BacktestConfig } from "./types.ts";

/**
 * The first position `j` of a list of `n` names sorted ascending by value at which a name's score
 * `scale · (rank − 1) / n` reaches `threshold`, where `rank` is the AVERAGE rank (tied values share
 * the mean of their 1-based positions). Names before the cut score below the threshold, names from
 * it on at or above. Percentile legs use `scale = 100` (short: before `fractileCut(…, 100, lo)`,
 * long: from `fractileCut(…, 100, hi)`); bucket b of q starts at `fractileCut(…, q, b)`.
 *
 * Without ties this is the ordinal cut (the first j with `scale · j / n ≥ threshold`, evaluated in
 * exactly that floating-point form). A run of tied values straddling it moves as one block: all of it
 * goes to the side its average rank falls on. Only that run needs looking at: a run entirely before
 * the ordinal cut has an average below it, one entirely after an average above.
 *
 * @param ids the names, sorted ascending by `values[base + id]`
 * @example
 * ```ts
 * const values = Float64Array.of(1, 2, 3, 3, 5); // ids 0..4 in this order
 * fractileCut(Int32Array.of(0, 1, 2, 3, 4), 5, values, 0, 100, 50); // => 2: the tied 3s average rank 3.5 (score 50)
 * ```
 */
export function fractileCut(
  ids: Int32Array,
  n: number,
  values: Float64Array,
  base: number,
  scale: number,
  threshold: number,
): number {
  let j = Math.min(n, Math.max(0, Math.ceil((threshold * n) / scale)));
  while (j > 0 && (scale * (j - 1)) / n >= threshold) j--;
  while (j < n && (scale * j) / n < threshold) j++;
  if (j === 0 || j === n) return j;
  const v = values[base + ids[j]];
  if (values[base + ids[j - 1]] !== v) return j;
  let a = j - 1, e = j + 1;
  while (a > 0 && values[base + ids[a - 1]] === v) a--;
  while (e < n && values[base + ids[e]] === v) e++;
  return (scale * ((a + e - 1) / 2)) / n >= threshold ? a : e;
}

/**
 * A configuration's leg edges as `fractileCut` thresholds: percentiles `[lo, hi]` give scale 100
 * (short below lo, long from hi); q buckets give scale q (short below 1, long from q − 1).
 */
export interface LegEdges {
  readonly scale: number;
  readonly lo: number;
  readonly hi: number;
  readonly mincos: number;
}

/**
 * The leg edges of a backtest configuration.
 *
 * @example
 * ```ts
 * legEdges({ fractile: [10, 90], mincos: 10 }); // => { scale: 100, lo: 10, hi: 90, mincos: 10 }
 * legEdges({ fractile: 5, mincos: 10 }); // => { scale: 5, lo: 1, hi: 4, mincos: 10 }
 * ```
 */
export function legEdges(config: Pick<BacktestConfig, "fractile" | "mincos">): LegEdges {
  const f = config.fractile;
  return typeof f === "number"
    ? { scale: f, lo: 1, hi: f - 1, mincos: config.mincos }
    : { scale: 100, lo: f[0], hi: f[1], mincos: config.mincos };
}

/**
 * The legs among `n` valid names sorted ascending by `values[base + id]`, with average ranks: short
 * = positions `[0, out[0])`, long = `[out[1], n)`. Returns TRADED, or — with `out = [0, n]`, no
 * position — SKIPPED (fewer than mincos names, or an empty leg) or TIED (an empty leg only because
 * tied values may not be split: ordinal ranks would have filled both).
 */
export function legCuts(
  ids: Int32Array,
  n: number,
  values: Float64Array,
  base: number,
  edges: LegEdges,
  out: Int32Array,
): number {
  const { scale, lo, hi } = edges;
  out[0] = 0;
  out[1] = n;
  if (n < edges.mincos) return SKIPPED;
  const shortEnd = fractileCut(ids, n, values, base, scale, lo);
  const longStart = fractileCut(ids, n, values, base, scale, hi);
  if (shortEnd > 0 && longStart < n) {
    out[0] = shortEnd;
    out[1] = longStart;
    return TRADED;
  }
  // Ordinal ranks fill both legs when lo > 0 and the top name's score reaches hi.
  return lo > 0 && (scale * (n - 1)) / n >= hi ? TIED : SKIPPED;
}

/** Outcomes of `legCuts` for one date. */
export const TRADED = 0, SKIPPED = 1, TIED = 2;
