// `deno task python …` end to end: conformance of the shipped example, a template that passes its own
// checks, a Python strategy backtested and recorded, analysis answers stored with the run and read back
// through DuckDB (checked against the run's own metrics from the metrics library), figures, venvs, and
// the missing-Python message. Needs python3 with pandas, numpy and matplotlib (.ci/run installs them).

import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import { main } from "../lib/cli/python.ts";
import { loadManifest } from "../lib/plugin/manifest.ts";
import { startPlugin } from "../lib/plugin/launch.ts";
import { queryAnalysis, withAnalysisView } from "../lib/python/analysis.ts";
import { systemPython } from "../lib/python/interpreter.ts";
import { getRun } from "../lib/track/mod.ts";
import { assertAlmostEquals } from "./_assert.ts";
import { capture } from "./fixtures/capture.ts";

Deno.test("strategy test example_sma passes every conformance check", async () => {
  const { code, out } = await capture(() => main(["strategy", "test", "example_sma"]));
  equal(code, 0, out);
  match(out, /example_sma: all 6 checks passed/);
  match(out, /✓ answers initialize, on_candle × 300/);
});

Deno.test("strategy create makes a plugin that passes its own checks; a second create is refused", async () => {
  const dir = await Deno.makeTempDir();
  for (const mode of ["stream", "batch"]) {
    const name = `my_${mode}`;
    const created = await capture(() => main(["strategy", "create", name, "--mode", mode, "--plugins", dir]));
    equal(created.code, 0, created.err);
    const tested = await capture(() => main(["strategy", "test", name, "--plugins", dir]));
    equal(tested.code, 0, tested.out);
    match(tested.out, new RegExp(`${name}: all \\d+ checks passed`));
  }
  const again = await capture(() => main(["strategy", "create", "my_stream", "--plugins", dir]));
  equal(again.code, 1);
  match(again.err, /already exists/);
  const bad = await capture(() => main(["strategy", "create", "Bad-Name", "--plugins", dir]));
  match(bad.err, /plugin name must be snake_case/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a Python strategy runs in a backtest, is recorded, analysed into DuckDB and drawn", async (t) => {
  const runs = await Deno.makeTempDir();
  const run = await capture(() =>
    main([
      "strategy",
      "run",
      "example_sma",
      "--sample",
      "--param",
      "fast=20",
      "--param",
      "slow=50",
      "--fees-bps",
      "5",
      "--runs",
      runs,
      "--json",
    ])
  );
  equal(run.code, 0, run.err);
  const { run_id } = JSON.parse(run.out);
  const recorded = await getRun(run_id, { runsDir: runs });
  equal(recorded.kind, "timeseries");
  equal(recorded.params.fast, 20);
  ok(recorded.metrics.n_trades > 10);

  await t.step("calculate_metrics is stored with the run and read back through DuckDB", async () => {
    const { code, err } = await capture(() =>
      main(["analyze", run_id, "--script", "calculate_metrics", "--runs", runs])
    );
    equal(code, 0, err);
    const [row] = await queryAnalysis({ runsDir: runs, runId: run_id, script: "calculate_metrics" });
    const result = row.result as Record<string, number>;
    // the script's numbers against the metrics library's, recorded in run.json by quantnb
    assertAlmostEquals(result.sharpe, recorded.metrics.sharpe, 1e-9, "sharpe");
    assertAlmostEquals(result.sortino, recorded.metrics.sortino, 1e-9, "sortino");
    assertAlmostEquals(result.max_drawdown, recorded.metrics.max_drawdown, 1e-12, "max_drawdown");
    assertAlmostEquals(result.var_95, recorded.metrics.var_95, 1e-12, "var_95");
    equal(result.n_periods, 5105);
    const joined = await withAnalysisView(async (conn) =>
      (await conn.runAndReadAll(
        `SELECT r.kind, a.script, (a.result->>'$.sharpe')::DOUBLE AS sharpe
         FROM runs_json r JOIN analysis a USING (run_id)`,
      )).getRowObjects(), { runsDir: runs });
    deepEqual(joined.map((r) => [r.kind, r.script]), [["timeseries", "calculate_metrics"]]);
    assertAlmostEquals(Number(joined[0].sharpe), recorded.metrics.sharpe, 1e-9);
  });

  await t.step("analyze_results counts the recorded trades", async () => {
    const { code, err } = await capture(() =>
      main(["analyze", run_id, "--script", "analyze_results", "--runs", runs])
    );
    equal(code, 0, err);
    const [row] = await queryAnalysis({ runsDir: runs, script: "analyze_results" });
    const result = row.result as { trades: { count: number }; cumulative_return: number };
    ok(result.trades.count >= recorded.metrics.n_trades); // closed trades + the one still open at the end
    assertAlmostEquals(result.cumulative_return, recorded.metrics.cumulative_return, 1e-9);
  });

  await t.step("compare_runs against a second run", async () => {
    const other = await capture(() =>
      main(["strategy", "run", "example_sma", "--sample", "--param", "fast=5", "--runs", runs, "--json"])
    );
    const second = JSON.parse(other.out).run_id;
    const { code, err } = await capture(() =>
      main(["analyze", run_id, "--script", "compare_runs", "--with", second, "--runs", runs])
    );
    equal(code, 0, err);
    const [row] = await queryAnalysis({ runsDir: runs, runId: run_id, script: "compare_runs" });
    const result = row.result as { base: string; sharpe_tests: Record<string, { p_value: number }> };
    equal(result.base, run_id);
    ok(result.sharpe_tests[second].p_value >= 0 && result.sharpe_tests[second].p_value <= 1);
  });

  await t.step("visualize writes PNG, SVG and a self-contained HTML page beside the run", async () => {
    const { code, out } = await capture(() => main(["visualize", run_id, "--runs", runs]));
    equal(code, 0);
    match(out, /wrote 9 files/);
    const dir = join(recorded.dir, "figures");
    const png = await Deno.readFile(join(dir, "equity.png"));
    deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
    const html = await Deno.readTextFile(join(dir, "index.html"));
    equal((html.match(/<svg/g) ?? []).length, 4); // equity, drawdown, trades, monthly
    equal(/<script|src="http|href="http/.test(html), false);
  });
  await Deno.remove(runs, { recursive: true });
});

Deno.test("a plugin failing mid-run records no run", async () => {
  const runs = await Deno.makeTempDir();
  const plugins = new URL("./fixtures/plugins", import.meta.url).pathname;
  for (const mode of ["exit1", "garbage", "wrong_shape"]) {
    const { code, err } = await capture(() =>
      main([
        "strategy",
        "run",
        "misbehaving",
        "--plugins",
        plugins,
        "--sample",
        "--param",
        `mode=${mode}`,
        "--param",
        "at=100",
        "--runs",
        runs,
      ])
    );
    equal(code, 1);
    match(err, /plugin "misbehaving": on_candle \(bar 100, 2000-05-25\) failed/);
  }
  deepEqual([...Deno.readDirSync(runs)], []); // not even a temp folder
  await Deno.remove(runs, { recursive: true });
});

Deno.test("venvs: create, list, and a plugin that names one runs in it", async () => {
  const venvs = await Deno.makeTempDir();
  Deno.env.set("QUANTNB_VENVS", venvs);
  try {
    // --without-pip keeps the test fast (installing pip into a venv takes seconds); pip is not used here
    const created = await capture(() =>
      main(["venv", "create", "qtest", "--system-site-packages", "--without-pip"])
    );
    equal(created.code, 0, created.err);
    const listed = await capture(() => main(["venv", "list", "--json"]));
    const [v] = JSON.parse(listed.out);
    deepEqual([v.name, v.systemSitePackages], ["qtest", true]);
    match(v.version, /^Python 3\./);
    const none = await capture(() => main(["venv", "install", "qtest", "--plugin", "example_sma"]));
    match(none.out, /declares no requirements/);
    // the echo fixture, told to run in the venv, reports the venv as its sys.prefix
    const manifest = {
      ...await loadManifest(new URL("./fixtures/plugins/echo", import.meta.url).pathname),
      venv: "qtest",
    };
    const session = await startPlugin(manifest, {});
    const reply = await session.call<{ python: string }>("echo", { value: 1 }, "echo", () => []);
    await session.close();
    equal(reply.python, join(venvs, "qtest"));
    await rejects(
      startPlugin({ ...manifest, venv: "missing" }, {}),
      /venv "missing" not found .*venv create missing/,
    );
  } finally {
    Deno.env.delete("QUANTNB_VENVS");
    await Deno.remove(venvs, { recursive: true });
  }
});

Deno.test("a missing Python gives one message with the install command", () => {
  Deno.env.set("QUANTNB_PYTHON", "/nonexistent/python3");
  try {
    let message = "";
    try {
      systemPython();
    } catch (e) {
      message = (e as Error).message;
    }
    match(
      message,
      /QUANTNB_PYTHON=\/nonexistent\/python3 is not an executable; install Python 3 with `apt-get install -y python3/,
    );
  } finally {
    Deno.env.delete("QUANTNB_PYTHON");
  }
});
