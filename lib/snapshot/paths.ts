import { join } from "node:path";
import { envOr } from "../util/env.ts";
import type { Manifest } from "./manifest.ts";
import { validateSnapshotId } from "./manifest.ts";

/** Default folder of snapshots (`QUANTNB_SNAPSHOTS` overrides it). */
export const DEFAULT_SNAPSHOTS: string = envOr("QUANTNB_SNAPSHOTS", "snapshots");

/** The folder of snapshot `id` under `snapshotsDir` (the id is validated first). */
export function snapshotDir(id: string, snapshotsDir = DEFAULT_SNAPSHOTS): string {
  return join(snapshotsDir, validateSnapshotId(id));
}

/**
 * Reads a snapshot's manifest as written, with a clear error naming the file when the snapshot does
 * not exist, the manifest is not JSON, or it lacks the fields every manifest has. It does NOT verify
 * the snapshot (see `verifiedManifest`, which `openSnapshot` uses).
 *
 * @example
 * ```ts
 * (await readManifest("demo")).hash; // the content identity the manifest claims
 * ```
 */
export async function readManifest(id: string, snapshotsDir = DEFAULT_SNAPSHOTS): Promise<Manifest> {
  const path = join(snapshotDir(id, snapshotsDir), "manifest.json");
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(`snapshot "${id}" not found: no ${path} (see \`deno task snapshot list\`)`);
    }
    throw new Error(`snapshot "${id}": cannot read ${path}: ${(error as Error).message}`);
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw new Error(`snapshot "${id}": ${path} is not valid JSON (${(error as Error).message})`);
  }
  const bad = manifestShape(manifest);
  if (bad) throw new Error(`snapshot "${id}": ${path} is not a snapshot manifest: ${bad}`);
  return manifest;
}

/** What is wrong with a parsed manifest's shape, or "" when every required field has its type. */
function manifestShape(m: unknown): string {
  if (m === null || typeof m !== "object" || Array.isArray(m)) return "expected a JSON object";
  const record = m as Record<string, unknown>;
  for (const key of ["snapshot_id", "hash", "created_at"]) {
    if (typeof record[key] !== "string") {
      return `field "${key}" should be a string, found ${JSON.stringify(record[key])}`;
    }
  }
  const files = record.files;
  if (files === null || typeof files !== "object" || Array.isArray(files)) {
    return `field "files" should be an object`;
  }
  for (const [name, f] of Object.entries(files as Record<string, unknown>)) {
    const entry = f as Record<string, unknown> | null;
    if (!entry || typeof entry.sha256 !== "string" || typeof entry.bytes !== "number") {
      return `files["${name}"] should have a sha256 string and a bytes number`;
    }
  }
  return "";
}
