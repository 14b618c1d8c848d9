import { exists } from "../util/fs.ts";
import { join, resolve } from "node:path";
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
  await createViews(conn, manifest, dir);
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

/** A verified snapshot whose views live in an instance this process keeps (see `withSnapshotViews`). */
export interface SnapshotViews {
  readonly manifest: Manifest;
  readonly dir: string;
  /** A new connection to the views (temp tables stay private to it); the caller closes it. */
  connect(): Promise<DuckDBConnection>;
}

/** An instance kept between `withSnapshotViews` calls: `ready` once made, `users` the calls using it. */
interface KeptViews {
  instance: Promise<DuckDBInstance>;
  ready?: DuckDBInstance;
  users: number;
}

/** Instances kept between `withSnapshotViews` calls, least recently used first. */
const keptViews = new Map<string, KeptViews>();

/** How many idle snapshot instances a process keeps (each holds only its views, no data). */
const KEPT_VIEWS = 2;

/**
 * Runs `fn` on snapshot `id`, verified on every call exactly as `openSnapshot` verifies it, with
 * its views in an in-memory DuckDB instance kept for the process: repeated reads of one snapshot
 * (panel loads) skip creating the instance and its views and closing it, which cost about as much
 * as reading a small panel. Instances are keyed by folder and manifest hash (a rewritten snapshot
 * gets a new one) and the two most recently used are kept; DuckDB's cache of file contents is
 * off in them, so an idle instance holds no data. `fn` must only read the views and create temp
 * tables, which stay private to its connections; it closes the connections it opens.
 *
 * @example
 * ```ts
 * const rows = await withSnapshotViews("demo", "snapshots", async (views) => {
 *   const conn = await views.connect();
 *   try {
 *     return (await conn.runAndReadAll("SELECT count(*) FROM prices")).getRows();
 *   } finally {
 *     conn.closeSync();
 *   }
 * });
 * ```
 */
export async function withSnapshotViews<T>(
  id: string,
  snapshotsDir: string = DEFAULT_SNAPSHOTS,
  fn: (views: SnapshotViews) => Promise<T>,
): Promise<T> {
  const manifest = await verifiedManifest(id, snapshotsDir);
  const dir = snapshotDir(id, snapshotsDir);
  const key = `${resolve(dir)}\0${manifest.manifest_hash ?? ""}\0${manifest.hash}`;
  let kept = keptViews.get(key);
  if (kept) keptViews.delete(key); // re-inserted below as the most recently used
  else {
    const made: KeptViews = { instance: viewsInstance(manifest, dir), users: 0 };
    made.instance.then((instance) => made.ready = instance, () => {
      if (keptViews.get(key) === made) keptViews.delete(key); // one that could not be made is not kept
    });
    kept = made;
  }
  keptViews.set(key, kept);
  kept.users++;
  try {
    const instance = await kept.instance;
    return await fn({ manifest, dir, connect: () => instance.connect() });
  } finally {
    kept.users--;
    closeIdleBeyond(KEPT_VIEWS);
  }
}

/** A new in-memory instance with the snapshot's views, without DuckDB's cache of file contents. */
async function viewsInstance(manifest: Manifest, dir: string): Promise<DuckDBInstance> {
  const instance = await DuckDBInstance.create(":memory:", { enable_external_file_cache: "false" });
  try {
    const conn = await instance.connect();
    try {
      await createViews(conn, manifest, dir);
    } finally {
      conn.closeSync();
    }
    return instance;
  } catch (error) {
    instance.closeSync();
    throw error;
  }
}

/** Closes the least recently used idle kept instances until at most `keep` remain. */
function closeIdleBeyond(keep: number): void {
  for (const [key, kept] of keptViews) {
    if (keptViews.size <= keep) return;
    if (kept.users > 0 || !kept.ready) continue;
    keptViews.delete(key);
    kept.ready.closeSync();
  }
}

/**
 * One read-only view per store table on `conn`, reading the snapshot's Parquet file; tables the
 * snapshot predates (no file in its manifest) are there empty, with the store's schema.
 */
async function createViews(conn: DuckDBConnection, manifest: Manifest, dir: string): Promise<void> {
  // One script, one round trip to DuckDB: the schema, then each table with a file replaced by its view.
  const views = TABLES.filter((table) => manifest.files[`${table}.parquet`]).map((table) =>
    `DROP TABLE ${table};
    CREATE VIEW ${table} AS SELECT * FROM read_parquet(${sqlString(join(dir, `${table}.parquet`))});`
  );
  await conn.run([SCHEMA_SQL, ...views].join("\n"));
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
