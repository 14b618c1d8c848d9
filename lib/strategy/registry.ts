/**
 * The strategy registry: discovers `strategies/*.ts`, checks each module's exports and parameter
 * schema, and reports a broken file by name without breaking the others. Entries carry their
 * source, so strategies from other sources (external plugins) can join the same registry through
 * `createRegistry`.
 */
import { basename, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isSchedule, SCHEDULE_NAMES } from "../portfolio/calendar.ts";
import { schemaProblems } from "./params.ts";
import { CATEGORIES, type StrategyEntry, type StrategyModule, type StrategySource } from "./types.ts";

/** The repository's `strategies/` folder (independent of the working directory). */
export const DEFAULT_STRATEGIES_DIR: string = fileURLToPath(new URL("../../strategies/", import.meta.url));

/** A strategy file that could not be registered, and why. */
export interface RegistryError {
  readonly file: string;
  readonly message: string;
}

/** Registered strategies (sorted by name) and the files that failed to load. */
export interface Registry {
  readonly entries: readonly StrategyEntry[];
  readonly errors: readonly RegistryError[];
  /** The entry called `name`, or a `RangeError` naming the strategies known (and the broken files). */
  get(name: string): StrategyEntry;
}

/**
 * A registry over the given entries (from any source). Duplicate names are reported as errors of
 * the later entry's file; `get` of an unknown name lists the known ones.
 *
 * @example
 * ```ts
 * const all = createRegistry([...modules.entries, ...externalEntries], modules.errors);
 * ```
 */
export function createRegistry(
  entries: readonly StrategyEntry[],
  errors: readonly RegistryError[] = [],
): Registry {
  const byName = new Map<string, StrategyEntry>();
  const allErrors = [...errors];
  for (const entry of entries) {
    const seen = byName.get(entry.name);
    if (seen) {
      allErrors.push({
        file: entry.source.path,
        message: `strategy name "${entry.name}" is already registered by ${seen.source.path}`,
      });
    } else byName.set(entry.name, entry);
  }
  const sorted = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  return {
    entries: sorted,
    errors: allErrors,
    get(name: string): StrategyEntry {
      const entry = byName.get(name);
      if (entry) return entry;
      const broken = allErrors.find((e) => basename(e.file).replace(/\.ts$/, "") === name);
      if (broken) throw new RangeError(`strategy "${name}" failed to load: ${broken.message}`);
      throw new RangeError(
        `unknown strategy "${name}"; strategies available: ${sorted.map((e) => e.name).join(", ") || "none"}`,
      );
    },
  };
}

/** The problems of a module's exports as a strategy (empty when it is one). */
function moduleProblems(exports: Record<string, unknown>, stem: string): string[] {
  const problems: string[] = [];
  const { name, title, description, category, params, generate } = exports;
  if (typeof name !== "string" || !/^[a-z][a-z0-9_]*$/.test(name)) {
    problems.push(`export "name" must be a snake_case string, found ${JSON.stringify(name)}`);
  } else if (name !== stem) {
    problems.push(`export "name" is "${name}" but the file is ${stem}.ts (they must match)`);
  }
  for (const [key, value] of [["title", title], ["description", description]] as const) {
    if (typeof value !== "string" || !value.trim()) {
      problems.push(`export "${key}" must be a non-empty string`);
    }
  }
  if (!(CATEGORIES as readonly unknown[]).includes(category)) {
    problems.push(
      `export "category" must be one of ${CATEGORIES.join(", ")}, found ${JSON.stringify(category)}`,
    );
  }
  if (params === undefined) problems.push(`export "params" (the parameter schema) is missing`);
  else problems.push(...schemaProblems(params));
  if (typeof generate !== "function") problems.push(`export "generate" must be a function`);
  if (exports.schedule !== undefined && !isSchedule(exports.schedule)) {
    problems.push(
      `export "schedule" must be one of ${SCHEDULE_NAMES}, found ${JSON.stringify(exports.schedule)}`,
    );
  }
  return problems;
}

/**
 * Loads one strategy module file as a registry entry, or the reason it is not one (import failure,
 * missing or malformed exports, a bad parameter schema).
 *
 * @example
 * ```ts
 * const out = await loadStrategyFile("strategies/momentum_12_1.ts");
 * if ("entry" in out) out.entry.title;
 * ```
 */
export async function loadStrategyFile(
  path: string,
): Promise<{ entry: StrategyEntry } | { error: RegistryError }> {
  const file = resolve(path);
  const stem = basename(file).replace(/\.ts$/, "");
  let exports: Record<string, unknown>;
  try {
    exports = await import(pathToFileURL(file).href);
  } catch (error) {
    const message = (error as Error).message?.split("\n")[0] ?? String(error);
    return { error: { file: path, message: `cannot be imported: ${message}` } };
  }
  const problems = moduleProblems(exports, stem);
  if (problems.length) return { error: { file: path, message: problems.join("; ") } };
  const module = exports as unknown as StrategyModule;
  const source: StrategySource = { kind: "module", path };
  return {
    entry: {
      name: module.name,
      title: module.title,
      description: module.description,
      category: module.category,
      params: module.params,
      ...(module.schedule ? { schedule: module.schedule } : {}),
      generate: module.generate,
      source,
    },
  };
}

/**
 * Discovers every `*.ts` file of `dir` (default: the repository's `strategies/`; files starting with
 * `_` and `*_test.ts` are skipped) as strategies. A file that fails to import or does not export a
 * valid strategy lands in `errors` with its name and every problem; the others still register.
 *
 * @example
 * ```ts
 * const registry = await discoverStrategies();
 * registry.entries.map((e) => e.name); // => ["bollinger_breakout", "donchian_breakout", …]
 * registry.errors; // => [] when every file is a valid strategy
 * ```
 */
export async function discoverStrategies(dir: string = DEFAULT_STRATEGIES_DIR): Promise<Registry> {
  const files: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (
        entry.isFile && entry.name.endsWith(".ts") && !entry.name.startsWith("_") &&
        !entry.name.endsWith("_test.ts")
      ) {
        files.push(join(dir, entry.name));
      }
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new RangeError(`strategies folder ${dir} does not exist`);
    }
    throw error;
  }
  files.sort();
  const loaded = await Promise.all(files.map(loadStrategyFile));
  return createRegistry(
    loaded.flatMap((r) => ("entry" in r ? [r.entry] : [])),
    loaded.flatMap((r) => ("error" in r ? [r.error] : [])),
  );
}
