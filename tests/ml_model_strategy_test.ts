/**
 * `strategies/ml_model.ts`: a saved research model traded by name through the registry and the
 * portfolio simulator. The model is a logistic regression fitted here on the first 300 days of the
 * seeded synthetic universe (40 securities, 2 years, seed 5; features ret_5, ret_21, vol_21; label B1
 * at 5 days, rows whose label is known by day 300 only) and recorded as a `research` run with the
 * `model.json` and `pipeline.json` that `deno task research` writes. References: `loadRunModel` +
 * `modelSignal` called directly, placed with `knownMatrix` and built with `topNWeights`.
 */
import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { main as runMain } from "../lib/cli/run.ts";
import { buildDataset, takeRows, takeValues } from "../lib/ml/dataset.ts";
import { computeFeatures, type FeatureSpec } from "../lib/ml/features/mod.ts";
import { computeLabel } from "../lib/ml/labels.ts";
import { fitModel } from "../lib/ml/models/registry.ts";
import { loadRunModel, modelPipeline, modelSignal } from "../lib/ml/saved.ts";
import { isoDate } from "../lib/panel/types.ts";
import { loadRunData, runStrategy } from "../lib/pipeline/strategy_run.ts";
import { knownMatrix } from "../lib/signal/align.ts";
import { topNWeights } from "../lib/strategy/construct.ts";
import { discoverStrategies } from "../lib/strategy/registry.ts";
import { generateWeights } from "../lib/strategy/run.ts";
import { recordRun } from "../lib/track/record_run.ts";
import { capture } from "./fixtures/capture.ts";
import { syntheticSnapshot } from "./fixtures/synthetic_snapshot.ts";
import * as mlModel from "../strategies/ml_model.ts";

const dir = await Deno.makeTempDir({ prefix: "quantnb-ml-model-" });
const { snapshotsDir } = await syntheticSnapshot(dir, { nSecurities: 40, years: 2, seed: 5 });
const runsDir = `${dir}/runs`;
const { panel } = await loadRunData({ snapshot: "s", snapshotsDir });
const T = panel.dates.length, N = panel.securityIds.length;
const CUT = 300;

// The saved model: fitted on labels known before day CUT, recorded as deno task research records it.
const features: FeatureSpec[] = [
  { name: "ret_5", kind: "return", horizon: 5 },
  { name: "ret_21", kind: "return", horizon: 21 },
  { name: "vol_21", kind: "volatility", window: 21 },
];
const label = { type: "B1", horizon: 5 } as const;
const data = buildDataset(computeFeatures(panel, features), computeLabel(panel, label));
const rows = Int32Array.from(
  Array.from(data.t.keys()).filter((r) =>
    data.end[r] >= 0 && data.end[r] < CUT && Number.isFinite(data.y[r])
  ),
);
const model = await fitModel({ type: "logistic" }, {
  X: takeRows(data.X, rows),
  y: takeValues(data.y, rows),
  task: data.task,
  classes: data.classes,
  featureNames: data.featureNames,
}, { seed: 1 });
const research = await recordRun({
  experiment: "ml_test",
  kind: "research",
  tags: { signal_name: "ml_test" },
  params: { features, label, model: "logistic", trained_through: isoDate(panel.dates[CUT - 1]) },
  metrics: {},
  inputHash: "",
  artifacts: {
    "model.json": JSON.stringify(model.toJSON()),
    "pipeline.json": JSON.stringify(modelPipeline(features, "none", label, panel.dates[CUT - 1])),
  },
}, { runsDir });
const params = { run_id: research.run_id, runs_dir: runsDir, top_n: 10 };

Deno.test("ml_model trades a saved model's predictions through the registry", async (t) => {
  const registry = await discoverStrategies();
  const entry = registry.get("ml_model");

  await t.step("its signal is modelSignal of the loaded model; its weights the top N of it", async () => {
    const saved = await loadRunModel(research.run_id, { runsDir });
    const expected = modelSignal(panel, saved, "ml_model");
    const out = await mlModel.generate(panel, { ...params, long_short: false });
    ok("signal" in out);
    deepEqual(out.signal, expected);
    equal(expected.signal.length, data.X.nRows, "one prediction per cell with every feature");
    ok(expected.signal.some((x, k) => x !== expected.signal[0] && k > 0), "the scores vary");

    const { weights } = await generateWeights(entry, panel, params);
    deepEqual(
      Array.from(weights),
      Array.from(topNWeights(knownMatrix(panel, expected), T, N, { method: "top_n", n: 10 })),
    );
    // Point in time: nothing is decided before the close the model was trained through.
    let first = -1;
    for (let c = 0; c < weights.length && first < 0; c++) {
      if (!Number.isNaN(weights[c])) first = Math.floor(c / N);
    }
    equal(first, CUT - 1);
    const held = weights.subarray(first * N, first * N + N).filter((w) => w > 0);
    deepEqual(Array.from(held), new Array(10).fill(1 / 10));

    const ls = await generateWeights(entry, panel, { ...params, long_short: true });
    const row = ls.weights.subarray(first * N, first * N + N);
    equal(row.filter((w) => w > 0).length, 10);
    equal(row.filter((w) => w < 0).length, 10);
  });

  await t.step(
    "running it records a strategy run (run_id in the hashed config), reused when identical",
    async () => {
      const out = await runStrategy({ strategy: "ml_model", snapshot: "s", snapshotsDir, params, runsDir });
      ok(out.run && !out.reused);
      equal(out.run.kind, "strategy");
      equal(out.run.tags.strategy, "ml_model");
      equal((out.run.params.strategy_params as Record<string, unknown>).run_id, research.run_id);
      equal(out.result!.dates[0], panel.dates[CUT - 1], "the portfolio starts on the model's first decision");
      ok(out.metrics!.n_trades > 0);
      const again = await runStrategy({ strategy: "ml_model", snapshot: "s", snapshotsDir, params, runsDir });
      ok(again.reused);
      equal(again.run!.run_id, out.run.run_id);
      const other = await runStrategy({
        strategy: "ml_model",
        snapshot: "s",
        snapshotsDir,
        params: { ...params, top_n: 5 },
        runsDir,
      });
      ok(other.run!.run_id !== out.run.run_id && other.configHash !== out.configHash);

      const cli = await capture(() =>
        runMain([
          "ml_model",
          "--snapshot",
          "s",
          "--snapshots",
          snapshotsDir,
          "--param",
          `run_id=${research.run_id}`,
          "--param",
          `runs_dir=${runsDir}`,
          "--param",
          "top_n=10",
          "--runs",
          runsDir,
          "--json",
        ])
      );
      equal(cli.code, 0, cli.err);
      equal(JSON.parse(cli.out).run_id, out.run.run_id, "the task finds the same recorded run");
    },
  );

  await t.step("bad input: a missing or unknown run id, an empty one", async () => {
    await rejects(
      generateWeights(entry, panel, { runs_dir: runsDir }),
      /strategy "ml_model": parameter run_id is required/,
    );
    await rejects(
      generateWeights(entry, panel, { run_id: "19990101-nope", runs_dir: runsDir }),
      /unknown run id "19990101-nope"/,
    );
    await rejects(
      generateWeights(entry, panel, { run_id: "" }),
      /run_id: expected a non-empty string, found ""/,
    );
    const cli = await capture(() =>
      runMain(["ml_model", "--snapshot", "s", "--snapshots", snapshotsDir, "--runs", runsDir])
    );
    equal(cli.code, 1);
    match(cli.err, /parameter run_id is required/);
  });
});
