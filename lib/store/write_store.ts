/**
 * Atomic store writes. A load never writes into the store file itself: it writes a private copy
 * (`.<name>.tmp-<random>` beside it), checks the copy's integrity, checkpoints it into one
 * self-contained file and renames it over the store. `rename(2)` is atomic, so after a crash or a
 * `kill -9` at any instant the store is either the one before the load or the one after it.
 *
 * Why not rely on DuckDB's transactions: DuckDB 1.5.5 writes the row groups of a large insert into
 * the database file during the transaction ("optimistic writes") and logs only pointers to them in
 * the write-ahead log at commit. When the process dies while that log is being written, the next
 * open replays the torn log: `ReplayRowGroupData` merges those row groups straight into the table
 * storage, the replay's rollback does not undo them, and the truncated log is accepted as a torn
 * tail. The store then opens with the load's inserts but without its deletes and its other tables
 * (duplicate keys, orphan prices), and the next delete-then-insert load makes the log unreplayable
 * ("Conflict on tuple deletion"). See `src/storage/wal_replay.cpp` in duckdb/duckdb.
 */
import { basename, join } from "node:path";
import { dirOf, openDuckDB, queryRows, sqlString, type Store } from "./db.ts";
import { acquireWriteLock, type LockOptions } from "./lock.ts";
import { checkStore, rowCounts, type StoreCheck, UNKNOWN_COUNTS } from "./check.ts";
import { statOrUndefined, writeFileAtomic } from "../util/atomic.ts";
import { fileIdentity } from "../util/file_identity.ts";

/** Options of `writeStore`. */
export interface WriteStoreOptions extends LockOptions {
  /** Status lines for the slower steps (copying a large store, checking, committing). */
  log?: (line: string) => void;
}

/** The store failed its integrity check: before the load (refused) or after it (not committed). */
export class StoreIntegrityError extends Error {
  constructor(
    readonly store: string,
    readonly check: StoreCheck,
    readonly when: "before" | "after",
    { wal = false } = {},
  ) {
    super(
      [
        when === "before"
          ? `store ${store} fails its integrity check${
            wal ? " once its write-ahead log is replayed" : ""
          }; refusing to write to it:`
          : `the load would leave store ${store} inconsistent; nothing was written:`,
        ...check.problems.map((p) => `  ${p.message}`),
        when === "after"
          ? "This is a bug in the loader; please report it with the command you ran."
          : wal
          ? `The file without its log holds the store as it was before the interrupted write: move ${store}.wal away (keep a copy) to get that state back.`
          : "Rebuild it from your sources (remove the file and ingest again) or restore a copy; `deno task store check` shows the details.",
      ].join("\n"),
    );
    this.name = "StoreIntegrityError";
  }
}

/**
 * Runs `body` on a writable copy of the store at `path` and publishes the result atomically when
 * `body` resolves; when it throws (or the process dies), the store is left exactly as it was.
 * One writer at a time: waits up to `waitMs` for the writer lock (see `acquireWriteLock`), then
 * fails naming the writer. Readers are never blocked and keep seeing the previous store until the
 * rename.
 *
 * Before `body`, the store must pass `checkStore` (skipped when the file is exactly what the last
 * `writeStore` published and verified); after `body`, every row count must be accounted for in
 * `ingest_log` and the result must pass `checkStore` again, or nothing is published.
 * Leftover copies of interrupted loads are removed first. Needs free disk space for one copy of the
 * store.
 *
 * @example
 * ```ts
 * await writeStore("data/quant.duckdb", async (store) => {
 *   await writeTables(store, tables, { source: "vendor", params: {} });
 * });
 * ```
 */
export async function writeStore<T>(
  path: string,
  body: (store: Store) => Promise<T>,
  options: WriteStoreOptions = {},
): Promise<T> {
  const log = options.log ?? (() => {});
  if (path === ":memory:") {
    const store = await openDuckDB(path, { readOnly: false, createSchema: true });
    try {
      return await body(store);
    } finally {
      store.close();
    }
  }
  await Deno.mkdir(dirOf(path), { recursive: true });
  const lock = await acquireWriteLock(path, { waitMs: options.waitMs, onWait: options.onWait ?? log });
  const shadow = join(dirOf(path), `.${basename(path)}.tmp-${randomSuffix()}`);
  let shadowStore: Store | undefined;
  try {
    const removed = await removeLeftovers(path);
    if (removed.files) {
      log(`removed ${removed.files} leftover file(s) of an interrupted load (${mb(removed.bytes)})`);
    }
    const existing = await statOrUndefined(path);
    const verified = existing !== undefined && await isVerified(path);
    if (existing) await prepareOriginal(path, log, options.waitMs);
    if (existing) {
      if (existing.size > 64 << 20) log(`copying the store (${mb(existing.size)})…`);
      await Deno.copyFile(path, shadow);
    }
    shadowStore = await openDuckDB(shadow, { readOnly: false, createSchema: true, waitMs: options.waitMs });
    const conn = shadowStore.conn;
    if (existing && !verified) {
      log("checking the store's integrity…");
      const before = await checkStore(shadowStore);
      if (!before.ok) throw new StoreIntegrityError(path, before, "before");
    }
    await conn.run(`UPDATE ingest_log SET counts = ${sqlString(UNKNOWN_COUNTS)} WHERE counts IS NULL`);
    const result = await body({ ...shadowStore, path, close: refuseClose });
    await stampCounts(shadowStore);
    const after = await checkStore(shadowStore);
    if (!after.ok) throw new StoreIntegrityError(path, after, "after");
    await conn.run("CHECKPOINT");
    shadowStore.close();
    shadowStore = undefined;
    if (await statOrUndefined(`${shadow}.wal`)) {
      throw new Error(
        `DuckDB left a write-ahead log beside ${shadow} after CHECKPOINT; nothing was published`,
      );
    }
    await syncFile(shadow);
    await Deno.rename(shadow, path);
    await syncDir(dirOf(path));
    await recordVerified(path);
    return result;
  } finally {
    shadowStore?.close();
    await Deno.remove(shadow).catch(() => {});
    await Deno.remove(`${shadow}.wal`).catch(() => {});
    lock.release();
  }
}

