import { exists } from "../util/fs.ts";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { sqlString } from "../store/db.ts";
import { SCHEMA_SQL, TABLES } from "../store/schema.ts";
import type { Manifest } from "./manifest.ts";
import { DEFAULT_SNAPSHOTS, readManifest, snapshotDir } from "./paths.ts";
import { verifiedManifest } from "./verify.ts";

/** A snapshot opened for queries: an in-memory DuckDB with one read-only view per table. */
export interface OpenSnapshot {
  readonly manifest: Manifest;
  readonly dir: string;
  readonly conn: DuckDBConnection;
  /** Another connection to the same views, for a query to run beside `conn`'s; close it before `close()`. */
  connect(): Promise<DuckDBConnection>;
  close(): void;
}

/**
 * A line of `listSnapshots()`. `snapshot_id` is the FOLDER's name (what `openSnapshot` takes);
 * `problem` says what is wrong when the manifest is unreadable or names another id (`manifest_id`).
 */
export interface SnapshotEntry {
  snapshot_id: string;
  /** The id the manifest claims ("" when it cannot be read). */
  manifest_id: string;
  hash: string;
  created_at: string;
  securities: number;
  rows: number;
  start: string | null;
  end: string | null;
  problem: string | null;
}

/**
 * Opens snapshot `id` for read-only queries, after verifying it (`verifiedManifest`: the manifest's
 * own hash and id, each file's size and metadata against the verified cache, full hashes where
 * they changed; a mismatch throws a `SnapshotIntegrityError` naming the file). One view per store
 * table (`securities`, `prices`, `corporate_actions`, `descriptors`, `calendar`, `series`,
 * `series_info`) reads its Parquet file directly (a table the snapshot predates is present and
 * empty), so any number of notebooks and jobs can read the same snapshot at once.
 *
 * @example
 * ```ts
 * const snap = await openSnapshot("demo");
 * await snap.conn.runAndReadAll("SELECT count(*) FROM prices");
 * snap.close();
 * ```
 */
export async function openSnapshot(id: string, snapshotsDir = DEFAULT_SNAPSHOTS): Promise<OpenSnapshot> {
  const manifest = await verifiedManifest(id, snapshotsDir);
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
    connect: () => instance.connect(),
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

/**
 * Every snapshot folder under `snapshotsDir` (hidden folders of writes in flight excluded), sorted by
 * the folder's id. Listing does not verify files (`verifySnapshot` does); a folder whose manifest
 * cannot be read, or names another id than its folder, is listed with the `problem`.
 *
 * @example
 * ```ts
 * (await listSnapshots()).filter((s) => s.problem); // folders that cannot be opened as they are
 * ```
 */
export async function listSnapshots(snapshotsDir = DEFAULT_SNAPSHOTS): Promise<SnapshotEntry[]> {
  const entries: SnapshotEntry[] = [];
  try {
    for await (const entry of Deno.readDir(snapshotsDir)) {
      if (!entry.isDirectory || entry.name.startsWith(".")) continue;
      if (!(await exists(join(snapshotsDir, entry.name, "manifest.json")))) continue; // not a snapshot
      const blank: SnapshotEntry = {
        snapshot_id: entry.name,
        manifest_id: "",
        hash: "",
        created_at: "",
        securities: 0,
        rows: 0,
        start: null,
        end: null,
        problem: null,
      };
      try {
        const m = await readManifest(entry.name, snapshotsDir);
        entries.push({
          ...blank,
          manifest_id: m.snapshot_id,
          hash: m.hash,
          created_at: m.created_at,
          securities: m.securities,
          rows: m.rows?.prices ?? 0,
          start: m.date_range?.prices?.min ?? null,
          end: m.date_range?.prices?.max ?? null,
          problem: m.snapshot_id === entry.name
            ? null
            : `its manifest says snapshot_id "${m.snapshot_id}" (renamed or copied folder); opening it is refused`,
        });
      } catch (error) {
        entries.push({ ...blank, problem: (error as Error).message });
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return entries.sort((a, b) => a.snapshot_id.localeCompare(b.snapshot_id));
}
