/** The git commit the code runs from, recorded with every run. */

/** Runs `git <args>` in `cwd`; stdout trimmed, or `undefined` when git fails or is absent. */
async function git(args: string[], cwd?: string): Promise<string | undefined> {
  try {
    const out = await new Deno.Command("git", { args, cwd, stdout: "piped", stderr: "null" }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The commit checked out in `cwd` (default: the current directory) as 40 hex characters from
 * `git rev-parse HEAD`, with a `-dirty` suffix when tracked files have uncommitted changes (untracked
 * files do not count, as in `git describe --dirty`). Returns `"unknown"` outside a git work tree or
 * when git is not installed.
 *
 * @example
 * ```ts
 * await gitSha(); // => "52f51d2983f321068e780745bc65534b9d4bcae3" or "…-dirty" or "unknown"
 * ```
 */
export async function gitSha(cwd?: string): Promise<string> {
  const sha = await git(["rev-parse", "HEAD"], cwd);
  if (!sha || !/^[0-9a-f]{40}$/.test(sha)) return "unknown";
  const status = await git(["status", "--porcelain", "--untracked-files=no"], cwd);
  return status ? `${sha}-dirty` : sha;
}
