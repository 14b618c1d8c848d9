import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { main } from "../lib/cli/batch.ts";
import { researchJob, studyJob } from "../lib/ml/job.ts";
import { runOptimizeJob } from "../lib/pipeline/optimize.ts";
import { runStrategy } from "../lib/pipeline/strategy_run.ts";
import { getRun } from "../lib/track/get_run.ts";
import { capture } from "./fixtures/capture.ts";
import { batchArgs, jobsWorld } from "./fixtures/jobs/world.ts";

Deno.test("batch jobs of kind research and ml_study record the runs the library calls record", async () => {
  const w = await jobsWorld();
  const config = await w.file(
    "cfg.json",
    JSON.stringify({ split: { window: 150, test: 150 }, importance: { repeats: 1, maxRows: 200 } }),
  );
  const batch = await w.file(
    "ml.yaml",
    `defaults: { snapshot: s }
jobs:
  - kind: research
    job: research-logistic
    config: ${config}
    models: logistic
    labels: B1:5
  - kind: ml_study
    job: study-logistic
    model: logistic
    label: B1:5
    trials: 3
`,
  );
  const { code, out } = await capture(() => main([...batchArgs(w, batch), "--workers", "2", "--json"]));
  assertEquals(code, 0, out);
  const [research, study] = JSON.parse(out).jobs as { status: string; run_id: string; config_hash: string }[];
  assertEquals([research.status, study.status], ["completed", "completed"]);
  // the same calls straight from the library, into another registry: same identity, same numbers
  const direct = await researchJob({
    snapshot: "s",
    snapshotsDir: w.snapshotsDir,
    runsDir: `${w.dir}/direct`,
    workers: 0,
    config: {
      split: { window: 150, test: 150 },
      importance: { repeats: 1, maxRows: 200 },
      models: [{ type: "logistic" }],
      labels: [{ type: "B1", horizon: 5 }],
    },
  });
  const batched = await getRun(research.run_id, { runsDir: w.runsDir });
  assertEquals([batched.kind, batched.config_hash], ["research", direct.run.config_hash]);
  assertEquals(batched.metrics, direct.run.metrics);
  const directStudy = await studyJob({
    snapshot: "s",
    snapshotsDir: w.snapshotsDir,
    runsDir: `${w.dir}/direct`,
    workers: 0,
    model: "logistic",
    label: { type: "B1", horizon: 5 },
    trials: 3,
  });
  const batchedStudy = await getRun(study.run_id, { runsDir: w.runsDir });
  assertEquals([batchedStudy.kind, batchedStudy.config_hash], ["ml_study", directStudy.run.config_hash]);
  assertEquals(batchedStudy.metrics, directStudy.run.metrics);
});

Deno.test("batch jobs of kind strategy, optimize and walk_forward record the runs the library calls record", async () => {
  const w = await jobsWorld();
  const batch = await w.file(
    "portfolio.yaml",
    `defaults: { snapshot: s }
jobs:
  - kind: strategy
    job: lowvol-{schedule}
    strategy: low_volatility
    param: [window=60, top_n=20]
    commission-bps: 5
    matrix: { schedule: [monthly, weekly] }
  - kind: optimize
    job: grid
    signal: ${w.signal}
    param: [lag=0:1:1, "fractile=5,10"]
  - kind: walk_forward
    job: wf
    signal: ${w.signal}
    param: [lag=0:1:1]
    is: 1y
    oos: 6m
`,
  );
  const { code, out } = await capture(() => main([...batchArgs(w, batch), "--workers", "2", "--json"]));
  assertEquals(code, 0, out);
  const jobs = JSON.parse(out).jobs as { job: string; status: string; run_id: string }[];
  assertEquals(jobs.map((j) => [j.job, j.status]), [
    ["lowvol-monthly", "completed"],
    ["lowvol-weekly", "completed"],
    ["grid", "completed"],
    ["wf", "completed"],
  ]);
  const runsDir = `${w.dir}/direct`;
  const [monthly, weekly, grid, wf] = await Promise.all(
    jobs.map((j) => getRun(j.run_id, { runsDir: w.runsDir })),
  );
  // the same runs straight from the library, into another registry: same identity, same numbers
  for (const [batched, schedule] of [[monthly, "monthly"], [weekly, "weekly"]] as const) {
    const direct = await runStrategy({
      strategy: "low_volatility",
      snapshot: "s",
      snapshotsDir: w.snapshotsDir,
      runsDir,
      params: { window: "60", top_n: "20" },
      simulation: { schedule, commission: { bps: 5 } },
    });
    assertEquals([batched.kind, batched.config_hash], ["strategy", direct.configHash]);
    assertEquals(batched.metrics, direct.run!.metrics);
    assertEquals((batched.params as { strategy_params: unknown }).strategy_params, { window: 60, top_n: 20 });
  }
  assert(monthly.metrics.n_trades < weekly.metrics.n_trades, "a weekly schedule trades more often");
  const directGrid = await runOptimizeJob({
    mode: "grid",
    snapshot: "s",
    snapshotsDir: w.snapshotsDir,
    signalFile: w.signal,
    space: { lag: { min: 0, max: 1, step: 1 }, fractile: [5, 10] },
    workers: 0,
    runsDir,
  });
  assertEquals([grid.kind, grid.config_hash], ["optimize", directGrid.run.config_hash]);
  assertEquals(grid.metrics, directGrid.run.metrics);
  assertEquals(grid.metrics.trials, 4); // 2 lags × 2 fractiles
  const directWf = await runOptimizeJob({
    mode: "walk-forward",
    snapshot: "s",
    snapshotsDir: w.snapshotsDir,
    signalFile: w.signal,
    space: { lag: { min: 0, max: 1, step: 1 } },
    windows: { mode: "rolling", inSample: "1y", outOfSample: "6m" },
    workers: 0,
    runsDir,
  });
  assertEquals([wf.kind, wf.config_hash], ["walk_forward", directWf.run.config_hash]);
  assertEquals(wf.metrics, directWf.run.metrics);
  assertEquals(wf.metrics.trials_per_window, 2);
});
