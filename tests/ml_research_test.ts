import { deepEqual, equal, match, ok } from "node:assert/strict";
import { assertAlmostEquals } from "./_assert.ts";
import { reportPanel } from "./fixtures/report_suite.ts";
import { knownFeature } from "../lib/ml/features/mod.ts";
import { KEEP_SCORE, leaderboard, rankingScore } from "../lib/ml/leaderboard.ts";
import { robustnessTable, runResearch } from "../lib/ml/research.ts";
import { researchView } from "../lib/report/research.ts";
import { loadModel } from "../lib/ml/models/registry.ts";
import { buildDataset, takeRows } from "../lib/ml/dataset.ts";
import { computeFeatures } from "../lib/ml/features/mod.ts";
import { computeLabel } from "../lib/ml/labels.ts";
import { predictOutOfSample } from "../lib/ml/predict.ts";
import { predictionSignal } from "../lib/ml/signal.ts";
import { purgedKFold, walkForward } from "../lib/ml/splits.ts";
import { permutationImportance } from "../lib/ml/importance.ts";

Deno.test("rankingScore() and leaderboard() rank, and keep scores ≥ 0.6", () => {
  // 0.4 · 0.55 + 0.6 · min(1.5 / 3, 1) = 0.22 + 0.30; a Sharpe above 3 earns the full 0.6.
  assertAlmostEquals(rankingScore(0.55, 1.5), 0.52);
  assertAlmostEquals(rankingScore(0.6, 4), 0.84);
  assertAlmostEquals(rankingScore(0.5, -1.5), -0.1, 1e-12, "a negative Sharpe counts against");
  equal(KEEP_SCORE, 0.6);
  const base = { roc_auc: 0.5, rank_ic: 0, annual_return: 0, turnover: 0 };
  const board = leaderboard([
    { ...base, model: "a", label: "B1", horizon: 5, balanced_accuracy: 0.55, sharpe: 1.5 },
    { ...base, model: "b", label: "B1", horizon: 5, balanced_accuracy: 0.6, sharpe: 4 },
    { ...base, model: "c", label: "R", horizon: 5, balanced_accuracy: NaN, sharpe: 1 },
    { ...base, model: "d", label: "T3", horizon: 21, balanced_accuracy: 0.5, sharpe: 2.55 },
  ]);
  deepEqual(board.map((r) => [r.rank, r.variant, r.kept]), [
    [1, "b_B1_5", true],
    [2, "d_T3_21", true], // 0.2 + 0.51 = 0.71
    [3, "a_B1_5", false],
    [4, "c_R_5", false],
  ]);
});

/**
 * The tear-sheet fixture panel (60 securities × 300 weekdays): returns load on a persistent latent
 * score, and `hint` is that score seen through noise at each close (the "vendor signal"); ret_5 adds
 * nothing the model needs.
 */
const { panel, known } = reportPanel();
const features = [
  knownFeature("hint", known, "fixture"),
  { name: "ret_5", kind: "return", horizon: 5 } as const,
];

Deno.test("predictions become a signal whose date_avail is when the model could be fitted", () => {
  const data = buildDataset(
    computeFeatures(panel, features),
    computeLabel(panel, { type: "B1", horizon: 5 }),
  );
  return (async () => {
    const wf = await predictOutOfSample(
      data,
      { type: "logistic" },
      walkForward(data, { window: 100, test: 50 }),
    );
    const signal = predictionSignal(panel, data, wf, "wf");
    ok(signal.date_avail!.every((d, k) => d === signal.date_sig[k]), "walk-forward: available at date_sig");
    ok(Math.min(...signal.date_sig) >= panel.dates[100 + 5], "no prediction before the first test fold");
    // Purged k-fold: fold 1's model trains on later data (fitted once the last training label is
    // known, near the end), so its predictions of the first dates only become available then.
    const kf = await predictOutOfSample(data, { type: "logistic" }, purgedKFold(data, { k: 3, embargo: 5 }));
    const ks = predictionSignal(panel, data, kf, "kfold");
    const first = kf.fold.indexOf(0);
    ok(ks.date_avail![first] > ks.date_sig[first]);
    equal(ks.date_avail![first], panel.dates[kf.fittedAt[first]]);
    ok(kf.fittedAt[first] >= 290, `fitted at ${kf.fittedAt[first]}`);
  })();
});

