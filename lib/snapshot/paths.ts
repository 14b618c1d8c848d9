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

/** Reads a snapshot's manifest, with a clear error when the snapshot does not exist. */
export async function readManifest(id: string, snapshotsDir = DEFAULT_SNAPSHOTS): Promise<Manifest> {
  const path = join(snapshotDir(id, snapshotsDir), "manifest.json");
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    throw new Error(`snapshot "${id}" not found: no ${path} (see \`deno task snapshot list\`)`);
  }
  return JSON.parse(text) as Manifest;
}
