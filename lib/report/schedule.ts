/**
 * The order `deno task report` runs notebooks in when several run at a time: longest first, by each
 * notebook's wall time in the previous export (kept in `<out>/.export-seconds.json`). The longest
 * notebook started last would run alone at the end while the other core idles (measured: 07 started
 * seventh ran its last 20 s alone, 71 s in all); started first it overlaps the short ones.
 */

import { basename } from "node:path";
import { writeFileAtomic } from "../util/atomic.ts";

/** The file, in the report folder, holding each notebook's last export time. */
export const EXPORT_SECONDS_FILE = ".export-seconds.json";

/**
 * Notebooks longest first by `seconds` (keyed by file name); notebooks without a time keep their
 * order and go before the timed ones (they may be long). Stable: equal times keep their order.
 *
 * @example
 * ```ts
 * longestFirst(["a.ipynb", "b.ipynb", "c.ipynb"], { "a.ipynb": 3, "b.ipynb": 9 });
 * // => ["c.ipynb", "b.ipynb", "a.ipynb"]
 * ```
 */
export function longestFirst(
  notebooks: readonly string[],
  seconds: Readonly<Record<string, number>>,
): string[] {
  const time = (path: string) => seconds[basename(path)] ?? Infinity;
  return notebooks.map((path, k) => ({ path, k, t: time(path) }))
    .sort((a, b) => (b.t === a.t ? a.k - b.k : b.t > a.t ? 1 : -1)).map(({ path }) => path);
}

/**
 * The export times recorded in `outDir` (empty when there are none yet). A file that is not a JSON
 * object of numbers is ignored with a warning naming it: it only orders the next run.
 */
export async function readExportSeconds(outDir: string): Promise<Record<string, number>> {
  const path = `${outDir}/${EXPORT_SECONDS_FILE}`;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return {};
    throw error;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
      const entries = Object.entries(parsed).filter(([, v]) => typeof v === "number" && v >= 0);
      if (entries.length === Object.keys(parsed).length) return Object.fromEntries(entries);
    }
  } catch { /* reported below */ }
  console.warn(`${path}: expected {"notebook.ipynb": seconds, …}; ignored (notebooks run in folder order)`);
  return {};
}

/** Records the export times of `exports` in `outDir`, keeping those of notebooks not exported now. */
export async function writeExportSeconds(
  outDir: string,
  exports: readonly { notebook: string; seconds: number }[],
): Promise<void> {
  if (exports.length === 0) return;
  const seconds = await readExportSeconds(outDir);
  for (const { notebook, seconds: s } of exports) seconds[basename(notebook)] = Math.round(s * 10) / 10;
  await writeFileAtomic(`${outDir}/${EXPORT_SECONDS_FILE}`, JSON.stringify(seconds, null, 1) + "\n");
}
