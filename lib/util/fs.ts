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
