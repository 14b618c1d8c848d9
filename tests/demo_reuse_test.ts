/**
 * Issue 17 item 4: `deno task demo` reuses the store, the snapshot and the demo signal when the
 * generator parameters and code are unchanged, and rebuilds when a file it made was changed.
 */
import { deepStrictEqual as deepEqual, equal, ok } from "node:assert/strict";
import { buildDemoData } from "../lib/demo/build.ts";
import { sha256File } from "../lib/util/hash.ts";

Deno.test("buildDemoData() reuses unchanged demo data in well under a second, rebuilds changed data", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "quantnb-demo-reuse-" });
  const paths = {
    db: `${dir}/quant.duckdb`,
    snapshotsDir: `${dir}/snapshots`,
    signalFile: `${dir}/signal.parquet`,
  };
  const cold = await buildDemoData(paths);
  equal(cold.reused, false);
  const signal = await sha256File(paths.signalFile);
  const store = await sha256File(paths.db);

  await t.step("a second build changes nothing and skips the generation", async () => {
    const started = performance.now();
    const warm = await buildDemoData(paths);
    const ms = performance.now() - started;
    equal(warm.reused, true);
    deepEqual([warm.manifest.hash, warm.tables], [cold.manifest.hash, cold.tables]);
    deepEqual([await sha256File(paths.signalFile), await sha256File(paths.db)], [signal, store]);
    // Generating and loading the universe alone takes ~4.5 s here (BENCHMARKS.md).
    ok(ms < 3000, `reuse took ${ms.toFixed(0)} ms`);
  });
  await t.step("an overwritten signal file is noticed and rebuilt to the same content", async () => {
    await Deno.writeTextFile(paths.signalFile, "not the demo signal");
    const rebuilt = await buildDemoData(paths);
    equal(rebuilt.reused, false);
    equal(rebuilt.manifest.hash, cold.manifest.hash);
    equal(await sha256File(paths.signalFile), signal);
  });
  await Deno.remove(dir, { recursive: true });
});
