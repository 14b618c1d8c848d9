import { join } from "node:path";
import { sha256File, sha256Hex, stableJson } from "../util/hash.ts";
import { DEFAULT_SNAPSHOTS, readManifest, snapshotDir } from "./paths.ts";

/** One file whose content no longer matches the manifest. */
export interface VerifyProblem {
  file: string;
  expected: string;
  found: string;
}

/**
 * Recomputes every file's sha256 and the snapshot hash and compares them with `manifest.json`.
 * Returns the mismatches (empty = intact); a missing file or an unlisted extra file is a mismatch.
 *
 * @example
 * ```ts
 * const problems = await verifySnapshot("demo");
 * if (problems.length) console.error(problems[0].file);
 * ```
 */
export async function verifySnapshot(id: string, snapshotsDir = DEFAULT_SNAPSHOTS): Promise<VerifyProblem[]> {
  const manifest = await readManifest(id, snapshotsDir);
  const dir = snapshotDir(id, snapshotsDir);
  const problems: VerifyProblem[] = [];
  for (const [name, entry] of Object.entries(manifest.files)) {
    let found: string;
    try {
      found = await sha256File(join(dir, name));
    } catch {
      found = "missing";
    }
    if (found !== entry.sha256) problems.push({ file: name, expected: entry.sha256, found });
  }
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name !== "manifest.json" && !(entry.name in manifest.files)) {
      problems.push({ file: entry.name, expected: "absent", found: "present" });
    }
  }
  const hashes = Object.fromEntries(Object.entries(manifest.files).map(([k, f]) => [k, f.sha256]));
  const hash = await sha256Hex(stableJson(hashes));
  if (hash !== manifest.hash) problems.push({ file: "manifest.json", expected: manifest.hash, found: hash });
  return problems;
}
