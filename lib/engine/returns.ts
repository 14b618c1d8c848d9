/**
 * The returns a position earns: close-to-close, or — trading at the open — open-to-close on the
 * first day and overnight for the position it replaces.
 */
import { field, type Panel } from "../panel/types.ts";

/** Returns earned by positions: `earned[t]` by the position entered for day t, `overnight[t]` by the one left. */
export interface EarnedReturns {
  /** `ret` (close-to-close), or `ret_oc` (open-to-close) when trading at the open. */
  readonly earned: Float64Array;
  /** Trading at the open: overnight return of day t, `(1 + ret) / (1 + ret_oc) − 1`; else null. */
  readonly overnight: Float64Array | null;
}

/**
 * The return matrices a backtest earns. Close-to-close: `ret`. From the open: `ret_oc` (or
 * `close / open − 1` when the panel has no `ret_oc`) for the day a position is entered, and the
 * overnight return `adj_open[t] / adj_close[t−1] − 1 = (1 + ret[t]) / (1 + ret_oc[t]) − 1` for the
 * position it replaces (the identity holds because both prices of a day carry the same adjustment).
 *
 * @example
 * ```ts
 * // ret 0.10 and ret_oc 0.05 on a day ⇒ overnight 1.10 / 1.05 − 1 ≈ 0.047619
 * const { earned, overnight } = earnedReturns(panel, true);
 * ```
 */
export function earnedReturns(panel: Panel, fromOpen: boolean): EarnedReturns {
  const ret = field(panel, "ret");
  if (!fromOpen) return { earned: ret, overnight: null };
  let oc = panel.fields.ret_oc;
  if (!oc) {
    if (!panel.fields.open || !panel.fields.close) {
      throw new RangeError(
        `fromOpen needs a "ret_oc" field or "open" and "close"; fields present: ${
          Object.keys(panel.fields).join(", ")
        }`,
      );
    }
    const open = panel.fields.open, close = panel.fields.close;
    oc = new Float64Array(ret.length);
    for (let c = 0; c < oc.length; c++) oc[c] = close[c] / open[c] - 1;
  }
  const overnight = new Float64Array(ret.length);
  for (let c = 0; c < ret.length; c++) overnight[c] = (1 + ret[c]) / (1 + oc[c]) - 1;
  return { earned: oc, overnight };
}
