/** Fetching one run by id or unique id prefix. */
import { join } from "node:path";
import { DEFAULT_RUNS_DIR, type RunJson, type RunRecord } from "./types.ts";

/** Where to look for runs. */
export interface RunsDirOptions {
  readonly runsDir?: string;
}

/** Visible run folder names in `runsDir` (hidden `.…tmp-…` folders excluded), sorted; `[]` when missing. */
async function runFolders(runsDir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(runsDir)) {
      if (entry.isDirectory && !entry.name.startsWith(".")) names.push(entry.name);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return names.sort();
}

/**
 * Resolves a run id or a unique prefix of one to its folder. An exact id wins over longer ids it
 * prefixes. Throws a `RangeError` listing candidates when the prefix matches none (the most recent ids)
 * or several (the matches), a `TypeError` for an empty id.
 *
 * @example
 * ```ts
 * await resolveRunDir("20240102-1015", "runs"); // => "runs/20240102-101500-momentum-0123456789ab"
 * ```
 */
export async function resolveRunDir(id: string, runsDir: string = DEFAULT_RUNS_DIR): Promise<string> {
  if (id === "") throw new TypeError(`run id is empty; pass a run id or a unique prefix of one`);
  const folders = await runFolders(runsDir);
  const where = join(runsDir, "/");
  const matches = folders.includes(id) ? [id] : folders.filter((name) => name.startsWith(id));
  if (matches.length === 1) return join(runsDir, matches[0]);
  const list = (names: string[]) => names.map((n) => `\n  ${n}`).join("");
  if (matches.length > 1) {
    throw new RangeError(
      `run id "${id}" is ambiguous in ${where}; ${matches.length} runs match:${list(matches)}`,
    );
  }
  const recent = folders.slice(-10).reverse();
  throw new RangeError(
    `unknown run id "${id}" in ${where} (${folders.length} runs)` +
      (recent.length ? `; most recent:${list(recent)}` : ""),
  );
}

/** Parses a `run.json`, turning `null` metrics (non-finite when written) back into NaN. */
export function parseRunJson(text: string, path: string): RunJson {
  let parsed: RunJson;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new TypeError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  const metrics: Record<string, number> = {};
  for (const [name, value] of Object.entries(parsed.metrics ?? {})) metrics[name] = value ?? NaN;
  return { ...parsed, metrics };
}

/**
 * Reads one run's `run.json` by id or unique id prefix (see `resolveRunDir` for the errors).
 *
 * @example
 * ```ts
 * const run = await getRun("20240102-101500-mom", { runsDir: "runs" });
 * run.metrics.sharpe; // => 1.23
 * ```
 */
export async function getRun(id: string, options: RunsDirOptions = {}): Promise<RunRecord> {
  const dir = await resolveRunDir(id, options.runsDir);
  const path = join(dir, "run.json");
  return { ...parseRunJson(await Deno.readTextFile(path), path), dir, reused: false };
}
