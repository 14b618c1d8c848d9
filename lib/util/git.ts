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

/** How long an answer of `gitSha` is reused for the same folder (a batch records many runs a second). */
const REUSE_MS = 1000;
const recent = new Map<string, { at: number; sha: Promise<string> }>();

/**
 * The commit checked out in `cwd` (default: the current directory) as 40 hex characters from
 * `git rev-parse HEAD`, with a `-dirty` suffix when tracked files have uncommitted changes (untracked
 * files do not count, as in `git describe --dirty`). Returns `"unknown"` outside a git work tree or
 * when git is not installed. Asked of git at most once a second per folder (`git status` costs tens
 * of milliseconds on a large work tree; a batch worker records a run every few).
 *
 * @example
 * ```ts
 * await gitSha(); // => "52f51d2983f321068e780745bc65534b9d4bcae3" or "…-dirty" or "unknown"
 * ```
 */
export function gitSha(cwd?: string): Promise<string> {
  const key = cwd ?? Deno.cwd(), now = performance.now();
  const hit = recent.get(key);
  if (hit && now - hit.at < REUSE_MS) return hit.sha;
  const sha = askGit(cwd);
  recent.set(key, { at: now, sha });
  return sha;
}

async function askGit(cwd?: string): Promise<string> {
  const sha = await git(["rev-parse", "HEAD"], cwd);
  if (!sha || !/^[0-9a-f]{40}$/.test(sha)) return "unknown";
  const status = await git(["status", "--porcelain", "--untracked-files=no"], cwd);
  return status ? `${sha}-dirty` : sha;
}
