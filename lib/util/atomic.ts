/**
 * Atomic writes: build a file or a folder under a temporary name in the same parent, then
 * `Deno.rename` it into place. Readers see either nothing (or the old file) or the complete new one,
 * never a half-written one; a crash leaves at most a hidden `.<name>.tmp-<random>` entry that globs on
 * visible names (and `listRuns`) ignore, and that the next write of the same kind removes.
 *
 * Same parent ⇒ same filesystem ⇒ `rename(2)` is atomic. Files are fsynced before the rename, so the
 * content is on disk when the new name appears; a folder's files are fsynced concurrently (and those
 * written through its `DirFiles` as soon as they are written, while the build goes on).
 *
 * Who owns a temp folder: its writer holds an exclusive lock (`flock`) on `.<name>.tmp-<random>.lock`
 * beside it for as long as it works; the kernel releases it when the process dies, however it dies.
 * So the next `writeDirAtomic` into the same parent (the next snapshot, the next run) removes every
 * temp folder whose lock it can take — a crashed writer's — and never one a live writer holds.
 * Temp folders of older versions (no lock file) and crashed temp files are removed once untouched
 * for `ORPHAN_AGE_MS`.
 *
 * A folder's metadata operations (stat, mkdir, listing, lock file, rename) are synchronous calls:
 * each takes microseconds, where an async op costs a round trip through the runtime's thread pool
 * (0.1–0.3 ms on a busy machine) — a run folder makes about fifteen. The fsyncs, which wait on the
 * disk, stay asynchronous.
 */
import { basename, dirname, join } from "node:path";
import { existsSync, removeQuietly } from "./fs.ts";

/** A temp entry with no lock file is an orphan once untouched this long (15 minutes). */
export const ORPHAN_AGE_MS = 15 * 60_000;

/** `.<name>.tmp-<12 hex>`: the temp names this module makes. */
const TEMP_NAME = /^\..+\.tmp-[0-9a-f]{12}$/;

