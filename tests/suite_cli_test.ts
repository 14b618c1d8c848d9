import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { main } from "../lib/cli/suite.ts";
import { listRuns } from "../lib/track/mod.ts";
import { capture } from "./fixtures/capture.ts";
import { syntheticSnapshot } from "./fixtures/synthetic_snapshot.ts";

Deno.test("deno task suite records a run with its tear sheet, reuses an identical rerun and refuses a bad signal", async (t) => {
  const dir = await Deno.makeTempDir();
  await syntheticSnapshot(dir, { nSecurities: 80, years: 2, seed: 3, sentiment: 0.03 });
  const args = ["--snapshot", "s", "--snapshots", `${dir}/snap`, "--runs", `${dir}/runs`, "--workers", "0"];

  await t.step("--json prints the verdict, variants and the run", async () => {
    const { code, out } = await capture(() => main([...args, "--signal", `${dir}/sig.parquet`, "--json"]));
    assertEquals(code, 0);
    const json = JSON.parse(out);
    assert(["green", "yellow", "red"].includes(json.verdict.color));
    assertEquals(json.signal.name, "vendor_sentiment");
    assertEquals(json.signal.variants.length, 6);
    assertEquals(json.baselines.map((b: { name: string }) => b.name), [
      "reversal_5d",
      "momentum_12_1",
      "value",
    ]);
    const files = [...Deno.readDirSync(`${dir}/runs/${json.run_id}`)].map((e) => e.name).sort();
    assertEquals(files, ["daily.parquet", "run.json", "summary.csv", "tearsheet.html"]);
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
  });
  await t.step("an identical rerun is recognised and not written twice", async () => {
    const { code, out } = await capture(() => main([...args, "--signal", `${dir}/sig.parquet`]));
    assertEquals(code, 0);
    assert(out.includes("reused"), out);
    assertEquals((await listRuns({ runsDir: `${dir}/runs` })).length, 1);
  });
  await t.step("an invalid signal exits 2 with the report and records nothing", async () => {
    await Deno.writeTextFile(
      `${dir}/bad.csv`,
      "security_id,date_sig,signal\nSYN0001,2010-01-05,1\nSYN0001,2010-01-05,2\n",
    );
    const { code, err } = await capture(() => main([...args, "--signal", `${dir}/bad.csv`]));
    assertEquals(code, 2);
    assert(err.includes("duplicate"), err);
    assertEquals((await listRuns({ runsDir: `${dir}/runs` })).length, 1);
  });
  await t.step("--help and usage errors", async () => {
    assertEquals((await capture(() => main(["--help"]))).code, 0);
    assertEquals((await capture(() => main(["--snapshot", "s"]))).code, 2);
  });
  await Deno.remove(dir, { recursive: true });
});
