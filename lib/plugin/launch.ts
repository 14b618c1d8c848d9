/**
 * Starting a plugin from its manifest: resolve the command (`python`/`python3` → the manifest's venv or
 * the system interpreter; relative paths → the plugin folder), make its own working folder, give it a
 * scrubbed environment (PATH, HOME = the working folder, UTF-8 locale, UTC, the SDK on PYTHONPATH and
 * nothing of ours), then `initialize` it. The session validates every reply before handing it back.
 */
import { isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { scrubbedEnv } from "../python/env.ts";
import { systemPython, which } from "../python/interpreter.ts";
import { venvPython } from "../python/venv.ts";
import { PluginError } from "./errors.ts";
import type { PluginManifest } from "./manifest.ts";
import { startPluginProcess } from "./process.ts";
import { checkInitialize } from "./protocol.ts";

/** The SDK folder (`quantnb_plugin.py`), put on every plugin's PYTHONPATH. */
export const SDK_DIR: string = fileURLToPath(new URL("../python/sdk", import.meta.url));

/** A started, initialized plugin. */
export interface PluginSession {
  readonly manifest: PluginManifest;
  /** The plugin's working folder (inputs go to `input/`, outputs are expected under it). */
  readonly workDir: string;
  /** Calls a method; `check` lists problems with the result (non-empty ⇒ `PluginError` "invalid-reply"). */
  call<T>(
    method: string,
    params: Record<string, unknown>,
    label: string,
    check: (r: unknown) => string[],
  ): Promise<T>;
  /** Clean shutdown (exit code 0 required), working folder removed. */
  close(): Promise<void>;
  /** Kills the plugin and removes its working folder. */
  kill(): Promise<void>;
}

/** The environment a plugin gets: only these variables (see `scrubbedEnv`), plus its own name. */
export function pluginEnv(
  manifest: PluginManifest,
  workDir: string,
  python?: string,
): Record<string, string> {
  return { ...scrubbedEnv(workDir, [SDK_DIR], python), QUANTNB_PLUGIN: manifest.name };
}

/** The executable and arguments to run, resolved against the venv, the system and the plugin folder. */
export function resolveCommand(manifest: PluginManifest): { command: string[]; python?: string } {
  const [exe, ...args] = manifest.command;
  const inDir = (a: string) => (!isAbsolute(a) && /\.(py|js|ts|sh|R)$/.test(a) ? join(manifest.dir, a) : a);
  if (exe === "python" || exe === "python3") {
    const python = manifest.venv ? venvPython(manifest.venv) : systemPython();
    if (manifest.venv) {
      try {
        Deno.statSync(python);
      } catch {
        throw new PluginError(
          manifest.name,
          "start",
          "start",
          `venv "${manifest.venv}" not found (${python}): create it with \`deno task python venv create ${manifest.venv}\` then \`deno task python venv install ${manifest.venv} --plugin ${manifest.name}\``,
        );
      }
    }
    return { command: [python, "-u", ...args.map(inDir)], python };
  }
  const found = which(inDir(exe));
  if (!found) throw new PluginError(manifest.name, "start", "start", `command "${exe}" not found`);
  return { command: [found, ...args.map(inDir)] };
}

/**
 * Starts and initializes a plugin. `config` is sent to `initialize` (with `plugin`, `mode` and
 * `protocol` added). On any failure the process is killed and its folder removed.
 *
 * @example
 * ```ts
 * const session = await startPlugin(manifest, { params: { fast: 10 } });
 * const signal = await session.call("on_candle", { candle, context }, "on_candle (bar 0)", checkSignal);
 * await session.close();
 * ```
 */
export async function startPlugin(
  manifest: PluginManifest,
  config: Record<string, unknown>,
): Promise<PluginSession> {
  const { command, python } = resolveCommand(manifest);
  const workDir = await Deno.makeTempDir({ prefix: `quantnb-plugin-${manifest.name}-` });
  await Deno.mkdir(join(workDir, "input"));
  await Deno.mkdir(join(workDir, "output"));
  const proc = startPluginProcess({
    name: manifest.name,
    command,
    env: pluginEnv(manifest, workDir, python),
    workDir,
    ownsWorkDir: true,
    timeoutMs: manifest.timeout * 1000,
  });
  const session: PluginSession = {
    manifest,
    workDir,
    async call<T>(
      method: string,
      params: Record<string, unknown>,
      label: string,
      check: (r: unknown) => string[],
    ) {
      const result = await proc.call(method, params, label);
      const problems = check(result);
      if (problems.length) {
        await proc.kill();
        throw new PluginError(
          manifest.name,
          label,
          "invalid-reply",
          `invalid reply: ${problems.join("; ")}`,
          proc.stderr(),
        );
      }
      return result as T;
    },
    close: () => proc.close(),
    kill: () => proc.kill(),
  };
  await session.call(
    "initialize",
    { config: { plugin: manifest.name, mode: manifest.mode, protocol: manifest.protocol, ...config } },
    "initialize",
    checkInitialize,
  );
  return session;
}
