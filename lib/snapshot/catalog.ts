import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { sqlString } from "../store/db.ts";
import { SCHEMA_SQL, TABLES } from "../store/schema.ts";
import type { Manifest } from "./manifest.ts";
import { DEFAULT_SNAPSHOTS, readManifest, snapshotDir } from "./paths.ts";

/** A snapshot opened for queries: an in-memory DuckDB with one read-only view per table. */
export interface OpenSnapshot {
  readonly manifest: Manifest;
  readonly dir: string;
  readonly conn: DuckDBConnection;
  close(): void;
}

/** A line of `listSnapshots()`. */
export interface SnapshotEntry {
  snapshot_id: string;
  hash: string;
  created_at: string;
  securities: number;
  rows: number;
  start: string | null;
  end: string | null;
}

/**
 * Opens snapshot `id` for read-only queries: one view per store table (`securities`, `prices`,
 * `corporate_actions`, `descriptors`, `calendar`, `series`, `series_info`) reads its Parquet file directly
 * (a table the snapshot predates is present and empty), so any number of notebooks and jobs
 * can read the same snapshot at once.
 *
 * @example
 * ```ts
 * const snap = await openSnapshot("demo");
 * await snap.conn.runAndReadAll("SELECT count(*) FROM prices");
 * snap.close();
 * ```
 */
export async function openSnapshot(id: string, snapshotsDir = DEFAULT_SNAPSHOTS): Promise<OpenSnapshot> {
  const manifest = await readManifest(id, snapshotsDir);
  const dir = snapshotDir(id, snapshotsDir);
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  // Tables a snapshot predates (no file in its manifest) are there empty, with the store's schema.
  await conn.run(SCHEMA_SQL);
  for (const table of TABLES) {
    if (!manifest.files[`${table}.parquet`]) continue;
    await conn.run(`DROP TABLE ${table}`);
    await conn.run(
      `CREATE VIEW ${table} AS SELECT * FROM read_parquet(${sqlString(join(dir, `${table}.parquet`))})`,
    );
  }
  return {
    manifest,
    dir,
    conn,
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

/** Every snapshot under `snapshotsDir` (folders with a manifest), sorted by id. */
export async function listSnapshots(snapshotsDir = DEFAULT_SNAPSHOTS): Promise<SnapshotEntry[]> {
  const entries: SnapshotEntry[] = [];
  try {
    for await (const entry of Deno.readDir(snapshotsDir)) {
      if (!entry.isDirectory || entry.name.startsWith(".")) continue;
      try {
        const m = await readManifest(entry.name, snapshotsDir);
        entries.push({
          snapshot_id: m.snapshot_id,
          hash: m.hash,
          created_at: m.created_at,
          securities: m.securities,
          rows: m.rows.prices ?? 0,
          start: m.date_range.prices?.min ?? null,
          end: m.date_range.prices?.max ?? null,
        });
      } catch {
        // a folder without a readable manifest is not a snapshot
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return entries.sort((a, b) => a.snapshot_id.localeCompare(b.snapshot_id));
}
