import { DEFAULT_DB, openStore, queryRows, type Store } from "../store/db.ts";
import { DEFAULT_SNAPSHOTS } from "../snapshot/paths.ts";
import { SECURITY_TABLES, TABLE_DATE_COLUMN, TABLES } from "../store/schema.ts";
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
  const store = await openStore(db);
  try {
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
    const tables = await tableStats(store);
    const manifest = await demoSnapshot(store, snapshotsDir, log);
    return { manifest, signalFile, tables };
  } finally {
    store.close();
  }
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
export async function ensureDemoData(paths: DemoPaths = {}): Promise<Omit<DemoData, "tables">> {
  const { snapshotsDir = DEFAULT_SNAPSHOTS, signalFile = "data/demo_signal.parquet" } = paths;
  try {
    const manifest = await readManifest("demo", snapshotsDir);
    await Deno.stat(signalFile);
    return { manifest, signalFile };
  } catch {
    return await buildDemoData(paths);
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

async function demoSnapshot(
  store: Store,
  snapshotsDir: string,
  log: (line: string) => void,
): Promise<Manifest> {
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
  log("snapshot demo is up to date (same store fingerprint); reusing it");
  return existing;
}
