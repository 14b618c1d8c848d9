import { lowerBound } from "../util/bisect.ts";
import { sharedFloat64 } from "../util/shared.ts";

/**
 * Back-adjustment of raw prices for splits and cash dividends (the CRSP / Yahoo "Adj Close"
 * convention), on typed arrays.
 *
 * For each corporate action with ex-date e, every price strictly before e is multiplied by
 * - a split of ratio s (shares after / shares before): `1 / s`;
 * - a cash dividend D: `1 − D / close_prev`, where `close_prev` is the last raw close before e.
 * The adjustment factor of a date is the product over all actions after it, so the latest prices
 * are unadjusted and `adj = raw × factor`. The adjusted close-to-close return is then
 * `ret_t = adj_close_t / adj_close_{t−1} − 1`, which on a split ex-date equals
 * `s · close_e / close_{e−1} − 1` and on a dividend ex-date `close_e / (close_{e−1} − D) − 1`.
 */

/** One corporate action of one security. */
export interface Action {
  ex_date: number;
  kind: "split" | "dividend";
  value: number;
}

/**
 * Adjustment factors for one security's price column, read with a stride from a date-major matrix
 * (`stride = nSecurities`, `offset = i`; for a plain series use 1 and 0). Missing closes (NaN) get a
 * factor too; an action before the first price has nothing to adjust.
 *
 * @example
 * ```ts
 * // 2-for-1 split on day 2: the day-0 and day-1 closes are halved.
 * adjustmentFactors([1, 2, 3], [100, 102, 52], [{ ex_date: 3, kind: "split", value: 2 }]);
 * // => Float64Array [0.5, 0.5, 1]
 * ```
 */
export function adjustmentFactors(
  dates: ArrayLike<number>,
  close: ArrayLike<number>,
  actions: readonly Action[],
  stride = 1,
  offset = 0,
): Float64Array {
  const { rows, factors: steps } = factorSteps(dates, close, actions, stride, offset);
  const factors = new Float64Array(dates.length);
  let k = 0;
  for (let t = 0; t < dates.length; t++) {
    while (k < rows.length && rows[k] <= t) k++;
    factors[t] = steps[k];
  }
  return factors;
}

/**
 * The adjustment factor as a step function of the row: `rows` are the actions' ex-date rows
 * (ascending; the first row on or after each ex-date) and `factors[k]` is the factor in force on the
 * rows before `rows[k]` and from `rows[k − 1]` on (`factors[rows.length]` = 1 after the last action).
 */
function factorSteps(
  dates: ArrayLike<number>,
  close: ArrayLike<number>,
  actions: readonly Action[],
  stride: number,
  offset: number,
): { rows: Int32Array; factors: Float64Array } {
  const sorted = [...actions].sort((a, b) => a.ex_date - b.ex_date);
  const rows = Int32Array.from(sorted, (a) => lowerBound(dates, a.ex_date));
  const factors = new Float64Array(sorted.length + 1).fill(1);
  for (let k = sorted.length - 1; k >= 0; k--) {
    factors[k] = factors[k + 1] *
      actionFactor(sorted[k], lastCloseBefore(dates, close, stride, offset, rows[k] - 1));
  }
  return { rows, factors };
}

function actionFactor(action: Action, closePrev: number): number {
  if (action.kind === "split") return 1 / action.value;
  return Number.isFinite(closePrev) && closePrev > 0 ? 1 - action.value / closePrev : 1;
}

/** The last finite close at or before row t (NaN when there is none). */
function lastCloseBefore(
  dates: ArrayLike<number>,
  close: ArrayLike<number>,
  stride: number,
  offset: number,
  t: number,
): number {
  for (let k = t; k >= 0 && k < dates.length; k--) {
    const c = close[k * stride + offset];
    if (!Number.isNaN(c)) return c;
  }
  return NaN;
}

/** Adjusted fields of a date-major panel, computed from raw prices and actions. */
export interface AdjustedFields {
  adj_close: Float64Array;
  adj_open: Float64Array;
  ret: Float64Array;
  ret_oc: Float64Array;
}

/** The fields `adjustPanel` can derive, in its default order. */
export const ADJUSTED_FIELDS: readonly (keyof AdjustedFields)[] = ["adj_close", "adj_open", "ret", "ret_oc"];

/**
 * Adjusts a date-major panel's raw `close`/`open` for each security's actions and derives `ret`
 * (adjusted close-to-close, measured from the security's last valid close, NaN on its first day)
 * and `ret_oc` (same-day open-to-close, `close / open − 1`). Only the `fields` asked for (default:
 * all four) are computed and returned, in shared memory (as panels keep them); `open` is read only
 * for `adj_open` and `ret_oc`.
 *
 * @example
 * ```ts
 * const { ret } = adjustPanel(dates, 1, close, open, [[{ ex_date, kind: "dividend", value: 1 }]], ["ret"]);
 * ```
 */
export function adjustPanel<K extends keyof AdjustedFields = keyof AdjustedFields>(
  dates: Float64Array,
  nSecurities: number,
  close: Float64Array,
  open: Float64Array,
  actions: readonly (readonly Action[])[],
  fields: readonly K[] = ADJUSTED_FIELDS as readonly K[],
): Pick<AdjustedFields, K> {
  const nT = dates.length;
  const cells = close.length;
  const wanted = new Set<keyof AdjustedFields>(fields);
  const adjClose = wanted.has("adj_close") ? sharedFloat64(cells) : null;
  const adjOpen = wanted.has("adj_open") ? sharedFloat64(cells) : null;
  const ret = wanted.has("ret") ? sharedFloat64(cells).fill(NaN) : null;
  const retOc = wanted.has("ret_oc") ? sharedFloat64(cells) : null;
  const steps = Array.from(
    { length: nSecurities },
    (_, i) => factorSteps(dates, close, actions[i] ?? [], nSecurities, i),
  );
  const next = new Int32Array(nSecurities); // actions already passed, per security
  const nextRow = new Int32Array(nSecurities); // row on which the factor next changes (nT: never)
  const factor = new Float64Array(nSecurities); // factor in force, per security
  const prev = new Float64Array(nSecurities).fill(NaN); // last adjusted close, per security
  for (let t = 0; t < nT; t++) {
    const base = t * nSecurities;
    for (let i = 0; i < nSecurities; i++) {
      if (t >= nextRow[i]) {
        const { rows, factors } = steps[i];
        let k = next[i];
        while (k < rows.length && rows[k] <= t) k++;
        next[i] = k;
        factor[i] = factors[k];
        nextRow[i] = k < rows.length ? rows[k] : nT;
      }
      const c = base + i;
      const f = factor[i];
      const a = close[c] * f;
      if (adjClose) adjClose[c] = a;
      if (adjOpen) adjOpen[c] = open[c] * f;
      if (retOc) retOc[c] = close[c] / open[c] - 1;
      if (ret && !Number.isNaN(a)) {
        if (!Number.isNaN(prev[i])) ret[c] = a / prev[i] - 1;
        prev[i] = a;
      }
    }
  }
  const all: Partial<AdjustedFields> = {};
  if (adjClose) all.adj_close = adjClose;
  if (adjOpen) all.adj_open = adjOpen;
  if (ret) all.ret = ret;
  if (retOc) all.ret_oc = retOc;
  return all as Pick<AdjustedFields, K>;
}
