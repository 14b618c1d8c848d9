import { deepEqual, equal, ok } from "node:assert/strict";
import { assertAlmostEquals } from "./_assert.ts";
import {
  accuracy,
  balancedAccuracy,
  brierScore,
  confusionMatrix,
  logLoss,
  precisionRecallF1,
  rocAuc,
  rocAucOvr,
} from "../lib/ml/evaluate/classification.ts";
import { r2, rmse } from "../lib/ml/evaluate/regression.ts";
import { rankIcByDate } from "../lib/ml/evaluate/rank_ic.ts";

/** scikit-learn 1.2.1 outputs on 200 seeded rows: tests/fixtures/ml/sklearn_metrics.py (command in its header). */
const reference = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/ml/sklearn_metrics.json", import.meta.url)),
);

Deno.test("rocAuc() counts ties one half (Mann–Whitney with midranks)", async (t) => {
  await t.step("hand-computed cases", () => {
    // Pairs (pos, neg): 0.35 > 0.1 ✓, 0.35 < 0.4 ✗, 0.8 > both ✓✓ → 3 / 4.
    equal(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.75);
    // One positive at 0.5, negatives at 0.5 (tie: ½) and 0.2 (✓): (0.5 + 1) / 2.
    equal(rocAuc([1, 0, 0], [0.5, 0.5, 0.2]), 0.75);
    // Every score tied: 0.5 whatever the balance.
    equal(rocAuc([1, 0, 0, 0], [0.3, 0.3, 0.3, 0.3]), 0.5);
    ok(Number.isNaN(rocAuc([1, 1], [0.2, 0.9])), "one class only ⇒ NaN");
    // NaN scores are skipped: same as the first case.
    equal(rocAuc([0, 0, 1, 1, 1], [0.1, 0.4, 0.35, 0.8, NaN]), 0.75);
  });
  await t.step("matches sklearn roc_auc_score on tied, imbalanced scores", () => {
    const b = reference.binary;
    assertAlmostEquals(rocAuc(b.y, b.score), b.roc_auc, 1e-12);
  });
});

Deno.test("balancedAccuracy() averages per-class recall, so imbalance cannot flatter it", () => {
  // 9 negatives, 1 positive, always predicting 0: accuracy 0.9, balanced accuracy (1 + 0) / 2.
  const y = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
  const pred = new Array(10).fill(0);
  equal(accuracy(y, pred), 0.9);
  equal(balancedAccuracy(y, pred), 0.5);
  // Recalls: class 0 8/9 (one false alarm), class 1 1/1 → (8/9 + 1) / 2.
  assertAlmostEquals(balancedAccuracy(y, [0, 0, 0, 0, 0, 0, 0, 0, 1, 1]), (8 / 9 + 1) / 2);
  const b = reference.binary;
  assertAlmostEquals(balancedAccuracy(b.y, b.pred), b.balanced_accuracy, 1e-12);
  const m = reference.multiclass;
  assertAlmostEquals(balancedAccuracy(m.y, m.pred), m.balanced_accuracy, 1e-12);
});

