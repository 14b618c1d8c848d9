import { openStore, queryRows } from "../store/db.ts";
import { TABLES } from "../store/schema.ts";
import { DEFAULT_SYNTHETIC, ingestSample, loadUniverse, sentimentSignal, simulateUniverse } from "../ingest/mod.ts";
import { writeSignal } from "../signal/mod.ts";
import { runSuiteFile } from "../suite/run_file.ts";
import { type Progress, progress } from "../nb/progress.ts";
import { printSuite } from "./suite.ts";
import { createSnapshot, readManifest, storeFingerprint } from "../snapshot/mod.ts";
import type { Manifest } from "../snapshot/manifest.ts";
import { COMMON_HELP, parseTaskArgs, runTask } from "./args.ts";

const HELP = `deno task demo [options]

The main job on the embedded default data:
  1. generates the deterministic synthetic universe (500 securities × 10 years, seed 42) and loads
     the real S&P 500 sample (SPX, 2000-01-03 → 2020-04-17) into the store;
  2. snapshots it as "demo" (reused when the store is unchanged);
  3. writes a demo signal, a vendor's "sentiment" score, to data/demo_signal.parquet;
  4. runs the standard suite on it against the baselines (reversal_5d, momentum_12_1, value),
     records the run in runs/ and writes reports/demo/tearsheet.html.
Re-running is idempotent: the same store gives the same snapshot and the same run.

Options:
  --signal FILE      where to write the demo signal (default data/demo_signal.parquet)
  --workers N        suite workers (default: one per core)
  --runs DIR         run registry (default runs/)
  --reports DIR      reports folder (default reports/)
${COMMON_HELP}`;

const DATE_COLUMNS: Record<string, string> = {
  prices: "date",
  descriptors: "date",
  corporate_actions: "ex_date",
  calendar: "date",
};

/** `deno task demo`: see `--help`. Returns the exit code. */
export async function main(args: string[]): Promise<number> {
  return await runTask(async () => {
    const { values } = parseTaskArgs(args, {
      workers: { type: "string" },
      runs: { type: "string", default: "runs" },
      reports: { type: "string", default: "reports" },
      signal: { type: "string", default: "data/demo_signal.parquet" },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const started = performance.now();
    const store = await openStore(values.db);
    let manifest: Manifest;
    try {
      console.log("generating the synthetic universe and loading it…");
      const universe = simulateUniverse(DEFAULT_SYNTHETIC);
      await loadUniverse(store, universe, DEFAULT_SYNTHETIC);
      await writeSignal(values.signal, sentimentSignal(universe));
      console.log("loading the S&P 500 sample…");
      await ingestSample(store);
      console.log(`\nstore ${values.db}`);
      for (const table of TABLES) {
        const col = DATE_COLUMNS[table];
        const [r] = await queryRows(
          store.conn,
          `SELECT count(*) AS n${table === "calendar" ? "" : ", count(DISTINCT security_id) AS s"}${
            col ? `, min(${col})::VARCHAR AS lo, max(${col})::VARCHAR AS hi` : ""
          } FROM ${table}`,
        );
        console.log(
          `  ${table.padEnd(18)} ${String(r.n).padStart(9)} rows` +
            (r.s !== undefined ? `  ${String(r.s).padStart(4)} securities` : "                 ") +
            (col ? `  ${r.lo} → ${r.hi}` : ""),
        );
      }
      manifest = await demoSnapshot(store, values.snapshots);
    } finally {
      store.close();
    }
    console.log(`\nsnapshot ${manifest.snapshot_id}  hash ${manifest.hash}`);
    console.log(`  ${manifest.securities} securities, ${manifest.rows.prices} price rows, ${manifest.date_range.prices?.min} → ${manifest.date_range.prices?.max}`);
    console.log(`demo signal ${values.signal}`);

    let bar: Progress | undefined;
    const out = await runSuiteFile({
      snapshot: "demo",
      snapshotsDir: values.snapshots,
      signalFile: values.signal,
      runsDir: values.runs,
      workers: values.workers === undefined ? undefined : Number(values.workers),
      onProgress: (_done, total) => {
        bar ??= progress(total, { label: "standard suite" });
        bar.tick();
      },
    });
    await bar?.done();
    if (!out.ok) throw new Error(`the demo signal failed validation: ${out.validation.problems[0]?.message}`);
    printSuite(out.suite);
    const tearsheet = `${values.reports}/demo/tearsheet.html`;
    await Deno.mkdir(`${values.reports}/demo`, { recursive: true });
    await Deno.copyFile(`${out.run.dir}/tearsheet.html`, tearsheet);
    console.log(`\nrun ${out.run.run_id}${out.run.reused ? " (unchanged; reused)" : ""}`);
    console.log(`tear sheet ${tearsheet}`);
    console.log(`\ndone in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  }, HELP);
}

/** Creates snapshot "demo", or reuses it when it was taken from a store with the same content. */
async function demoSnapshot(store: Awaited<ReturnType<typeof openStore>>, snapshotsDir: string): Promise<Manifest> {
  let existing: Manifest | undefined;
  try {
    existing = await readManifest("demo", snapshotsDir);
  } catch {
    existing = undefined;
  }
  if (!existing) return await createSnapshot(store, "demo", { snapshotsDir });
  if (existing.source.fingerprint !== await storeFingerprint(store)) {
    throw new Error(
      `snapshot "demo" in ${snapshotsDir}/ was taken from different data and snapshots are immutable; remove ${snapshotsDir}/demo to rebuild it`,
    );
  }
  console.log(`\nsnapshot demo is up to date (same store fingerprint); reusing it`);
  return existing;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
