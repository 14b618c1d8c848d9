import { DEFAULT_DB, openStore, queryRows, type Store } from "../store/db.ts";
import { DEFAULT_SNAPSHOTS } from "../snapshot/paths.ts";
import { SECURITY_TABLES, TABLE_DATE_COLUMN, TABLES } from "../store/schema.ts";
import { writeStore } from "../store/write_store.ts";
import { basename, dirname, join } from "node:path";
import { writeFileAtomic } from "../util/atomic.ts";
import { fileIdentity } from "../util/file_identity.ts";
import { sha256Hex, stableJson } from "../util/hash.ts";
import {
  DEFAULT_SYNTHETIC,
  ingestSample,
  loadUniverse,
  sentimentSignal,
  simulateUniverse,
} from "../ingest/mod.ts";
import { createSnapshot, readManifest, storeFingerprint } from "../snapshot/mod.ts";
import type { Manifest } from "../snapshot/manifest.ts";
import { writeSignal } from "../signal/write_signal.ts";
import { writeTables } from "../store/write.ts";
import { DEFAULT_RATES, syntheticRates } from "../ingest/synthetic_rates.ts";

/** Where the demo data goes (the defaults every task uses). */
export interface DemoPaths {
  db?: string;
  snapshotsDir?: string;
  /** The demo signal file (CSV or Parquet). */
  signalFile?: string;
  /** Progress messages (default: none). */
  log?: (line: string) => void;
}

/** Row count, securities and date range of one store table. */
export interface TableStats {
  table: string;
  rows: number;
  securities: number | null;
  start: string | null;
  end: string | null;
}

/** What `buildDemoData` made. */
export interface DemoData {
  manifest: Manifest;
  signalFile: string;
  tables: TableStats[];
  /** True when nothing was rebuilt: same generator parameters and code, files untouched since. */
  reused: boolean;
}

/**
 * Builds the demo data: the synthetic universe (defaults, seed 42), its synthetic policy rate and CDI
 * (series SELIC, CDI) and the S&P 500 sample into the store, snapshot "demo" (reused when taken from
 * identical data; snapshots are immutable) and the demo signal file (the universe's vendor sentiment
 * score). Idempotent.
 *
 * @example
 * ```ts
 * const { manifest } = await buildDemoData();
 * manifest.snapshot_id; // => "demo"
 * ```
 */
export async function buildDemoData(paths: DemoPaths = {}): Promise<DemoData> {
  const {
    db = DEFAULT_DB,
    snapshotsDir = DEFAULT_SNAPSHOTS,
    signalFile = "data/demo_signal.parquet",
    log = () => {},
  } = paths;
  const key = await demoKey();
  const reused = await reusableDemo(db, snapshotsDir, signalFile, key);
  if (reused) {
    log("demo data is up to date (same generator parameters and code); reusing store, snapshot and signal");
  } else {
    await writeStore(db, async (store) => {
      log("generating the synthetic universe and loading it…");
      const universe = simulateUniverse(DEFAULT_SYNTHETIC);
      await loadUniverse(store, universe, DEFAULT_SYNTHETIC);
      await writeTables(store, syntheticRates(universe.tables.calendar), {
        source: "synthetic_rates",
        params: { ...DEFAULT_RATES },
      });
      await writeSignal(signalFile, sentimentSignal(universe));
      log("loading the S&P 500 sample…");
      await ingestSample(store);
    }, { log });
  }
  const store = await openStore(db, { readOnly: true });
  try {
    const tables = await tableStats(store);
    const manifest = reused ?? await demoSnapshot(store, snapshotsDir, log);
    if (!reused) await writeDemoStamp(db, signalFile, key, manifest);
    return { manifest, signalFile, tables, reused: reused !== undefined };
  } finally {
    store.close();
  }
}

/** The demo's stamp: what the last build made, beside the store (`.<store name>.demo.json`). */
interface DemoStamp {
  key: string;
  store: string;
  signal: string;
  snapshot: string;
}

function stampPath(db: string): string {
  return join(dirname(db), `.${basename(db)}.demo.json`);
}

/**
 * What the demo data is made from: the generator parameters and every source file of the code that
 * writes it (ingest, store, demo, signal writer, random numbers). Any change rebuilds the demo.
 */
async function demoKey(): Promise<string> {
  const here = new URL("..", import.meta.url);
  const sources: Record<string, string> = {};
  if (here.protocol === "file:") {
    for (const folder of ["ingest", "store", "demo"]) {
      for await (const entry of Deno.readDir(new URL(`${folder}/`, here))) {
        if (entry.isFile && entry.name.endsWith(".ts")) {
          sources[`${folder}/${entry.name}`] = await Deno.readTextFile(
            new URL(`${folder}/${entry.name}`, here),
          );
        }
      }
    }
    for (const file of ["signal/write_signal.ts", "util/rng.ts"]) {
      sources[file] = await Deno.readTextFile(new URL(file, here));
    }
  } else sources.unknown = crypto.randomUUID(); // code we cannot read: never reuse
  return await sha256Hex(stableJson({ params: DEFAULT_SYNTHETIC, sources }));
}