/**
 * Removes the temp copies (and their write-ahead logs) and the temp verified stamps that interrupted
 * loads of `path` left beside it. Call only while holding the store's writer lock: then no load is
 * using them.
 */
export async function removeLeftovers(path: string): Promise<{ files: number; bytes: number }> {
  const prefixes = [`.${basename(path)}.tmp-`, `${basename(verifiedPath(path))}.tmp-`];
  let files = 0, bytes = 0;
  for await (const entry of Deno.readDir(dirOf(path))) {
    if (!entry.isFile || !prefixes.some((prefix) => entry.name.startsWith(prefix))) continue;
    const file = join(dirOf(path), entry.name);
    const info = await statOrUndefined(file);
    await Deno.remove(file).catch(() => {});
    files++;
    bytes += info?.size ?? 0;
  }
  return { files, bytes };
}

/**
 * Makes the store file self-contained before it is copied. A write-ahead log beside it (left by a
 * direct read-write handle that was killed) is first replayed in a scratch copy and checked: a
 * store it would corrupt is refused, untouched (the file without its log holds the state before the
 * interrupted write); a clean one is replayed and checkpointed in place, as any open would replay
 * it. Without a log, a read-only open proves no other process holds the file read-write.
 */
async function prepareOriginal(path: string, log: (line: string) => void, waitMs?: number): Promise<void> {
  if (!(await statOrUndefined(`${path}.wal`))) {
    (await openDuckDB(path, { readOnly: true, waitMs })).close();
    return;
  }
  log(`replaying the write-ahead log beside ${path} (left by an interrupted direct write)…`);
  const scratch = join(dirOf(path), `.${basename(path)}.tmp-${randomSuffix()}`);
  try {
    await Deno.copyFile(path, scratch);
    await Deno.copyFile(`${path}.wal`, `${scratch}.wal`);
    const replayed = await openDuckDB(scratch, { readOnly: false, waitMs });
    let check: StoreCheck;
    try {
      check = await checkStore(replayed);
    } finally {
      replayed.close();
    }
    if (!check.ok) throw new StoreIntegrityError(path, check, "before", { wal: true });
  } finally {
    await Deno.remove(scratch).catch(() => {});
    await Deno.remove(`${scratch}.wal`).catch(() => {});
  }
  const store = await openDuckDB(path, { readOnly: false, waitMs });
  try {
    await store.conn.run("CHECKPOINT");
  } finally {
    store.close();
  }
}

/**
 * Accounts for every row count the load leaves (see `checkStore`): `ingest_log` rows written without
 * counts get them, and row counts changed without any logged load get a log row of their own.
 */
async function stampCounts(store: Store): Promise<void> {
  const counts = await rowCounts(store.conn);
  const json = JSON.stringify(counts);
  await store.conn.run(`UPDATE ingest_log SET counts = ${sqlString(json)} WHERE counts IS NULL`);
  const [last] = await queryRows(
    store.conn,
    `SELECT counts FROM ingest_log WHERE counts <> ${
      sqlString(UNKNOWN_COUNTS)
    } ORDER BY loaded_at DESC, rowid DESC LIMIT 1`,
  );
  const changed = last ? last.counts !== json : Object.values(counts).some((n) => n > 0);
  if (changed) {
    // Rows changed without a logged load: log one, so every row count stays accounted for.
    await store.conn.run(
      `INSERT INTO ingest_log (loaded_at, source, params, rows, counts)
       VALUES (now()::TIMESTAMP, 'unlogged write', '{}', 0, ${sqlString(json)})`,
    );
  }
}

/** The stamp of the last published, verified store file: `.<name>.verified` beside it. */
function verifiedPath(path: string): string {
  return join(dirOf(path), `.${basename(path)}.verified`);
}

async function recordVerified(path: string): Promise<void> {
  await writeFileAtomic(verifiedPath(path), (await fileIdentity(path))! + "\n");
}

/** True when `path` is exactly the file the last `writeStore` published (and no log is beside it). */
async function isVerified(path: string): Promise<boolean> {
  if (await statOrUndefined(`${path}.wal`)) return false;
  const stamp = await Deno.readTextFile(verifiedPath(path)).catch(() => "");
  return stamp.trim() === await fileIdentity(path);
}

function refuseClose(): never {
  throw new Error("writeStore opens and closes the store itself; do not close it inside the body");
}

async function syncFile(path: string): Promise<void> {
  using file = await Deno.open(path, { read: true, write: true });
  await file.sync();
}

/** Fsyncs a folder so a rename in it is durable (best effort: not every platform allows it). */
async function syncDir(dir: string): Promise<void> {
  try {
    using handle = await Deno.open(dir, { read: true });
    await handle.sync();
  } catch {
    // Some platforms cannot open or fsync a directory; the rename is still atomic.
  }
}

function randomSuffix(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, "0")).join(
    "",
  );
}

function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MB`;
}
