/**
 * Which Python runs plugins and analysis scripts: `QUANTNB_PYTHON` when set, else Debian's
 * `/usr/bin/python3` (where `apt-get install python3-pandas` puts pandas), else `python3` on the PATH.
 * A plugin whose manifest names a venv runs that venv's interpreter instead (`venv.ts`).
 */

/** The install hint every "no Python" error carries. */
export const PYTHON_INSTALL_HINT =
  "install Python 3 with `apt-get install -y python3 python3-venv` (Debian; add python3-pandas for the pandas " +
  "examples) or point QUANTNB_PYTHON at an interpreter";

/** Finds an executable on the PATH (`undefined` when absent). */
export function which(command: string, path = Deno.env.get("PATH") ?? ""): string | undefined {
  if (command.includes("/")) return isExecutable(command) ? command : undefined;
  for (const dir of path.split(":")) {
    if (dir && isExecutable(`${dir}/${command}`)) return `${dir}/${command}`;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    const info = Deno.statSync(file);
    return info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0;
  } catch {
    return false;
  }
}

/**
 * The Python interpreter to use, or throws an `Error` with the install command.
 *
 * @example
 * ```ts
 * systemPython(); // => "/usr/bin/python3"
 * ```
 */
export function systemPython(): string {
  const configured = Deno.env.get("QUANTNB_PYTHON");
  if (configured) {
    const found = which(configured);
    if (!found) throw new Error(`QUANTNB_PYTHON=${configured} is not an executable; ${PYTHON_INSTALL_HINT}`);
    return found;
  }
  const found = which("/usr/bin/python3") ?? which("python3");
  if (!found) throw new Error(`Python 3 not found; ${PYTHON_INSTALL_HINT}`);
  return found;
}
