/** Small filesystem helpers shared by the modules that write folders (snapshots, runs). */

/**
 * True when something (file, folder or link) is at `path`.
 *
 * @example
 * ```ts
 * await exists("snapshots/demo/manifest.json"); // => true once the demo snapshot exists
 * ```
 */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * `exists`, synchronously (one `lstat`: microseconds, for the many checks of writing a run folder).
 *
 * @example
 * ```ts
 * existsSync("runs/20240102-101500-mom-3fa94c0e12d7"); // => false before the run is recorded
 * ```
 */
export function existsSync(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * `Deno.statSync` (links followed), or `undefined` when nothing is at `path`.
 *
 * @example
 * ```ts
 * statSyncOrUndefined("runs/.locks/3fa94c0e12d7.lock")?.ino; // the lock file's inode, if it is there
 * ```
 */
export function statSyncOrUndefined(path: string): Deno.FileInfo | undefined {
  try {
    return Deno.statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Removes `path` (a file, or an empty folder) if it can, synchronously; a path already gone or a
 * folder not empty is left as it is.
 *
 * @example
 * ```ts
 * removeQuietly("runs/.locks"); // only once no lock is left in it
 * ```
 */
export function removeQuietly(path: string): void {
  try {
    Deno.removeSync(path);
  } catch { /* gone already, or (a folder) not empty */ }
}
