// `deno task python strategy run` of a batch plugin records a backtest run like the other recorded
// tasks (config hash, snapshot hash, git sha, daily series, summary per slice, tear sheet) and reuses
// it when identical, without starting the plugin. Expected numbers: the same plugin output through the
// library's `backtest` (plugin_test pins example_pandas' matrix against a TS recomputation).
// Needs python3 with pandas (.ci/run installs it).

import { deepEqual, equal, match, notEqual, ok } from "node:assert/strict";
import { join } from "node:path";
import { main } from "../lib/cli/python.ts";
import { backtest } from "../lib/engine/backtest.ts";
import { generateUniverse } from "../lib/ingest/synthetic.ts";
import { loadPanel } from "../lib/panel/load.ts";
import { runBatchPlugin } from "../lib/plugin/batch.ts";
import { loadManifest, pluginHash } from "../lib/plugin/manifest.ts";
import { runPluginBacktest } from "../lib/pipeline/plugin_backtest.ts";
import { createSnapshot } from "../lib/snapshot/mod.ts";
import { verifiedManifest } from "../lib/snapshot/verify.ts";
import { writeTables } from "../lib/store/write.ts";
import { getRun, listRuns } from "../lib/track/mod.ts";
import { runConfigHash } from "../lib/track/record_run.ts";
import { resolveConfig } from "../lib/engine/config.ts";
import { capture } from "./fixtures/capture.ts";
import { tempStore } from "./fixtures/foundation/helpers.ts";
import { assertAlmostEquals } from "./_assert.ts";

Deno.test("a batch plugin's strategy run is recorded as a backtest run and reused when identical", async (t) => {
  const { dir, store } = await tempStore();
  await writeTables(store, generateUniverse({ nSecurities: 30, years: 1, seed: 4, start: "2015-01-02" }), {
    source: "synthetic",
    params: {},
  });
  const snapshotsDir = `${dir}/snaps`, runsDir = `${dir}/runs`;
  await createSnapshot(store, "s", { snapshotsDir });
  store.close();
  const args = (lookback: string, ...more: string[]) => [
    "strategy",
    "run",
    "example_pandas",
    "--snapshot",
    "s",
    "--snapshots",
    snapshotsDir,
    "--runs",
    runsDir,
    "--param",
    `lookback=${lookback}`,
    "--param",
    "skip=5",
    ...more,
  ];
  const first = await capture(() => main(args("60", "--fees-bps", "5", "--json")));
  equal(first.code, 0, first.err);
  const printed = JSON.parse(first.out);
  equal(printed.reused, false);
  const run = await getRun(printed.run_id, { runsDir });

  await t.step("the run holds the library's backtest of the plugin's signal", async () => {
    const plugin = await loadManifest("example_pandas");
    const panel = await loadPanel({ snapshot: "s", snapshotsDir });
    const params = { lookback: 60, skip: 5, min_names: 5 }; // min_names: the manifest's default
    const { matrix } = await runBatchPlugin(plugin, panel, { params });
    const expected = backtest(panel, { known: matrix }, { tcBps: 5 });
    const o = expected.summary.overall;
    ok(o.n_days > 150 && Number.isFinite(o.sharpe), `${o.n_days} days`);
    for (const m of ["sharpe", "annual_return", "max_drawdown", "turnover", "n_days"] as const) {
      assertAlmostEquals(run.metrics[m], o[m], 1e-12, m);
    }
    assertAlmostEquals(run.metrics.ic_mean, expected.ic.mean, 1e-12, "ic_mean");
    deepEqual(printed.params, params);
    equal(printed.summary.overall.sharpe, o.sharpe);
    // identity: kind backtest, the snapshot's content hash, the plugin folder's hash, params and config
    equal(run.kind, "backtest");
    const snapshotHash = (await verifiedManifest("s", snapshotsDir)).hash;
    equal(run.tags.snapshot_hash, snapshotHash);
    equal(run.tags.snapshot_id, "s");
    equal(run.tags.input_hash, await pluginHash(plugin));
    match(run.tags.git_sha, /^[0-9a-f]{40}(-dirty)?$|^unknown$/);
    equal(
      run.config_hash,
      await runConfigHash({
        kind: "backtest",
        tags: { snapshot_hash: snapshotHash },
        inputHash: await pluginHash(plugin),
        params: { plugin: "example_pandas", plugin_params: params, config: resolveConfig({ tcBps: 5 }) },
      }),
    );
    // the files of a recorded backtest: tear sheet, daily series, one summary row per slice
    const files = [...Deno.readDirSync(run.dir)].map((e) => e.name).sort();
    for (const f of ["daily.parquet", "result.bin", "run.json", "summary.csv", "tearsheet.html"]) {
      ok(files.includes(f), `${f} in ${files}`);
    }
    match(await Deno.readTextFile(join(run.dir, "tearsheet.html")), /Backtest: example_pandas/);
    match(await Deno.readTextFile(join(run.dir, "summary.csv")), /^slice,.*\noverall,/);
  });

  await t.step("an identical rerun is the same run, found without starting the plugin", async () => {
    const python = Deno.env.get("QUANTNB_PYTHON");
    Deno.env.set("QUANTNB_PYTHON", "/nonexistent/python3"); // a started plugin would fail
    try {
      const again = await capture(() => main(args("60", "--fees-bps", "5")));
      equal(again.code, 0, again.err);
      match(again.out, new RegExp(printed.run_id));
      match(again.out, /same config as an earlier run: reused/);
      const lib = await runPluginBacktest(await loadManifest("example_pandas"), {
        snapshot: "s",
        snapshotsDir,
        runsDir,
        params: { skip: 5, lookback: "60" }, // the same values, in another order and as text
        backtest: { tcBps: 5 },
      });
      equal(lib.run.run_id, printed.run_id);
      equal(lib.run.reused, true);
      equal(lib.result.summary.overall.sharpe, printed.summary.overall.sharpe);
    } finally {
      if (python === undefined) Deno.env.delete("QUANTNB_PYTHON");
      else Deno.env.set("QUANTNB_PYTHON", python);
    }
  });

  await t.step("other costs are another run; invalid parameters record nothing", async () => {
    const other = await capture(() => main(args("60", "--fees-bps", "20", "--json")));
    equal(other.code, 0, other.err);
    notEqual(JSON.parse(other.out).run_id, printed.run_id);
    const bad = await capture(() => main(args("1")));
    equal(bad.code, 1);
    match(
      bad.err,
      /strategy "example_pandas": 1 invalid parameter\n\s+- lookback: expected an integer in \[2, 1000\], found "1"/,
    );
    equal((await listRuns({ runsDir })).length, 2);
  });
  await Deno.remove(dir, { recursive: true });
});
