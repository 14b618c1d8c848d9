/**
 * Python virtual environments for plugins: created with the interpreter's own `venv` module (optionally
 * seeing the system site packages, e.g. Debian's pandas), filled with the machine's own pip configuration
 * (`pip install` inherits the pip config files and `PIP_*` settings of this environment), listed from
 * the venvs folder (`venvs/` by default, gitignored; `QUANTNB_VENVS` overrides).
 */
import { join, resolve } from "node:path";
import { PYTHON_INSTALL_HINT, systemPython } from "./interpreter.ts";
import { subfoldersWith } from "../util/folders.ts";

/** Where venvs live: `$QUANTNB_VENVS` or `venvs/`. */
export function venvsDir(): string {
  return resolve(Deno.env.get("QUANTNB_VENVS") ?? "venvs");
}

/** A venv's interpreter path. */
export function venvPython(name: string, dir = venvsDir()): string {
  return join(dir, checkVenvName(name), "bin", "python");
}

function checkVenvName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
    throw new RangeError(`venv name must be letters, digits, "_", "." or "-", found "${name}"`);
  }
  return name;
}

/** One venv as `listVenvs` reports it. */
export interface VenvInfo {
  readonly name: string;
  readonly path: string;
  readonly python: string;
  /** `python --version` of the venv, or the error running it. */
  readonly version: string;
  readonly systemSitePackages: boolean;
}

/** Runs a command, returning its exit code and output; `onOutput` streams it (progress for long installs). */
async function run(
  command: string,
  args: string[],
  onOutput?: (text: string) => void,
): Promise<{ code: number; out: string }> {
  const child = new Deno.Command(command, { args, stdout: "piped", stderr: "piped" }).spawn();
  let out = "";
  const decoder = new TextDecoder();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) {
      const text = decoder.decode(chunk, { stream: true });
      out += text;
      onOutput?.(text);
    }
  };
  await Promise.all([pump(child.stdout), pump(child.stderr)]);
  return { code: (await child.status).code, out };
}

/**
 * Creates a venv (`python -m venv [--system-site-packages] [--without-pip] DIR`). Throws with the tool's output (and the
 * install command when `venv` is missing) on failure; an existing venv is an error unless `exist_ok`.
 *
 * @example
 * ```ts
 * await createVenv("research", { systemSitePackages: true });
 * ```
 */
export async function createVenv(
  name: string,
  options: {
    systemSitePackages?: boolean;
    /** Skip installing pip into it (faster; pip-based installs then fail). */
    withoutPip?: boolean;
    existOk?: boolean;
    dir?: string;
    onOutput?: (t: string) => void;
  } = {},
): Promise<VenvInfo> {
  const dir = options.dir ?? venvsDir();
  const path = join(dir, checkVenvName(name));
  try {
    Deno.statSync(path);
    if (!options.existOk) throw new Error(`venv "${name}" already exists at ${path}`);
    return await venvInfo(name, dir);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  await Deno.mkdir(dir, { recursive: true });
  const args = [
    "-m",
    "venv",
    ...(options.systemSitePackages ? ["--system-site-packages"] : []),
    ...(options.withoutPip ? ["--without-pip"] : []),
    path,
  ];
  const { code, out } = await run(systemPython(), args, options.onOutput);
  if (code !== 0) {
    await Deno.remove(path, { recursive: true }).catch(() => {});
    const hint = /ensurepip|venv/.test(out) ? `; ${PYTHON_INSTALL_HINT}` : "";
    throw new Error(`creating venv "${name}" failed (exit ${code}):\n${out.trim()}${hint}`);
  }
  return await venvInfo(name, dir);
}

/**
 * Installs requirements into a venv with its own pip (`python -m pip install REQ…`), using the machine's
 * pip configuration. Throws with pip's output on failure.
 *
 * @example
 * ```ts
 * await installRequirements("research", ["scipy>=1.10"]);
 * ```
 */
export async function installRequirements(
  name: string,
  requirements: readonly string[],
  options: { dir?: string; onOutput?: (t: string) => void } = {},
): Promise<void> {
  const python = venvPython(name, options.dir);
  try {
    Deno.statSync(python);
  } catch {
    throw new Error(
      `venv "${name}" not found (${python}): create it with \`deno task python venv create ${name}\``,
    );
  }
  if (requirements.length === 0) return;
  const { code, out } = await run(python, ["-m", "pip", "install", ...requirements], options.onOutput);
  if (code !== 0) {
    throw new Error(
      `pip install ${requirements.join(" ")} into venv "${name}" failed (exit ${code}):\n${out.trim()}`,
    );
  }
}

/** Describes one venv. */
async function venvInfo(name: string, dir: string): Promise<VenvInfo> {
  const path = join(dir, name);
  const python = join(path, "bin", "python");
  let cfg = "";
  try {
    cfg = await Deno.readTextFile(join(path, "pyvenv.cfg"));
  } catch { /* not a venv */ }
  let version: string;
  try {
    const { code, out } = await run(python, ["--version"]);
    version = code === 0 ? out.trim() : `error: ${out.trim()}`;
  } catch (e) {
    version = `error: ${(e as Error).message}`;
  }
  return {
    name,
    path,
    python,
    version,
    systemSitePackages: /include-system-site-packages\s*=\s*true/.test(cfg),
  };
}

/**
 * Every venv in the venvs folder (folders with a `pyvenv.cfg`), sorted by name.
 *
 * @example
 * ```ts
 * (await listVenvs()).map((v) => `${v.name} ${v.version}`);
 * ```
 */
export async function listVenvs(dir: string = venvsDir()): Promise<VenvInfo[]> {
  return await Promise.all(subfoldersWith(dir, "pyvenv.cfg").map((n) => venvInfo(n, dir)));
}
