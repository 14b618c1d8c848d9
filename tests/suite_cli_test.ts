import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { type Signal, writeSignal } from "../lib/signal/mod.ts";
import { syntheticSnapshot } from "./fixtures/synthetic_snapshot.ts";
import { main } from "../lib/cli/suite.ts";
import { listRuns } from "../lib/track/mod.ts";
import { capture } from "./fixtures/capture.ts";

/** A store of 80 synthetic names × 2 years (seed 3), snapshot "s", and its vendor sentiment signal. */
async function fixture() {
  const dir = await Deno.makeTempDir();
  const params = { nSecurities: 80, years: 2, seed: 3, sentiment: 0.03 };
  const { universe } = await syntheticSnapshot(dir, params);
  const args = ["--snapshot", "s", "--snapshots", `${dir}/snap`, "--runs", `${dir}/runs`, "--workers", "0"];
  return { dir, universe, args };
}

Deno.test("deno task suite records a run with its tear sheet, reuses an identical rerun and refuses a bad signal", async (t) => {
  const { dir, universe, args } = await fixture();
  const sig = ["--signal", `${dir}/sig.parquet`];
  let first = "";

  await t.step("--json prints the verdict, variants and the run", async () => {
    const { code, out, err } = await capture(() => main([...args, ...sig, "--json"]));
    assertEquals(code, 0, err);
    const json = JSON.parse(out);
    first = json.run_id;
    assertEquals(json.reused, false);
    assert(["green", "yellow", "red"].includes(json.verdict.color));
    assertEquals(json.signal.name, "vendor_sentiment");
    assertEquals(json.signal.variants.length, 6);
    assertEquals(json.baselines.map((b: { name: string }) => b.name), [
      "reversal_5d",
      "momentum_12_1",
      "value",
    ]);
    const files = [...Deno.readDirSync(`${dir}/runs/${json.run_id}`)].map((e) => e.name).sort();
    assertEquals(files, ["daily.parquet", "result.bin", "run.json", "summary.csv", "tearsheet.html"]);
    const run = JSON.parse(await Deno.readTextFile(`${dir}/runs/${json.run_id}/run.json`));
    assertEquals(run.tags.snapshot_id, "s");
    assertEquals(run.tags.verdict, json.verdict.color);
    assertEquals(
      run.metrics.sharpe,
      json.signal.variants.find((v: { label: string }) => v.label === json.signal.best).summary.overall
        .sharpe,
    );
    const html = await Deno.readTextFile(`${dir}/runs/${json.run_id}/tearsheet.html`);
    assert(html.includes(json.run_id) && html.includes("section-verdict"));
    for (const stage of ["verifying snapshot", "loading panel", "validating signal", "running suite"]) {
      assert(err.includes(`suite: ${stage}…`), err);
    }
  });
  await t.step("an identical rerun is found before computing and returns the same numbers", async () => {
    const before = await capture(() => main([...args, ...sig, "--json"]));
    const { code, out, err } = await capture(() => main([...args, ...sig]));
    assertEquals(code, 0);
    assert(out.includes(`run ${first} (identical run already recorded; reused, not recomputed)`), out);
    assert(!err.includes("loading panel") && !err.includes("running suite"), err); // nothing computed
    assertEquals((await listRuns({ runsDir: `${dir}/runs` })).length, 1);
    const json = JSON.parse(before.out);
    assertEquals(json.reused, true);
    assertEquals(json.run_id, first);
  });
  await t.step("--name is a label: a new name records a new run under it, without recomputing", async () => {
    const { code, out, err } = await capture(() => main([...args, ...sig, "--name", "sentiment_v2"]));
    assertEquals(code, 0, err);
    assert(!err.includes("running suite"), err);
    assert(out.includes(`(same config as ${first}; recorded under the new labels)`), out);
    const runs = await listRuns({ runsDir: `${dir}/runs` });
    assertEquals(runs.map((r) => r.signal_name).sort(), ["sentiment_v2", "vendor_sentiment"]);
    assertEquals(runs[0].config_hash, runs[1].config_hash);
    const html = await Deno.readTextFile(`${dir}/runs/${runs[0].run_id}/tearsheet.html`);
    assert(
      html.includes(runs[0].run_id) && html.includes("sentiment_v2"),
      "the tear sheet shows the new run",
    );
  });
  await t.step("--force computes and records anew", async () => {
    const { code, err } = await capture(() => main([...args, ...sig, "--force"]));
    assertEquals(code, 0, err);
    assert(err.includes("running suite"), err);
    assertEquals((await listRuns({ runsDir: `${dir}/runs` })).length, 3);
  });
  await t.step("--name '' is refused before anything is read or computed", async () => {
    const { code, err } = await capture(() => main([...args, ...sig, "--name", ""]));
    assertEquals(code, 2);
    assert(err.startsWith("error: --name must not be empty"), err);
    assert(!err.includes("suite: "), err);
  });
  await t.step("an invalid signal exits 2 with the report and records nothing", async () => {
    await Deno.writeTextFile(
      `${dir}/bad.csv`,
      "security_id,date_sig,signal\nSYN0001,2010-01-05,1\nSYN0001,2010-01-05,2\n",
    );
    const { code, err } = await capture(() => main([...args, "--signal", `${dir}/bad.csv`]));
    assertEquals(code, 2);
    assert(err.includes("duplicate"), err);
    assertEquals((await listRuns({ runsDir: `${dir}/runs` })).length, 3);
  });
  await t.step("a leak through date_avail (the observed bypass) is refused, not recorded", async () => {
    // date_sig a day early, date_avail the day it is known, value = the next day's return: IC 1.0.
    const prices = universe.tables.prices;
    const dates = [...new Set(prices.date)].sort((a, b) => a - b);
    const next = new Map(dates.map((d, k) => [d, dates[k + 1]]));
    const prev = new Map(dates.map((d, k) => [d, dates[k - 1]]));
    const close = new Map<string, number>();
    for (let r = 0; r < prices.date.length; r++) {
      close.set(`${prices.security_id[r]}|${prices.date[r]}`, prices.close[r]);
    }
    const leak: { security_id: string[]; date_sig: number[]; date_avail: number[]; signal: number[] } = {
      security_id: [],
      date_sig: [],
      date_avail: [],
      signal: [],
    };
    for (let r = 0; r < prices.date.length; r++) {
      const d = prices.date[r], id = prices.security_id[r];
      const tomorrow = next.get(d), yesterday = prev.get(d);
      const c1 = tomorrow !== undefined ? close.get(`${id}|${tomorrow}`) : undefined;
      if (yesterday === undefined || c1 === undefined) continue;
      leak.security_id.push(id);
      leak.date_sig.push(yesterday);
      leak.date_avail.push(d);
      leak.signal.push(c1 / prices.close[r] - 1);
    }
    const signal: Signal = {
      security_id: leak.security_id,
      date_sig: Float64Array.from(leak.date_sig),
      date_avail: Float64Array.from(leak.date_avail),
      signal: Float64Array.from(leak.signal),
    };
    await writeSignal(`${dir}/leak.parquet`, signal);
    const { code, err } = await capture(() => main([...args, "--signal", `${dir}/leak.parquet`]));
    assertEquals(code, 2);
    assert(err.includes("lookahead_suspected") && err.includes("earns at lag 0"), err);
    assertEquals((await listRuns({ runsDir: `${dir}/runs` })).length, 3);
  });
  await t.step("a tampered snapshot is refused naming the file, and nothing is recorded", async () => {
    const path = `${dir}/snap/s/prices.parquet`;
    const db = await DuckDBInstance.create(":memory:");
    const conn = await db.connect();
    await conn.run(
      `COPY (SELECT * REPLACE (close * 3 AS close) FROM read_parquet('${path}')) TO '${path}.x' (FORMAT parquet)`,
    );
    conn.closeSync();
    db.closeSync();
    await Deno.rename(`${path}.x`, path);
    const { code, err } = await capture(() => main([...args, ...sig, "--force"]));
    assertEquals(code, 1);
    assert(err.includes(`snapshot "s": prices.parquet has`), err);
    assertEquals((await listRuns({ runsDir: `${dir}/runs` })).length, 3);
  });
  await t.step("--help and usage errors", async () => {
    assertEquals((await capture(() => main(["--help"]))).code, 0);
    assertEquals((await capture(() => main(["--snapshot", "s"]))).code, 2);
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("6 identical `deno task suite` processes started together record one run; none fails", async () => {
  const { dir, args } = await fixture();
  const cli = new URL("../lib/cli/suite.ts", import.meta.url).pathname;
  const config = new URL("../deno.json", import.meta.url).pathname;
  const procs = Array.from({ length: 6 }, () =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--config", config, cli, ...args, "--signal", `${dir}/sig.parquet`, "--json"],
      stdout: "piped",
      stderr: "piped",
    }).spawn());
  const outputs = await Promise.all(procs.map(async (p) => {
    const { code, stdout, stderr } = await p.output();
    const err = new TextDecoder().decode(stderr);
    assertEquals(code, 0, err);
    return { json: JSON.parse(new TextDecoder().decode(stdout)), err };
  }));
  assertEquals(new Set(outputs.map((o) => o.json.run_id)).size, 1);
  assertEquals(outputs.filter((o) => !o.json.reused).length, 1);
  assertEquals(outputs.filter((o) => o.err.includes("running suite")).length, 1); // computed once
  const runs = [...Deno.readDirSync(`${dir}/runs`)].map((e) => e.name).filter((n) => !n.startsWith("."));
  assertEquals(runs, [outputs[0].json.run_id]);
  await Deno.remove(dir, { recursive: true });
});
