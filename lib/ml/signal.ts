/**
 * Predictions back into the signal contract, so they go through the same engine, suite, tear sheet
 * and verdict as any other signal. `date_sig` is the date whose close the features were computed at;
 * `date_avail` is when the prediction could first be made: that close, or — if later — the close at
 * which the row's model could be fitted (the last training label known). Walk-forward predictions are
 * available at `date_sig`; predictions of a model fitted on later data land when that data is known.
 */
import type { Panel } from "../panel/types.ts";
import type { Signal } from "../signal/types.ts";
import type { Dataset } from "./dataset.ts";
import type { OutOfSample } from "./predict.ts";

/**
 * The out-of-sample scores as a `Signal` (one row per predicted dataset row).
 *
 * @example
 * ```ts
 * const signal = predictionSignal(panel, data, oos, "forest_B1_5");
 * await runSuite(panel, { name: signal.signal_name!, signal }, "standard");
 * ```
 */
export function predictionSignal(panel: Panel, data: Dataset, oos: OutOfSample, name: string): Signal {
  const n = oos.rows.length;
  const dateSig = new Float64Array(n), dateAvail = new Float64Array(n);
  const ids = new Array<string>(n);
  for (let k = 0; k < n; k++) {
    const r = oos.rows[k];
    ids[k] = panel.securityIds[data.i[r]];
    dateSig[k] = panel.dates[data.t[r]];
    dateAvail[k] = Math.max(dateSig[k], panel.dates[oos.fittedAt[k]] ?? dateSig[k]);
  }
  return {
    security_id: ids,
    date_sig: dateSig,
    date_avail: dateAvail,
    signal: oos.score.slice(),
    signal_name: name,
  };
}

/**
 * A model's scores on every dataset row as a date-major known matrix (NaN where no row): what a
 * strategy using a saved model trades, or `createBacktester(panel, { known })` takes directly.
 *
 * @example
 * ```ts
 * const known = scoreMatrix(panel, data, model.score(data.X));
 * ```
 */
export function scoreMatrix(panel: Panel, data: Pick<Dataset, "t" | "i">, score: Float64Array): Float64Array {
  const nS = panel.securityIds.length;
  const out = new Float64Array(panel.dates.length * nS).fill(NaN);
  for (let r = 0; r < score.length; r++) out[data.t[r] * nS + data.i[r]] = score[r];
  return out;
}
