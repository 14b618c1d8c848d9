/** The scrubbed environment every Python subprocess (plugin or analysis script) gets: nothing of ours. */

/**
 * PATH (the interpreter's folder first), HOME and TMPDIR = the process's own working folder, a UTF-8 locale,
 * UTC, the given PYTHONPATH, unbuffered output, no bytecode files, no user site packages, fixed hash seed.
 *
 * @example
 * ```ts
 * scrubbedEnv("/tmp/work", ["lib/python/sdk"], "/usr/bin/python3").HOME; // => "/tmp/work"
 * ```
 */
export function scrubbedEnv(
  workDir: string,
  pythonPath: readonly string[],
  python?: string,
): Record<string, string> {
  const bin = python && python.includes("/") ? `${python.slice(0, python.lastIndexOf("/"))}:` : "";
  return {
    PATH: `${bin}/usr/local/bin:/usr/bin:/bin`,
    HOME: workDir,
    TMPDIR: workDir,
    LANG: "C.UTF-8",
    LC_ALL: "C.UTF-8",
    TZ: "UTC",
    PYTHONPATH: pythonPath.join(":"),
    PYTHONDONTWRITEBYTECODE: "1",
    PYTHONUNBUFFERED: "1",
    PYTHONNOUSERSITE: "1",
    PYTHONHASHSEED: "0",
    MPLBACKEND: "Agg",
    MPLCONFIGDIR: workDir,
  };
}
