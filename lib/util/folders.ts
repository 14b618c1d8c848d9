/** Listing the subfolders of a folder that hold a given entry (plugins, venvs, runs with analyses). */
import { join } from "node:path";

/**
 * Names of the visible subfolders of `dir` that contain `entry` (a file or folder), sorted; `[]` when
 * `dir` does not exist.
 *
 * @example
 * ```ts
 * subfoldersWith("strategies/external", "manifest.json"); // => ["example_pandas", "example_sma"]
 * ```
 */
export function subfoldersWith(dir: string, entry: string): string[] {
  const names: string[] = [];
  try {
    for (const e of Deno.readDirSync(dir)) {
      if (!e.isDirectory || e.name.startsWith(".")) continue;
      try {
        Deno.statSync(join(dir, e.name, entry));
        names.push(e.name);
      } catch { /* not one */ }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return names.sort();
}
