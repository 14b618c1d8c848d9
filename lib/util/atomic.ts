/**
 * Atomic writes: build a file or a folder under a temporary name in the same parent, then
 * `Deno.rename` it into place. Readers see either nothing (or the old file) or the complete new one,
 * never a half-written one; a crash leaves at most a hidden `.<name>.tmp-<random>` entry that globs on
 * visible names (and `listRuns`) ignore.
 *
 * Same parent ⇒ same filesystem ⇒ `rename(2)` is atomic. Files are fsynced before the rename, so the
 * content is on disk when the new name appears.
 */
import { basename, dirname, join } from "node:path";

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

/** Fsyncs every file under `dir` (recursively) so a renamed folder's content is durable. */
async function syncTree(dir: string): Promise<void> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) {
      await syncTree(path);
    } else if (entry.isFile) {
      using file = await Deno.open(path, { read: true });
      await file.sync();
    }
  }
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
  const tmp = tempPathFor(path);
  try {
    {
      using file = await Deno.open(tmp, { write: true, createNew: true });
      const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
      let written = 0;
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
      await file.sync();
    }
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

/**
 * Builds a folder atomically: creates `<parent>/.<name>.tmp-<random>`, lets `build(tmpDir)` fill it,
 * fsyncs the files and renames the folder to `finalDir` only if `build` succeeds. If `build` throws,
 * the temp folder is removed and the error rethrown, so `finalDir` never exists half-written.
 * Refuses (`Deno.errors.AlreadyExists`) when `finalDir` already exists, before and at the rename
 * (a concurrent writer that got there first makes our rename fail; an empty folder created by
 * someone else in that instant would be replaced, as `rename(2)` allows). Creates the parent if needed.
 *
 * @example
 * ```ts
 * await writeDirAtomic("runs/20240102-101500-mom-0123456789ab", async (tmp) => {
 *   await Deno.writeTextFile(`${tmp}/run.json`, "{}");
 * });
 * ```
 */
export async function writeDirAtomic(
  finalDir: string,
  build: (tmpDir: string) => Promise<void>,
): Promise<void> {
  const refuse = () =>
    new Deno.errors.AlreadyExists(`writeDirAtomic: "${finalDir}" already exists; refusing to overwrite it`);
  if (await statOrUndefined(finalDir)) throw refuse();
  await Deno.mkdir(dirname(finalDir), { recursive: true });
  const tmp = tempPathFor(finalDir);
  await Deno.mkdir(tmp);
  try {
    await build(tmp);
    await syncTree(tmp);
    if (await statOrUndefined(finalDir)) throw refuse();
    try {
      await Deno.rename(tmp, finalDir);
    } catch (e) {
      // ENOTEMPTY / EEXIST: another writer renamed its folder into place first.
      if (await statOrUndefined(finalDir)) throw refuse();
      throw e;
    }
  } catch (e) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw e;
  }
}
