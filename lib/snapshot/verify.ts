/**
 * Verifying snapshots. `verifySnapshot` is the full check (every file rehashed); `verifiedManifest`
 * is what every open runs: the manifest's own hash and id, then each listed file's size, mtime, ctime
 * and inode against a cache of what was last verified (`.verified.json` in the snapshot folder),
 * rehashing only files whose metadata changed. Any mismatch is refused, naming the file.
 *
 * Why this is sound: any write to a file sets its ctime to "now", and ctime cannot be set back (mtime
 * can). The cache trusts an entry only when the file's ctime second is older than the second the
 * entry was verified in ("racy" entries, changed in the very second they were hashed, are rehashed
 * next time, as git does for its index), so every change made after a verification shows as a ctime
 * change. (Deno reports ctime to the second, hence the rule.)
 */
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic.ts";
import { sha256File, sha256Hex, stableJson } from "../util/hash.ts";
import { type Manifest, manifestHash } from "./manifest.ts";
import { DEFAULT_SNAPSHOTS, readManifest, snapshotDir } from "./paths.ts";

/** The cache of verified file metadata, kept in each snapshot folder (not part of the snapshot). */
export const VERIFIED_CACHE = ".verified.json";

/** One file (or the manifest) whose content no longer matches. */
export interface VerifyProblem {
  file: string;
  expected: string;
  found: string;
}

/** A snapshot that does not match its manifest: opening it is refused. */
export class SnapshotIntegrityError extends Error {
  constructor(readonly snapshot: string, readonly file: string, detail: string) {
    super(
      `snapshot "${snapshot}": ${file} ${detail}; the snapshot was changed after it was written — ` +
        `restore it or create a new snapshot (\`deno task snapshot verify ${snapshot}\` lists every mismatch)`,
    );
    this.name = "SnapshotIntegrityError";
  }
}

/** What the cache remembers of a verified file, and the second (epoch s) it was verified in. */
interface FileStamp {
  size: number;
  mtime: number;
  ctime: number;
  ino: number;
  sha256: string;
  verified_s: number;
}

/**
 * Recomputes every file's sha256, the content hash and the manifest's own hash and compares them
 * with `manifest.json`; also checks that the manifest's id is the folder's. Returns the mismatches
 * (empty = intact): a missing file, an unlisted extra file, an unsealed manifest (no
 * `manifest_hash`, written by an older quantnb) and an edited one are mismatches. An intact
 * snapshot refreshes the verified cache.
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
  const problems: VerifyProblem[] = [...(await manifestProblems(id, manifest))];
  const stamps: Record<string, FileStamp> = {};
  for (const [name, entry] of Object.entries(manifest.files)) {
    const path = join(dir, name);
    let found: string;
    try {
      found = await sha256File(path);
      stamps[name] = { ...stampOf(await Deno.stat(path)), sha256: found };
    } catch {
      found = "missing";
    }
    if (found !== entry.sha256) problems.push({ file: name, expected: entry.sha256, found });
  }
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name !== "manifest.json" && entry.name !== VERIFIED_CACHE && !(entry.name in manifest.files)) {
      problems.push({ file: entry.name, expected: "absent", found: "present" });
    }
  }
  const hash = await contentHash(manifest);
  if (hash !== manifest.hash) problems.push({ file: "manifest.json", expected: manifest.hash, found: hash });
  if (problems.length === 0) await writeCache(dir, stamps);
  return problems;
}

/**
 * The manifest of snapshot `id`, verified cheaply: its own hash, its id against the folder's, its
 * content hash against its files' hashes, then each file's size (against the manifest), mtime, ctime
 * and inode (against the verified cache); a file whose metadata changed is rehashed in full and the
 * cache updated. Throws a `SnapshotIntegrityError` naming the file on any mismatch. A manifest
 * without `manifest_hash` (written before it existed) is accepted with a warning on stderr: its files
 * are verified, its metadata cannot be.
 *
 * @example
 * ```ts
 * const manifest = await verifiedManifest("demo"); // throws if prices.parquet was rewritten
 * ```
 */
export async function verifiedManifest(id: string, snapshotsDir = DEFAULT_SNAPSHOTS): Promise<Manifest> {
  return (await checkSnapshot(id, snapshotsDir)).manifest;
}

/**
 * `verifiedManifest` with what it had to do: `rehashed` lists the files hashed in full because the
 * cache did not vouch for them (empty on a warm open).
 *
 * @example
 * ```ts
 * (await checkSnapshot("demo")).rehashed; // => [] once verified
 * ```
 */
