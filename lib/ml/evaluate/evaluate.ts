/**
 * Every metric of a model's predictions in one call, for any label task. Regression predictions are
 * also judged as classifiers of the sign (truth `y > 0`, prediction `ŷ > 0`, AUC of ŷ), so balanced
 * accuracy and the ranking score apply to every label.
 */
import type { IcResult } from "../../engine/types.ts";
import type { Task } from "../labels.ts";
import {
  accuracy,
  balancedAccuracy,
  brierScore,
  type ConfusionMatrix,
  confusionMatrix,
  logLoss,
  precisionRecallF1,
  rocAuc,
  rocAucOvr,
} from "./classification.ts";
import { rankIcByDate } from "./rank_ic.ts";
import { r2, rmse } from "./regression.ts";

/** The headline numbers (NaN where a metric does not apply, e.g. log loss of a regression). */
export interface ModelMetrics {
  readonly accuracy: number;
  readonly balanced_accuracy: number;
  readonly roc_auc: number;
  /** Binary: of class 1 (up); multiclass: macro averages. */
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly brier: number;
  readonly log_loss: number;
  readonly rmse: number;
  readonly r2: number;
  /** Mean daily Spearman IC of the score with the forward return, its IR and t-stat. */
  readonly rank_ic: number;
  readonly rank_ic_ir: number;
  readonly rank_ic_t: number;
  /** Rows evaluated (with a label). */
  readonly rows: number;
}

/** Metrics, the confusion matrix and the daily IC series. */
export interface Evaluation {
  readonly metrics: ModelMetrics;
  readonly confusion: ConfusionMatrix;
  readonly ic: IcResult;
}

/** What `evaluatePredictions` reads: per evaluated row, truth, predictions and where it sits. */
export interface PredictionsToEvaluate {
  readonly task: Task;
  readonly classes: readonly number[];
  /** Label values (NaN rows are left out of every metric). */
  readonly y: Float64Array;
  /** Predicted class (classification) or value (regression). */
  readonly predicted: Float64Array;
  /** Row-major `rows × classes` probabilities (classification). */
  readonly proba?: Float64Array;
  /** The ranking score (see `Model.score`). */
  readonly score: Float64Array;
  /** Forward return over the label horizon, for the rank IC. */
  readonly forward: Float64Array;
  /** Panel date index of each row, and the panel dates. */
  readonly t: Int32Array;
  readonly dates: Float64Array;
}

/**
 * Evaluates predictions: accuracy, balanced accuracy, ROC AUC (binary; macro one-vs-rest for
 * multiclass), precision / recall / F1, Brier score, log loss, the confusion matrix, RMSE and R²
 * (regression), and the daily rank IC of the score against the forward return.
 *
 * @example
 * ```ts
 * const { metrics } = evaluatePredictions({ task: "binary", classes: [0, 1], y, predicted, proba, score, forward, t, dates });
 * metrics.balanced_accuracy;
 * ```
 */
export function evaluatePredictions(p: PredictionsToEvaluate): Evaluation {
  const { task, classes, y } = p;
  const ic = rankIcByDate(p.score, p.forward, p.t, p.dates);
  let rows = 0;
  for (let r = 0; r < y.length; r++) if (Number.isFinite(y[r])) rows++;
  const icPart = { rank_ic: ic.mean, rank_ic_ir: ic.ir, rank_ic_t: ic.t_stat, rows };
  if (task === "regression") {
    const sign = (v: number) => (Number.isNaN(v) ? NaN : v > 0 ? 1 : 0);
    const yc = y.map(sign), pc = p.predicted.map(sign);
    const prf = precisionRecallF1(yc, pc, { classes: [0, 1] });
    return {
      metrics: {
        accuracy: accuracy(yc, pc),
        balanced_accuracy: balancedAccuracy(yc, pc),
        roc_auc: rocAuc(yc, p.predicted),
        ...prf,
        brier: NaN,
        log_loss: NaN,
        rmse: rmse(y, p.predicted),
        r2: r2(y, p.predicted),
        ...icPart,
      },
      confusion: confusionMatrix(yc, pc, [0, 1]),
      ic,
    };
  }
  const proba = p.proba!;
  const binary = classes.length === 2;
  const prf = binary
    ? precisionRecallF1(y, p.predicted, { positive: classes[1], classes })
    : precisionRecallF1(y, p.predicted, { average: "macro", classes });
  return {
    metrics: {
      accuracy: accuracy(y, p.predicted),
      balanced_accuracy: balancedAccuracy(y, p.predicted),
      roc_auc: binary
        ? rocAuc(y.map((v) => (Number.isNaN(v) ? NaN : v === classes[1] ? 1 : 0)), p.score)
        : rocAucOvr(y, proba, classes),
      ...prf,
      brier: brierScore(y, proba, classes),
      log_loss: logLoss(y, proba, classes),
      rmse: NaN,
      r2: NaN,
      ...icPart,
    },
    confusion: confusionMatrix(y, p.predicted, classes),
    ic,
  };
}
