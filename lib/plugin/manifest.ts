/**
 * Plugin manifests: `strategies/external/NAME/manifest.json` describes an external strategy — name,
 * description, command, protocol version, mode (`stream` | `batch`), time limit, requirements, optional
 * venv, batch output (`signal` | `weights`) and the parameter schema. `loadManifest` reports every
 * problem with the file and field.
 */
import { join, resolve } from "node:path";
import { type ParamSchema, schemaProblems } from "../strategy/params.ts";
import { PROTOCOL_VERSION } from "./protocol.ts";
import { PluginError } from "./errors.ts";
import { subfoldersWith } from "../util/folders.ts";
import { sha256Hex } from "../util/hash.ts";

/** Where external plugins live unless told otherwise. */
export const DEFAULT_PLUGINS_DIR = "strategies/external";

/** A validated manifest, with the folder it came from. */
export interface PluginManifest {
  readonly name: string;
  readonly description: string;
  readonly protocol: number;
  readonly mode: "stream" | "batch";
  /** Executable and arguments; `python`/`python3` is resolved to the venv's or the system interpreter, paths relative to `dir`. */
  readonly command: readonly string[];
  /** Time limit of one call, seconds. */
  readonly timeout: number;
  /** pip requirement strings (installed into the venv by `deno task python venv install`). */
  readonly requirements: readonly string[];
  /** The venv to run in (`venvs/NAME`), or undefined for the system Python. */
  readonly venv?: string;
  /** What a batch plugin's `generate` returns. */
  readonly output?: "signal" | "weights";
  readonly params: ParamSchema;
  /** Absolute folder of the plugin. */
  readonly dir: string;
}

/**
 * Reads and validates `<dir>/manifest.json`; `nameOrDir` is a plugin name under `pluginsDir` or a folder.
 * Throws a `RangeError` naming the file and listing every problem.
 *
 * @example
 * ```ts
 * const plugin = await loadManifest("example_sma"); // strategies/external/example_sma/manifest.json
 * ```
 */
export async function loadManifest(
  nameOrDir: string,
  pluginsDir = DEFAULT_PLUGINS_DIR,
): Promise<PluginManifest> {
  const dir = resolve(nameOrDir.includes("/") ? nameOrDir : join(pluginsDir, nameOrDir));
  const file = join(dir, "manifest.json");
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(await Deno.readTextFile(file));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new RangeError(
        `plugin "${nameOrDir}": no manifest at ${file} (create one with \`deno task python strategy create NAME\`)`,
      );
    }
    throw new RangeError(`${file}: not valid JSON: ${(e as Error).message}`);
  }
  const problems: string[] = [];
  const field = (name: string, ok: boolean, expected: string) => {
    if (!ok) problems.push(`"${name}": expected ${expected}, found ${JSON.stringify(raw[name])}`);
  };
  field("name", typeof raw.name === "string" && /^[a-z][a-z0-9_]*$/.test(raw.name), "a snake_case name");
  field("description", typeof raw.description === "string" && raw.description.length > 0, "a text");
  field("protocol", raw.protocol === PROTOCOL_VERSION, `protocol version ${PROTOCOL_VERSION}`);
  field("mode", raw.mode === "stream" || raw.mode === "batch", `"stream" or "batch"`);
  field(
    "command",
    Array.isArray(raw.command) && raw.command.length > 0 && raw.command.every((c) => typeof c === "string"),
    "a non-empty list of strings",
  );
  const timeout = raw.timeout ?? 30;
  if (!(typeof timeout === "number" && timeout > 0 && timeout <= 3600)) {
    problems.push(`"timeout": expected seconds in (0, 3600], found ${JSON.stringify(raw.timeout)}`);
  }
  const requirements = raw.requirements ?? [];
  field(
    "requirements",
    Array.isArray(requirements) && requirements.every((r) => typeof r === "string"),
    "a list of pip requirement strings",
  );
  if (raw.venv !== undefined && raw.venv !== null) {
    field(
      "venv",
      typeof raw.venv === "string" && /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(raw.venv),
      "a venv name",
    );
  }
  if (raw.mode === "batch") {
    field(
      "output",
      raw.output === "signal" || raw.output === "weights",
      `"signal" or "weights" for a batch plugin`,
    );
  }
  const params = raw.params ?? {};
  problems.push(...schemaProblems(params).map((p) => `"params": ${p}`));
  if (typeof raw.name === "string" && !nameOrDir.includes("/") && raw.name !== nameOrDir) {
    problems.push(`"name": expected "${nameOrDir}" (the folder's name), found "${raw.name}"`);
  }
  if (problems.length) throw new RangeError(`${file}: invalid manifest\n  - ${problems.join("\n  - ")}`);
  return {
    name: raw.name as string,
    description: raw.description as string,
    protocol: raw.protocol as number,
    mode: raw.mode as "stream" | "batch",
    command: raw.command as string[],
    timeout: timeout as number,
    requirements: requirements as string[],
    venv: (raw.venv as string | null | undefined) ?? undefined,
    output: raw.mode === "batch" ? raw.output as "signal" | "weights" : undefined,
    params: params as ParamSchema,
    dir,
  };
}

/**
 * Every plugin folder with a manifest under `pluginsDir`, loaded (sorted by name). A broken manifest
 * throws, naming its file.
 *
 * @example
 * ```ts
 * (await listPlugins()).map((p) => `${p.name}: ${p.description}`);
 * ```
 */
export async function listPlugins(pluginsDir = DEFAULT_PLUGINS_DIR): Promise<PluginManifest[]> {
  return await Promise.all(
    subfoldersWith(pluginsDir, "manifest.json").map((n) => loadManifest(n, pluginsDir)),
  );
}

/** Throws a `PluginError` (failure `manifest`) unless the plugin is of `mode`. */
export function requireMode(manifest: PluginManifest, mode: "stream" | "batch"): void {
  if (manifest.mode !== mode) {
    throw new PluginError(
      manifest.name,
      "start",
      "manifest",
      `is a ${manifest.mode} plugin, not a ${mode} plugin`,
    );
  }
}

/**
 * A content hash of the plugin's folder (manifest and code, every file but dot-files and
 * `__pycache__`, by relative path): the input hash of the runs it records.
 *
 * @example
 * ```ts
 * await pluginHash(await loadManifest("example_sma")); // => "3b1f…" (64 hex)
 * ```
 */
export async function pluginHash(manifest: PluginManifest): Promise<string> {
  const parts: string[] = [];
  const walk = async (dir: string) => {
    const entries = [...Deno.readDirSync(dir)].sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (e.name.startsWith(".") || e.name === "__pycache__") continue;
      const path = `${dir}/${e.name}`;
      if (e.isDirectory) await walk(path);
      else parts.push(`${path.slice(manifest.dir.length)}\n${await Deno.readTextFile(path)}`);
    }
  };
  await walk(manifest.dir);
  return await sha256Hex(parts.join("\n\0"));
}