/**
 * The manifest of snapshot "demo" when the store, the snapshot and the signal file are exactly what
 * the last build with the same key made (same files: size, mtime, inode); otherwise `undefined`.
 */
async function reusableDemo(
  db: string,
  snapshotsDir: string,
  signalFile: string,
  key: string,
): Promise<Manifest | undefined> {
  let stamp: DemoStamp;
  try {
    stamp = JSON.parse(await Deno.readTextFile(stampPath(db)));
  } catch {
    return undefined;
  }
  if (stamp.key !== key || stamp.store !== await fileIdentity(db)) return undefined;
  if (stamp.signal !== await fileIdentity(signalFile)) return undefined;
  const manifest = await readManifest("demo", snapshotsDir).catch(() => undefined);
  return manifest?.hash === stamp.snapshot ? manifest : undefined;
}

async function writeDemoStamp(
  db: string,
  signalFile: string,
  key: string,
  manifest: Manifest,
): Promise<void> {
  const stamp: DemoStamp = {
    key,
    store: (await fileIdentity(db))!,
    signal: (await fileIdentity(signalFile))!,
    snapshot: manifest.hash,
  };
  await writeFileAtomic(stampPath(db), JSON.stringify(stamp, null, 2) + "\n");
}

/**
 * The demo data, built only if snapshot "demo" or the signal file is missing: what notebooks call
 * first, so they run from a fresh clone and start instantly afterwards.
 *
 * @example
 * ```ts
 * const { manifest, signalFile } = await ensureDemoData();
 * ```
 */
export async function ensureDemoData(
  paths: DemoPaths = {},
): Promise<Pick<DemoData, "manifest" | "signalFile">> {
  return await demoDataReady(paths) ?? await buildDemoData(paths);
}

/**
 * The demo data when it is there (snapshot "demo" and the signal file), else undefined: what
 * `ensureDemoData` checks before building, and `deno task report` before running notebooks side by side.
 *
 * @example
 * ```ts
 * if (!(await demoDataReady())) console.log("the first notebook builds the demo data");
 * ```
 */
export async function demoDataReady(
  paths: DemoPaths = {},
): Promise<Pick<DemoData, "manifest" | "signalFile"> | undefined> {
  const { snapshotsDir = DEFAULT_SNAPSHOTS, signalFile = "data/demo_signal.parquet" } = paths;
  try {
    const manifest = await readManifest("demo", snapshotsDir);
    await Deno.stat(signalFile);
    return { manifest, signalFile };
  } catch {
    return undefined;
  }
}

/** Rows, securities and date range of every store table. */
export async function tableStats(store: Store): Promise<TableStats[]> {
  const stats: TableStats[] = [];
  for (const table of TABLES) {
    const col = TABLE_DATE_COLUMN[table];
    const [r] = await queryRows(
      store.conn,
      `SELECT count(*) AS n, ${SECURITY_TABLES.includes(table) ? "count(DISTINCT security_id)" : "NULL"} AS s,
       ${col ? `min(${col})::VARCHAR` : "NULL"} AS lo, ${
        col ? `max(${col})::VARCHAR` : "NULL"
      } AS hi FROM ${table}`,
    );
    stats.push({
      table,
      rows: r.n as number,
      securities: (r.s as number | null) ?? null,
      start: (r.lo as string | null) ?? null,
      end: (r.hi as string | null) ?? null,
    });
  }
  return stats;
}

/**
 * Snapshot `id` of the store: taken when missing, reused when taken from the same data (same store
 * fingerprint); an error naming the folder to remove when it was taken from other data (snapshots
 * are immutable).
 */
export async function demoSnapshot(
  store: Store,
  snapshotsDir: string,
  log: (line: string) => void,
  id = "demo",
): Promise<Manifest> {
  let existing: Manifest | undefined;
  try {
    existing = await readManifest(id, snapshotsDir);
  } catch {
    existing = undefined;
  }
  if (!existing) return await createSnapshot(store, id, { snapshotsDir });
  if (existing.source.fingerprint !== await storeFingerprint(store)) {
    throw new Error(
      `snapshot "${id}" in ${snapshotsDir}/ was taken from different data and snapshots are immutable; remove ${snapshotsDir}/${id} to rebuild it`,
    );
  }
  log(`snapshot ${id} is up to date (same store fingerprint); reusing it`);
  return existing;
}