export async function checkSnapshot(
  id: string,
  snapshotsDir = DEFAULT_SNAPSHOTS,
): Promise<{ manifest: Manifest; rehashed: string[] }> {
  const manifest = await readManifest(id, snapshotsDir);
  const dir = snapshotDir(id, snapshotsDir);
  if (manifest.snapshot_id !== id) {
    throw new SnapshotIntegrityError(
      id,
      "manifest.json",
      `says snapshot_id "${manifest.snapshot_id}", but its folder is "${id}"`,
    );
  }
  if (manifest.manifest_hash === undefined) warnUnsealed(id);
  else if ((await manifestHash(manifest)) !== manifest.manifest_hash) {
    throw new SnapshotIntegrityError(
      id,
      "manifest.json",
      "was edited: its manifest_hash no longer matches its content",
    );
  }
  const hash = await contentHash(manifest);
  if (hash !== manifest.hash) {
    throw new SnapshotIntegrityError(
      id,
      "manifest.json",
      `lists files whose hashes do not give its hash ${manifest.hash.slice(0, 12)}…`,
    );
  }
  const cache = await readCache(dir);
  const rehashed: string[] = [];
  for (const [name, entry] of Object.entries(manifest.files)) {
    const path = join(dir, name);
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch {
      throw new SnapshotIntegrityError(id, name, "is missing");
    }
    if (info.size !== entry.bytes) {
      throw new SnapshotIntegrityError(id, name, `has ${info.size} bytes, its manifest says ${entry.bytes}`);
    }
    const stamp = stampOf(info);
    const known = cache[name];
    if (
      known && known.sha256 === entry.sha256 && known.size === stamp.size && known.mtime === stamp.mtime &&
      known.ctime === stamp.ctime && known.ino === stamp.ino &&
      Math.floor(known.ctime / 1000) < known.verified_s
    ) continue;
    const found = await sha256File(path);
    if (found !== entry.sha256) {
      throw new SnapshotIntegrityError(
        id,
        name,
        `has sha256 ${found.slice(0, 12)}…, its manifest says ${entry.sha256.slice(0, 12)}…`,
      );
    }
    cache[name] = { ...stamp, sha256: found };
    rehashed.push(name);
  }
  if (rehashed.length) await writeCache(dir, cache);
  return { manifest, rehashed };
}

/**
 * Writes the verified cache of a folder whose files were just hashed (by `createSnapshot`, which
 * knows every hash): later opens skip rehashing them.
 */
export async function recordVerified(dir: string, hashes: Record<string, string>): Promise<void> {
  const stamps: Record<string, FileStamp> = {};
  for (const [name, sha256] of Object.entries(hashes)) {
    stamps[name] = { ...stampOf(await Deno.stat(join(dir, name))), sha256 };
  }
  await writeCache(dir, stamps);
}

/** The content hash a manifest's file list gives: sha256 over the stable JSON of `{file: sha256}`. */
export async function contentHash(manifest: Pick<Manifest, "files">): Promise<string> {
  return await sha256Hex(
    stableJson(Object.fromEntries(Object.entries(manifest.files).map(([k, f]) => [k, f.sha256]))),
  );
}

/** The manifest's own problems: its id is not the folder's, it was edited, or it is unsealed. */
async function manifestProblems(id: string, manifest: Manifest): Promise<VerifyProblem[]> {
  const problems: VerifyProblem[] = [];
  if (manifest.snapshot_id !== id) {
    problems.push({
      file: "manifest.json",
      expected: `snapshot_id "${id}" (the folder)`,
      found: `"${manifest.snapshot_id}"`,
    });
  }
  if (manifest.manifest_hash === undefined) {
    problems.push({
      file: "manifest.json",
      expected: "a manifest_hash",
      found: "none (written by an older quantnb: recreate the snapshot to seal it)",
    });
  } else {
    const hash = await manifestHash(manifest);
    if (hash !== manifest.manifest_hash) {
      problems.push({ file: "manifest.json", expected: manifest.manifest_hash, found: hash });
    }
  }
  return problems;
}

const warned = new Set<string>();

function warnUnsealed(id: string): void {
  if (warned.has(id)) return;
  warned.add(id);
  console.warn(
    `warning: snapshot "${id}": manifest.json has no manifest_hash (written by an older quantnb): its files ` +
      "are verified, edits to its metadata cannot be detected; recreate the snapshot to seal it",
  );
}

/** A file's identifying metadata, stamped with the current second. */
function stampOf(info: Deno.FileInfo): Omit<FileStamp, "sha256"> {
  return {
    size: info.size,
    mtime: info.mtime?.getTime() ?? NaN,
    ctime: info.ctime?.getTime() ?? NaN,
    ino: info.ino ?? NaN,
    verified_s: Math.floor(Date.now() / 1000),
  };
}

async function readCache(dir: string): Promise<Record<string, FileStamp>> {
  try {
    const parsed = JSON.parse(await Deno.readTextFile(join(dir, VERIFIED_CACHE)));
    return parsed && typeof parsed === "object" && parsed.files && typeof parsed.files === "object"
      ? parsed.files
      : {};
  } catch {
    return {}; // no cache yet, or unreadable: every file is rehashed
  }
}

async function writeCache(dir: string, files: Record<string, FileStamp>): Promise<void> {
  try {
    await writeFileAtomic(join(dir, VERIFIED_CACHE), JSON.stringify({ files }) + "\n");
  } catch {
    // a read-only snapshot folder: no cache, files are rehashed at each open
  }
}