/** A random hex suffix for temp names (uniqueness across processes, not reproducibility). */
function randomSuffix(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The temp path `<parent>/.<name>.tmp-<random>` beside `path`. */
function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${randomSuffix()}`);
}

/** `Deno.lstat`, or `undefined` when nothing is at `path`. */
export async function statOrUndefined(path: string): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.lstat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

/**
 * Fsyncs `path` — after creating it (refused when it exists) and writing `data` into it, when given.
 * The open and the write are synchronous (done when the call returns, with the fsync under way); the
 * promise resolves once the file is on disk.
 */
async function syncFile(path: string, data?: string | Uint8Array): Promise<void> {
  using file = Deno.openSync(path, data === undefined ? { read: true } : { write: true, createNew: true });
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  for (let written = 0; bytes && written < bytes.length;) written += file.writeSync(bytes.subarray(written));
  await file.sync();
}

/**
 * Fsyncs every file under `dir` (recursively) but those in `synced` (paths already fsynced), all
 * concurrently, so a renamed folder's content is durable.
 */
async function syncTree(dir: string, synced: ReadonlySet<string>): Promise<void> {
  const pending: Promise<void>[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) pending.push(syncTree(path, synced));
    else if (entry.isFile && !synced.has(path)) pending.push(syncFile(path));
  }
  await settleAll(pending);
}

/**
 * Waits for every promise to settle, then throws the first rejection: a build that writes files
 * concurrently leaves none running when its temp folder is removed.
 *
 * @example
 * ```ts
 * await settleAll([files.write("a.json", a), files.write("b.csv", b)]);
 * ```
 */
export async function settleAll(pending: readonly Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(pending)).find((r) => r.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

/**
 * Writing into the temp folder of a `writeDirAtomic`: each file written or synced through it is
 * fsynced right away, its fsync waiting on the disk while the build goes on, and not again before
 * the rename.
 */
export interface DirFiles {
  /**
   * Writes `data` to `name` (a path relative to the folder; its parent folders are made) at once,
   * synchronously, and starts its fsync; resolves when the file is on disk.
   */
  write(name: string, data: string | Uint8Array): Promise<void>;
  /** Starts the fsync of `name`, a file something else wrote into the folder (e.g. DuckDB's `COPY … TO`). */
  sync(name: string): Promise<void>;
}

/** The `DirFiles` of temp folder `tmp`, noting in `synced` each path it fsynced. */
function dirFiles(tmp: string, synced: Set<string>): DirFiles {
  return {
    async write(name, data) {
      const path = join(tmp, name);
      if (dirname(path) !== tmp) Deno.mkdirSync(dirname(path), { recursive: true });
      await syncFile(path, data);
      synced.add(path);
    },
    async sync(name) {
      const path = join(tmp, name);
      await syncFile(path);
      synced.add(path);
    },
  };
}

/**
 * Writes `data` to `path` atomically: writes and fsyncs `.<name>.tmp-<random>` in the same folder, then
 * renames it over `path`. An existing file is replaced in one step (readers see old or new content);
 * an existing directory at `path` is refused with `Deno.errors.AlreadyExists`. Creates the parent
 * folder if needed. On failure the temp file is removed.
 *
 * @example
 * ```ts
 * await writeFileAtomic("snapshots/s1/manifest.json", JSON.stringify(manifest));
 * ```
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const existing = await statOrUndefined(path);
  if (existing?.isDirectory) {
    throw new Deno.errors.AlreadyExists(`writeFileAtomic: "${path}" is an existing directory`);
  }
  await Deno.mkdir(dirname(path), { recursive: true });
  if (existing) await removeStaleTempFiles(path);
  const tmp = tempPathFor(path);
  try {
    await syncFile(tmp, data);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

/**
 * Builds a folder atomically: creates `<parent>/.<name>.tmp-<random>` (owned through its lock file,
 * see the module doc), lets `build(tmpDir, files)` fill it, fsyncs the files (concurrently; those
 * written or synced through `files` already are) and renames the folder to `finalDir` only if `build`
 * succeeds. If `build` throws, the temp folder is removed and the error
 * rethrown, so `finalDir` never exists half-written. Before starting, removes the temp folders that
 * crashed writers left in the same parent (`removeOrphans`). Refuses (`Deno.errors.AlreadyExists`)
 * when `finalDir` already exists, before and at the rename (a concurrent writer that got there first
 * makes our rename fail; an empty folder created by someone else in that instant would be replaced,
 * as `rename(2)` allows). Creates the parent if needed.
 *
 * @example
 * ```ts
 * await writeDirAtomic("runs/20240102-101500-mom-0123456789ab", async (tmp, files) => {
 *   await Promise.all([files.write("run.json", "{}"), Deno.writeTextFile(`${tmp}/notes.txt`, "…")]);
 * });
 * ```
 */
export async function writeDirAtomic(
  finalDir: string,
  build: (tmpDir: string, files: DirFiles) => Promise<void>,
): Promise<void> {
  const refuse = () =>
    new Deno.errors.AlreadyExists(`writeDirAtomic: "${finalDir}" already exists; refusing to overwrite it`);
  if (existsSync(finalDir)) throw refuse();
  Deno.mkdirSync(dirname(finalDir), { recursive: true });
  await removeOrphans(dirname(finalDir));
  const tmp = tempPathFor(finalDir);
  const owner = Deno.openSync(`${tmp}.lock`, { write: true, createNew: true });
  try {
    owner.lockSync(true); // a new file: nobody else holds it
    Deno.mkdirSync(tmp);
    try {
      const synced = new Set<string>();
      await build(tmp, dirFiles(tmp, synced));
      await syncTree(tmp, synced);
      if (existsSync(finalDir)) throw refuse();
      try {
        Deno.renameSync(tmp, finalDir);
      } catch (e) {
        // ENOTEMPTY / EEXIST: another writer renamed its folder into place first.
        if (existsSync(finalDir)) throw refuse();
        throw e;
      }
    } catch (e) {
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
      throw e;
    }
  } finally {
    removeQuietly(`${tmp}.lock`);
    owner.close();
  }
}

/**
 * Removes the temp folders crashed writers left in `parent`: every `.<name>.tmp-<random>` folder
 * whose lock file nobody holds (its writer is gone), stray lock files, and lock-less temp folders of
 * older versions untouched for `ORPHAN_AGE_MS`. Never touches a folder a live writer holds. Returns
 * the names removed.
 *
 * @example
 * ```ts
 * await removeOrphans("snapshots"); // => [".demo.tmp-3fa94c0e12d7"] after a killed snapshot write
 * ```
 */
export async function removeOrphans(parent: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for (const entry of Deno.readDirSync(parent)) names.push(entry.name);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  const present = new Set(names);
  const removed: string[] = [];
  for (const name of names) {
    const temp = TEMP_NAME.test(name)
      ? name
      : name.endsWith(".lock") && TEMP_NAME.test(name.slice(0, -5))
      ? name.slice(0, -5)
      : "";
    if (!temp || (temp !== name && present.has(temp))) continue; // a lock file is handled with its folder
    const path = join(parent, temp);
    let lock: Deno.FsFile | undefined;
    try {
      lock = Deno.openSync(`${path}.lock`, { write: true });
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) continue;
    }
    try {
      if (lock) {
        if (!lock.tryLockSync(true)) continue; // a live writer
      } else if (!(await untouchedFor(path, ORPHAN_AGE_MS))) continue;
      await Deno.remove(path, { recursive: true }).catch(() => {});
      if (lock) await Deno.remove(`${path}.lock`).catch(() => {});
      removed.push(temp);
    } finally {
      lock?.close();
    }
  }
  return removed;
}

/** Removes `.<name>.tmp-*` files beside `path` (crashed `writeFileAtomic`s) untouched for `ORPHAN_AGE_MS`. */
async function removeStaleTempFiles(path: string): Promise<void> {
  const prefix = `.${basename(path)}.tmp-`;
  for await (const entry of Deno.readDir(dirname(path))) {
    if (!entry.isFile || !entry.name.startsWith(prefix) || !TEMP_NAME.test(entry.name)) continue;
    const stale = join(dirname(path), entry.name);
    if (await untouchedFor(stale, ORPHAN_AGE_MS)) await Deno.remove(stale).catch(() => {});
  }
}

/** True when nothing at or under `path` was modified in the last `ms` (false if it vanished). */
async function untouchedFor(path: string, ms: number): Promise<boolean> {
  const cutoff = Date.now() - ms;
  const newest = async (p: string): Promise<number> => {
    const info = await Deno.lstat(p);
    let latest = info.mtime?.getTime() ?? Infinity;
    if (info.isDirectory) {
      for await (const entry of Deno.readDir(p)) latest = Math.max(latest, await newest(join(p, entry.name)));
    }
    return latest;
  };
  try {
    return (await newest(path)) < cutoff;
  } catch {
    return false;
  }
}
