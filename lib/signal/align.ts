/**
 * Alignment: which trading day's return each signal value earns. No path lets a value earn a return
 * realised before it could be known.
 *
 * Timing, with `k` the day a value becomes known and `L` the lag:
 * 1. Known: a row is known at the close of the first trading day `k` with `dates[k] >= date_avail`
 *    (`knownMatrix`). Daily dates are UTC midnights, so an intraday `date_avail` (say 08:00) maps to
 *    the NEXT trading day — conservative by design.
 * 2. Held: a value known at the close of day `k` is held on day `k + 1 + L` and earns
 *    `ret[k + 1 + L]`, the close-to-close return from close `k + L` to close `k + 1 + L`
 *    (`alignKnown`). With `L = 0` it never sees `ret[k]`, the return realised up to the close at
 *    which it became known.
 * 3. From the open (`fromOpen` in the engine): the position is traded at the OPEN of day `k + 1 + L`.
 *    That day it earns the open-to-close return `ret_oc = close / open - 1`; the position it
 *    replaces earns the overnight return `adj_open[d] / adj_close[d - 1] - 1` of that day `d`. With
 *    daily rebalancing a name held on consecutive days therefore earns overnight + open-to-close,
 *    i.e. close-to-close up to the cross term (returns add across the two legs of a day).
 */
export { lowerBound } from "../util/bisect.ts";
import { lowerBoundCursor } from "../util/bisect.ts";
import { sharedFloat64 } from "../util/shared.ts";
import type { Panel } from "../panel/types.ts";
import type { Signal } from "./types.ts";

/**
 * Dense matrix of signal values known at the close of each date: `T × N`, date-major
 * (`t * nSecurities + i`), NaN where nothing became known. A row lands at the first trading day `t`
 * with `dates[t] >= date_avail` (default `date_sig`); rows of unknown securities or known after the
 * last date are dropped. When several rows land on one cell, the one with the latest `date_sig`
 * wins (on equal `date_sig`, the later row). Values are not carried forward to later days.
 *
 * One pass over the rows: trading days come from a merge cursor over the sorted calendar (O(1) per
 * row for files sorted by date, or by security then date) and a run of rows of one security looks
 * its column up once. The matrix lives in shared memory (suites hand it to workers without a copy).
 *
 * @example
 * ```ts
 * // dates d0 < d1 < d2; a row with date_sig = d0 and date_avail between d0 and d1 lands on d1:
 * const known = knownMatrix(panel, { security_id: ["A"], date_sig: [d0], date_avail: [d0 + 1], signal: [2] });
 * known[1 * panel.securityIds.length + 0]; // => 2
 * ```
 */
export function knownMatrix(panel: Panel, signal: Signal): Float64Array {
  const { dates } = panel;
  const nT = dates.length, nS = panel.securityIds.length;
  const index = securityIndex(panel);
  const known = sharedFloat64(nT * nS).fill(NaN);
  const winner = new Int32Array(nT * nS).fill(-1); // the row that set each cell
  const { security_id: ids, date_sig: sig, signal: values } = signal;
  const avail = signal.date_avail ?? sig;
  const dayOf = lowerBoundCursor(dates);
  let lastId: string | undefined, i = -1;
  for (let r = 0; r < values.length; r++) {
    const t = dayOf(avail[r]);
    if (ids[r] !== lastId) {
      lastId = ids[r];
      i = index.get(lastId) ?? -1;
    }
    if (i < 0 || t >= nT) continue;
    const cell = t * nS + i, w = winner[cell];
    if (w < 0 || sig[r] >= sig[w]) {
      winner[cell] = r;
      known[cell] = values[r];
    }
  }
  return known;
}

/**
 * Shifts a known matrix to the days its values are held: `held[t] = known[t - 1 - lag]` (row-wise),
 * NaN on the first `1 + lag` days. A value known at the close of day `k` is held on day `k + 1 + lag`
 * and earns `ret[k + 1 + lag]`.
 *
 * @example
 * ```ts
 * alignKnown(Float64Array.of(1, 2, 3), 3, 1, 0); // => [NaN, 1, 2]
 * alignKnown(Float64Array.of(1, 2, 3), 3, 1, 1); // => [NaN, NaN, 1]
 * ```
 */
export function alignKnown(
  known: Float64Array,
  nDates: number,
  nSecurities: number,
  lag: number,
): Float64Array {
  if (!Number.isInteger(lag) || lag < 0) throw new RangeError(`lag must be an integer ≥ 0, found ${lag}`);
  if (known.length !== nDates * nSecurities) {
    throw new RangeError(`known matrix has ${known.length} cells, expected ${nDates} × ${nSecurities}`);
  }
  const held = new Float64Array(known.length).fill(NaN);
  const shift = (1 + lag) * nSecurities;
  if (shift < known.length) held.set(known.subarray(0, known.length - shift), shift);
  return held;
}

/**
 * Map from security_id to its column in the panel.
 *
 * @example
 * ```ts
 * securityIndex(panel).get("B"); // => 1 when securityIds = ["A", "B"]
 * ```
 */
export function securityIndex(panel: Pick<Panel, "securityIds">): Map<string, number> {
  const index = new Map<string, number>();
  panel.securityIds.forEach((id, i) => index.set(id, i));
  return index;
}
