import { deepEqual, equal, match, ok } from "node:assert/strict";
import { openStore } from "../lib/store/db.ts";
import { loadUniverse, simulateUniverse } from "../lib/ingest/mod.ts";
import { createSnapshot } from "../lib/snapshot/mod.ts";
import { main } from "../lib/cli/research.ts";
import { getRun, listRuns, readTableParquet } from "../lib/track/mod.ts";
import { loadModel } from "../lib/ml/models/registry.ts";
import { capture } from "./fixtures/capture.ts";
import { loadRunModel, modelSignal } from "../lib/ml/saved.ts";
import { loadPanel } from "../lib/panel/load.ts";
import { knownMatrix } from "../lib/signal/align.ts";

Deno.test("deno task research records the run (model, predictions, leaderboard, report) and reuses an identical rerun", async (t) => {
  const dir = await Deno.makeTempDir();
  const params = { nSecurities: 40, years: 2, seed: 5 };
  const universe = simulateUniverse(params);
  const store = await openStore(`${dir}/q.duckdb`);
  await loadUniverse(store, universe, params);
  await createSnapshot(store, "s", { snapshotsDir: `${dir}/snap` });
  store.close();
  // Small: 40 names × 504 days, ret_5/ret_21/vol_21 only, yearly folds after 150 days.
  await Deno.writeTextFile(
    `${dir}/config.json`,
    JSON.stringify({
      features: [
        { name: "ret_5", kind: "return", horizon: 5 },
        { name: "ret_21", kind: "return", horizon: 21 },
        { name: "vol_21", kind: "volatility", window: 21 },
      ],
      split: { window: 150, test: 150 },
      suitePreset: "quick",
      importance: { repeats: 1, maxRows: 2000 },
    }),
  );
  const args = [
    "--snapshot",
    "s",
    "--snapshots",
    `${dir}/snap`,
    "--runs",
    `${dir}/runs`,
    "--workers",
    "0",
    "--config",
    `${dir}/config.json`,
    "--labels",
    "B1:5,R:5",
    "--models",
    "logistic,gbdt",
  ];
  let runId = "";
  await t.step("--json: the run, its metrics and the leaderboard", async () => {
    const { code, out } = await capture(() => main([...args, "--json"]));
    equal(code, 0);
    const json = JSON.parse(out);
    equal(json.reused, false);
    equal(json.leaderboard.length, 4);
    runId = json.run_id;
    const run = await getRun(runId, { runsDir: `${dir}/runs` });
    equal(run.kind, "research");
    equal(run.tags.snapshot_id, "s");
    equal(run.tags.suite_run, json.suite_run);
    equal(run.metrics.variants, 4);
    deepEqual((run.params.labels as unknown[]).length, 2);
    const files = [...Deno.readDirSync(run.dir)].map((e) => e.name).sort();
    for (
      const f of [
        "daily.parquet",
        "importance.parquet",
        "leaderboard.parquet",
        "metrics.parquet",
        "model.json",
        "predictions.parquet",
        "report.html",
        "run.json",
      ]
    ) {
      ok(files.includes(f), `${f} in ${files}`);
    }
    const board = await readTableParquet(`${run.dir}/leaderboard.parquet`);
    deepEqual(Array.from(board.rank as Float64Array), [1, 2, 3, 4]);
    const predictions = await readTableParquet(`${run.dir}/predictions.parquet`);
    ok((predictions.security_id as string[]).length > 1000);
    const model = await loadModel(JSON.parse(await Deno.readTextFile(`${run.dir}/model.json`)));
    equal(model.featureNames.length, 3);
    const html = await Deno.readTextFile(`${run.dir}/report.html`);
    for (
      const id of [
        "section-leaderboard",
        "section-metrics",
        "section-robustness",
        "section-importance",
        "section-verdict",
        "section-reproduce",
      ]
    ) {
      match(html, new RegExp(`id="${id}"`));
    }
    ok((html.match(/<svg/g) ?? []).length >= 6, "robustness heatmaps, importance, equity");
    ok(!/https?:\/\/(?!www\.w3\.org)/.test(html), "self-contained");
    const suite = await getRun(json.suite_run, { runsDir: `${dir}/runs` });
    equal(suite.kind, "suite");
  });
  await t.step("the saved model scores a panel as a signal, available once the model exists", async () => {
    const saved = await loadRunModel(runId, { runsDir: `${dir}/runs` });
    deepEqual(saved.features.map((f) => f.name), ["ret_5", "ret_21", "vol_21"]);
    const panel = await loadPanel({ snapshot: "s", snapshotsDir: `${dir}/snap`, fields: ["close", "ret"] });
    const signal = modelSignal(panel, saved, "ml");
    const through = Date.parse(`${saved.trained_through}T00:00:00Z`);
    ok(signal.signal.length > 10_000);
    ok(signal.date_avail!.every((d, k) => d === Math.max(signal.date_sig[k], through)));
    // The final model trains on every label, the last ending on the panel's last date: on this panel
    // its predictions are only known from that close on (for trading new data), never in sample.
    equal(through, panel.dates[panel.dates.length - 1]);
    const known = knownMatrix(panel, signal);
    const tEnd = panel.dates.length - 1;
    ok(known.subarray(tEnd * 40).filter(Number.isFinite).length >= 30);
    ok(known.subarray(0, tEnd * 40).every(Number.isNaN), "nothing is known before the model exists");
  });
  await t.step("an identical rerun is found before computing", async () => {
    const { code, out } = await capture(() => main(args));
    equal(code, 0);
    match(out, new RegExp(`run ${runId} \\(identical run already recorded; reused\\)`));
    equal((await listRuns({ runsDir: `${dir}/runs` })).length, 2);
  });
  await t.step("usage errors name the flag", async () => {
    const { code, err } = await capture(() => main(["--snapshot", "s", "--labels", "B2:5"]));
    equal(code, 2);
    match(err, /--labels: expected TYPE:HORIZON/);
  });
  await Deno.remove(dir, { recursive: true });
});
