/**
 * The demo's data step, cold and reused (issue 17 item 4), and the cost of an atomic load into a
 * large store (issue 8 item 1: the private copy and the integrity check).
 *
 *   deno run -A bench/demo_build.ts [--rounds 3]
 *
 * - cold: `buildDemoData` into an empty folder (generate 500 × 10 years, load it and the S&P 500
 *   sample, snapshot "demo", write the demo signal);
 * - reused: the same call again (generator parameters and code unchanged, files untouched);
 * - correction: a one-row CSV correction loaded into that store through `writeStore` (copy of the
 *   store, integrity check skipped as the file is the verified one, load, check, checkpoint, rename).
 * Prints the median of each over the rounds.
 */
import { parseArgs } from "node:util";
import { buildDemoData } from "../lib/demo/build.ts";
import { writeStore } from "../lib/store/write_store.ts";
import { ingestFile } from "../lib/ingest/file.ts";

const { values } = parseArgs({ args: Deno.args, options: { rounds: { type: "string", default: "3" } } });
const rounds = Number(values.rounds);
const times: Record<string, number[]> = { cold: [], reused: [], correction: [] };
const timed = async (name: string, fn: () => Promise<unknown>) => {
  const started = performance.now();
  await fn();
  times[name].push(performance.now() - started);
};
for (let k = 0; k < rounds; k++) {
  const dir = await Deno.makeTempDir({ prefix: "quantnb-demo-bench-" });
  const paths = {
    db: `${dir}/quant.duckdb`,
    snapshotsDir: `${dir}/snapshots`,
    signalFile: `${dir}/signal.parquet`,
  };
  await timed("cold", () => buildDemoData(paths));
  await timed("reused", () => buildDemoData(paths));
  const fix = `${dir}/fix.csv`;
  await Deno.writeTextFile(fix, "security_id,date,close\nSYN0001,2010-01-05,100\n");
  await timed("correction", () => writeStore(paths.db, (store) => ingestFile(store, fix)));
  console.error(
    `round ${k + 1}: ${Object.entries(times).map(([n, t]) => `${n} ${t[k].toFixed(0)} ms`).join(", ")}`,
  );
  await Deno.remove(dir, { recursive: true });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(
  Object.entries(times).map(([n, t]) => `${n}: median ${(median(t) / 1000).toFixed(2)} s`).join(", "),
);
