import { openStore, queryRows } from "../store/db.ts";
import { TABLES } from "../store/schema.ts";
import { ingestSample, ingestSynthetic } from "../ingest/mod.ts";
import { createSnapshot, readManifest, storeFingerprint } from "../snapshot/mod.ts";
import type { Manifest } from "../snapshot/manifest.ts";
import { COMMON_HELP, parseTaskArgs, runTask } from "./args.ts";

const HELP = `deno task demo [options]

The main job on the embedded default data: generates the deterministic synthetic universe
(500 securities × 10 years, seed 42), loads the real S&P 500 sample (SPX, 2000-01-03 → 2020-04-17),
writes the store, snapshots it as "demo" and prints a summary. Re-running is idempotent: the same
store gives the same snapshot, which is reused.

Options:
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
    const { values } = parseTaskArgs(args, {});
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const started = performance.now();
    const store = await openStore(values.db);
    let manifest: Manifest;
    try {
      console.log("generating the synthetic universe and loading it…");
      await ingestSynthetic(store);
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
