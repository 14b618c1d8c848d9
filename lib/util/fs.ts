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
