/** Rank information coefficient of predictions, date by date. */
import { spearman } from "../../engine/rank.ts";
import { mean, sampleStd } from "../../metrics/core.ts";
import type { IcResult } from "../../engine/types.ts";

/**
 * Daily rank IC of predictions: for each date, Spearman's correlation (average ranks for ties) of
 * the predicted score with the realised forward return over the rows of that date (rows with a NaN
 * on either side are left out; a date with fewer than two pairs gives NaN and is not counted). The
 * summary follows the engine's `IcResult`: `mean`, `std` (ddof 1), `ir = mean / std`,
 * `t_stat = ir · √(dates with an IC)`.
 *
 * `dateIndex[r]` is the panel date index of row `r`; `dates` maps indices to epoch ms.
 *
 * @example
 * ```ts
 * const ic = rankIcByDate(prediction, forwardReturn, rows.t, panel.dates);
 * ic.mean; // mean daily Spearman correlation
 * ```
 */
export function rankIcByDate(
  score: ArrayLike<number>,
  realized: ArrayLike<number>,
  dateIndex: Int32Array,
  dates: Float64Array,
): IcResult {
  if (score.length !== dateIndex.length || realized.length !== dateIndex.length) {
    throw new RangeError(
      `rankIcByDate: score (${score.length}), realized (${realized.length}) and dateIndex (${dateIndex.length}) must have one value per row`,
    );
  }
  const byDate = new Map<number, number[]>();
  for (let r = 0; r < dateIndex.length; r++) {
    let list = byDate.get(dateIndex[r]);
    if (!list) byDate.set(dateIndex[r], list = []);
    list.push(r);
  }
  const ts = [...byDate.keys()].sort((a, b) => a - b);
  const date = new Float64Array(ts.length);
  const ic = new Float64Array(ts.length);
  ts.forEach((t, k) => {
    const rows = byDate.get(t)!;
    date[k] = dates[t];
    ic[k] = spearman(rows.map((r) => score[r]), rows.map((r) => realized[r]));
  });
  const m = mean(ic), sd = sampleStd(ic);
  let n = 0;
  for (let k = 0; k < ic.length; k++) if (Number.isFinite(ic[k])) n++;
  return { date, ic, mean: m, std: sd, ir: m / sd, t_stat: (m / sd) * Math.sqrt(n) };
}
