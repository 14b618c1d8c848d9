/**
 * `deno task optimize` end to end on a small synthetic snapshot: recorded runs (trials as Parquet,
 * report, preset), reuse of an identical run, walk-forward tables, a preset that reproduces the best
 * trial through `deno task backtest --preset`, and one clear message per bad input. Expected numbers
 * are the task's own JSON compared with the backtest task and with the stored files.
 */
import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { main } from "../lib/cli/optimize.ts";
import { main as backtestMain } from "../lib/cli/backtest.ts";
import { listRuns, readTableParquet } from "../lib/track/mod.ts";
import { capture } from "./fixtures/capture.ts";
import { syntheticSnapshot } from "./fixtures/synthetic_snapshot.ts";

Deno.test("deno task optimize", async (t) => {
  const dir = await Deno.makeTempDir();
  const { snapshotsDir, signalFile } = await syntheticSnapshot(dir, {
    nSecurities: 60,
    years: 2,
    seed: 4,
    sentiment: 0.03,
  });
  const base = [
    "--snapshot",
    "s",
    "--snapshots",
    snapshotsDir,
    "--signal",
    signalFile,
    "--runs",
    `${dir}/runs`,
  ];
  const grid = [
    ...base,
    "--param",
    "lag=0:2:1",
    "--param",
    "fractile=3,5",
    "--param",
    "tcBps=0,20",
    "--workers",
    "0",
  ];

  await t.step("grid --json records the trials, a report and the best trial's preset", async () => {
    const { code, out, err } = await capture(() =>
      main(["grid", ...grid, "--write-preset", `${dir}/best.json`, "--json"])
    );
    assertEquals(code, 0, err);
    const json = JSON.parse(out);
    assertEquals(json.kind, "optimize");
    assertEquals(json.trials, 12);
    assertEquals(json.guards.trials, 12);
    const runDir = `${dir}/runs/${json.run_id}`;
    const files = [...Deno.readDirSync(runDir)].map((e) => e.name).sort();
    assertEquals(files, [
      "daily.parquet",
      "preset.json",
      "report.html",
      "run.json",
      "trial_returns.parquet",
      "trials.parquet",
    ]);
    const trials = await readTableParquet(`${runDir}/trials.parquet`);
    assertEquals(Array.from(trials.param_lag as Float64Array), [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    const best = json.best.trial;
    assertEquals((trials.sharpe as Float64Array)[best], json.best.metrics.sharpe);
    assertEquals((trials.rank as Float64Array)[best], 1);
    const run = JSON.parse(await Deno.readTextFile(`${runDir}/run.json`));
    assertEquals(run.metrics.dsr, json.guards.dsr);
    assertEquals(run.tags.objective, "sharpe");
    const html = await Deno.readTextFile(`${runDir}/report.html`);
    assert(html.includes("Top trials") && html.includes("DSR (12 trials)"));
    assertEquals(JSON.parse(await Deno.readTextFile(`${dir}/best.json`)).source.run_id, json.run_id);
  });

  await t.step("the preset reproduces the best trial through deno task backtest --preset", async () => {
    const search = JSON.parse((await capture(() => main(["grid", ...grid, "--json"]))).out);
    assertEquals(search.reused, true);
    const { code, out, err } = await capture(() =>
      backtestMain(["--preset", `${dir}/best.json`, "--snapshots", snapshotsDir, "--json"])
    );
    assertEquals(code, 0, err);
    const bt = JSON.parse(out);
    assertEquals(bt.summary.overall.sharpe, search.metrics.sharpe);
    const preset = JSON.parse(await Deno.readTextFile(`${dir}/best.json`));
    assertEquals(bt.config.lag, preset.params.lag);
    assertEquals(preset.universe.securities.length, 60);
  });

  await t.step("an identical rerun is reused and not recorded twice", async () => {
    const { code, out } = await capture(() => main(["grid", ...grid]));
    assertEquals(code, 0);
    assert(out.includes("reused"), out);
    assertEquals((await listRuns({ runsDir: `${dir}/runs` })).length, 1);
  });

  await t.step("walk-forward records windows, trials and stability tables", async () => {
    const { code, out, err } = await capture(() =>
      main([
        "walk-forward",
        ...base,
        "--param",
        "lag=0,1",
        "--param",
        "fractile=3,5",
        "--is",
        "200",
        "--oos",
        "100",
        "--workers",
        "0",
        "--json",
      ])
    );
    assertEquals(code, 0, err);
    const json = JSON.parse(out);
    assertEquals(json.kind, "walk_forward");
    assert(json.windows.length >= 3);
    for (const w of json.windows) assert(w.is[1] < w.oos[0], `${w.is[1]} before ${w.oos[0]}`);
    const runDir = `${dir}/runs/${json.run_id}`;
    const windows = await readTableParquet(`${runDir}/windows.parquet`);
    assertEquals(
      Array.from(windows.oos_metric as Float64Array),
      json.windows.map((w: { oos_metric: number }) => w.oos_metric),
    );
    const stability = await readTableParquet(`${runDir}/stability.parquet`);
    assertEquals(stability.param.length, json.windows.length * 4);
  });

  await t.step(
    "--engine timeseries searches a rule on one security's bars and writes its preset",
    async () => {
      const { code, out, err } = await capture(() =>
        main([
          "grid",
          "--engine",
          "timeseries",
          "--snapshot",
          "s",
          "--snapshots",
          snapshotsDir,
          "--security",
          "SYN0001",
          "--rule",
          "ma_crossover",
          "--param",
          "fast=5,10",
          "--param",
          "slow=20,40",
          "--param",
          "kind=sma",
          "--fees-bps",
          "5",
          "--workers",
          "0",
          "--runs",
          `${dir}/runs`,
          "--json",
        ])
      );
      assertEquals(code, 0, err);
      const json = JSON.parse(out);
      assertEquals(json.trials, 4);
      assertEquals(json.preset.engine, "timeseries");
      assertEquals(json.preset.strategy, "ma_crossover");
      assertEquals(json.preset.universe.securities, ["SYN0001"]);
      assertEquals(json.preset.costs.tc_bps, 5);
      assert(json.best.metrics.exposure > 0 ? json.preset.universe.held.length === 1 : true);
    },
  );

  await t.step("bad input gets one clear message", async () => {
    const cases: [string[], number, RegExp][] = [
      [["grid", ...base, "--param", "lag=0:3:0"], 1, /"lag": step must be a number > 0, found 0/],
      [
        ["grid", ...base, "--param", "lag=0,1", "--objective", "sharpness"],
        1,
        /unknown objective metric "sharpness"/,
      ],
      [["walk-forward", ...base, "--is", "5y", "--oos", "1y"], 1, /longer than the data/],
      [["grid", ...base, "--space", `${dir}/sig.parquet`, "--param", "lag=1"], 2, /not both/],
      [["search", ...base], 2, /expected grid, random or walk-forward/],
      [["walk-forward", ...base], 2, /needs --is SIZE and --oos SIZE/],
    ];
    for (const [args, want, message] of cases) {
      const { code, err } = await capture(() => main(args));
      assertEquals(code, want, err);
      assert(message.test(err), err);
    }
    await Deno.writeTextFile(
      `${dir}/bad.json`,
      JSON.stringify({ quantnb_preset: 1, name: "x", engine: "backtest" }),
    );
    const { code, err } = await capture(() =>
      main(["grid", "--preset", `${dir}/bad.json`, "--runs", `${dir}/runs`])
    );
    assertEquals(code, 1);
    assert(/bad\.json: preset field "signal\.path": expected the signal file's path/.test(err), err);
    assertEquals((await capture(() => main(["--help"]))).code, 0);
  });
  await Deno.remove(dir, { recursive: true });
});