Deno.test("permutation importance finds the informative feature", async () => {
  const data = buildDataset(
    computeFeatures(panel, features),
    computeLabel(panel, { type: "B1", horizon: 5 }),
  );
  const oos = await predictOutOfSample(
    data,
    { type: "forest", params: { trees: 20, maxDepth: 4 } },
    walkForward(data, { window: 150, test: 150 }),
    { workers: 0 },
  );
  const rows = oos.rows.filter((r) => Number.isFinite(data.y[r]));
  const pi = permutationImportance(
    oos.lastModel,
    takeRows(data.X, rows),
    Float64Array.from(rows, (r) => data.y[r]),
    { repeats: 3, seed: 1 },
  );
  ok(pi.baseline > 0.53, `held-out AUC ${pi.baseline}`);
  // Shuffling the hint costs the model about all of its edge over 0.5; shuffling ret_5 next to nothing.
  ok(pi.importance[0] > 0.6 * (pi.baseline - 0.5), `hint ${pi.importance[0]}`);
  ok(
    pi.importance[0] > 4 * Math.abs(pi.importance[1]),
    `hint ${pi.importance[0]}, ret_5 ${pi.importance[1]}`,
  );
});

Deno.test("runResearch() ranks every model × label variant and explains and judges the best", async () => {
  const research = await runResearch(panel, {
    features,
    labels: [{ type: "B1", horizon: 1 }, { type: "R", horizon: 5 }],
    models: [{ type: "logistic" }, { type: "forest", params: { trees: 20, maxDepth: 4 } }],
    split: { window: 100, test: 50 },
    suitePreset: "quick",
    importance: { repeats: 2, maxRows: 5000 },
  }, { workers: 0 });
  equal(research.variants.length, 4);
  deepEqual(research.leaderboard.map((r) => r.rank), [1, 2, 3, 4]);
  for (let k = 1; k < 4; k++) ok(research.leaderboard[k - 1].score >= research.leaderboard[k].score);
  for (const r of research.leaderboard) equal(r.kept, r.score >= 0.6);
  const { best } = research;
  // The hint predicts returns with a persistent edge: the best variant trades it profitably.
  ok(
    best.row.sharpe > 1 && best.row.balanced_accuracy > 0.51 && best.row.rank_ic > 0.03,
    JSON.stringify(best.row),
  );
  ok(best.row.kept, `the best variant is kept (score ${best.row.score})`);
  // One name everywhere: the leaderboard row, the variant (research headings and charts) and the
  // suite's signal are all `<model>_<label>_<horizon>`.
  equal(best.variant.name, best.row.variant);
  match(best.row.variant, /^(logistic|forest)_(B1_1|R_5)$/);
  deepEqual(research.leaderboard.map((r) => r.variant).sort(), research.variants.map((v) => v.name).sort());
  const view = researchView(research);
  match(view, new RegExp(`ML research — best ${best.variant.name}`));
  match(
    view,
    new RegExp(`<td[^>]*>${best.row.variant}</td>`),
    "the leaderboard row shows the heading's name",
  );
  ok(!view.includes("·B1") && !view.includes("·R_"), "no model·label spelling left");
  ok(best.permutation.importance[0] > best.permutation.importance[1]);
  equal(best.suite.preset.name, "quick");
  ok(["green", "yellow", "red"].includes(best.suite.verdict.color));
  const loaded = await loadModel(JSON.parse(JSON.stringify(best.model.toJSON())));
  const data = buildDataset(computeFeatures(panel, features), computeLabel(panel, best.variant.label));
  deepEqual(Array.from(loaded.score(data.X)), Array.from(best.model.score(data.X)));
  const table = robustnessTable(research.leaderboard, "sharpe");
  deepEqual(table.cols.sort(), ["B1_1", "R_5"]);
  equal(table.values.length, 4);
  ok(table.values.every(Number.isFinite));
});