Deno.test("precisionRecallF1(), accuracy() and confusionMatrix() match sklearn", async (t) => {
  await t.step("hand-computed", () => {
    // tp = 2 (rows 1, 3), fp = 1 (row 0), fn = 1 (row 2).
    const s = precisionRecallF1([0, 1, 1, 1], [1, 1, 0, 1]);
    assertAlmostEquals(s.precision, 2 / 3);
    assertAlmostEquals(s.recall, 2 / 3);
    assertAlmostEquals(s.f1, 2 / 3);
    deepEqual(Array.from(confusionMatrix([0, 1, 1, 1], [1, 1, 0, 1]).counts), [0, 1, 1, 2]);
    deepEqual(precisionRecallF1([0, 0], [0, 0]), { precision: 0, recall: 0, f1: 0 }, "zero division ⇒ 0");
  });
  await t.step("binary reference", () => {
    const b = reference.binary;
    assertAlmostEquals(accuracy(b.y, b.pred), b.accuracy, 1e-12);
    const s = precisionRecallF1(b.y, b.pred);
    assertAlmostEquals(s.precision, b.precision, 1e-12);
    assertAlmostEquals(s.recall, b.recall, 1e-12);
    assertAlmostEquals(s.f1, b.f1, 1e-12);
    deepEqual(Array.from(confusionMatrix(b.y, b.pred, [0, 1]).counts), b.confusion);
  });
  await t.step("multiclass reference (macro averages)", () => {
    const m = reference.multiclass;
    assertAlmostEquals(accuracy(m.y, m.pred), m.accuracy, 1e-12);
    const s = precisionRecallF1(m.y, m.pred, { average: "macro" });
    assertAlmostEquals(s.precision, m.precision_macro, 1e-12);
    assertAlmostEquals(s.recall, m.recall_macro, 1e-12);
    assertAlmostEquals(s.f1, m.f1_macro, 1e-12);
    deepEqual(Array.from(confusionMatrix(m.y, m.pred, [-1, 0, 1]).counts), m.confusion);
  });
});

Deno.test("brierScore() and logLoss() follow sklearn (binary and multiclass)", () => {
  // Hand: rows (p1 = 0.1, y = 0) and (p1 = 0.8, y = 1): ((0.1)² + (0.2)²) / 2.
  assertAlmostEquals(brierScore([0, 1], Float64Array.of(0.9, 0.1, 0.2, 0.8), [0, 1]), 0.025);
  // Hand: −(ln 0.8 + ln 0.6) / 2.
  assertAlmostEquals(
    logLoss([0, 1], Float64Array.of(0.8, 0.2, 0.4, 0.6), [0, 1]),
    -(Math.log(0.8) + Math.log(0.6)) / 2,
  );
  const b = reference.binary;
  const proba = Float64Array.from(b.score.flatMap((s: number) => [1 - s, s]));
  assertAlmostEquals(brierScore(b.y, proba, [0, 1]), b.brier, 1e-12);
  assertAlmostEquals(logLoss(b.y, proba, [0, 1]), b.log_loss, 1e-12); // scores of exactly 0 and 1: eps clipping
  const m = reference.multiclass;
  assertAlmostEquals(logLoss(m.y, Float64Array.from(m.proba), [-1, 0, 1]), m.log_loss, 1e-12);
  assertAlmostEquals(rocAucOvr(m.y, Float64Array.from(m.proba), [-1, 0, 1]), m.roc_auc_ovr, 1e-12);
  // Multiclass Brier, hand: one row y = 0 with p = (0.2, 0.5, 0.3): 0.04 + 0.25 + 0.09.
  assertAlmostEquals(brierScore([0], Float64Array.of(0.2, 0.5, 0.3), [-1, 0, 1]), 0.38);
});

Deno.test("rmse() and r2() on hand-computed cases", () => {
  assertAlmostEquals(rmse([1, 2, 3], [1, 2, 5]), Math.sqrt(4 / 3));
  // ȳ = 2, SS_tot = 2, SS_res = 1 → 0.5.
  assertAlmostEquals(r2([1, 2, 3], [1, 2, 4]), 0.5);
  ok(Number.isNaN(r2([1, 1], [1, 2])));
});

Deno.test("rankIcByDate() is Spearman per date with the engine's summary", () => {
  const dates = Float64Array.of(Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3));
  // Date 0: score ranks 1,2,3 vs return ranks 1,2,3 → 1. Date 1: ranks 1,2,3 vs 3,2,1 → −1; one NaN row skipped.
  const score = [0.1, 0.2, 0.3, 1, 2, 3, 4];
  const realized = [-0.01, 0, 0.02, 0.05, 0.01, -0.03, NaN];
  const ic = rankIcByDate(score, realized, Int32Array.of(0, 0, 0, 1, 1, 1, 1), dates);
  deepEqual(Array.from(ic.ic), [1, -1]);
  deepEqual(Array.from(ic.date), Array.from(dates));
  equal(ic.mean, 0);
  assertAlmostEquals(ic.std, Math.SQRT2);
});
