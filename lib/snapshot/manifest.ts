/** The manifest written beside every snapshot's Parquet files, its own hash, and the rules for snapshot ids. */
import { sha256Hex, stableJson } from "../util/hash.ts";

/** One Parquet file of a snapshot. */
export interface ManifestFile {
  sha256: string;
  rows: number;
  bytes: number;
}

/** `snapshots/<id>/manifest.json`. */
export interface Manifest {
  snapshot_id: string;
  /** sha256 over the files' hashes (stable JSON of `files`): the snapshot's content identity. */
  hash: string;
  created_at: string;
  quantnb_version: string;
  source: { db: string; fingerprint: string };
  selection: { top: number | null; start: string | null; end: string | null };
  files: Record<string, ManifestFile>;
  rows: Record<string, number>;
  securities: number;
  date_range: Record<string, { min: string | null; max: string | null }>;
  /** Parameters of every load into the source store (generators, files, mappings). */
  generator: { source: string; params: Record<string, unknown>; loaded_at: string }[];
  /**
   * sha256 over the canonical JSON of every other field (`manifestHash`): an edit to any metadata is
   * detected. Absent in manifests written before it existed ("unsealed").
   */
  manifest_hash?: string;
}

/**
 * The manifest's own hash: sha256 (64 hex) of the canonical JSON (`stableJson`) of every field but
 * `manifest_hash`, so key order and whitespace do not matter and any value changed does.
 *
 * @example
 * ```ts
 * manifest.manifest_hash === await manifestHash(manifest); // => true for an untouched manifest
 * ```
 */
export async function manifestHash(manifest: Manifest): Promise<string> {
  return await sha256Hex(stableJson({ ...manifest, manifest_hash: undefined }));
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Checks a snapshot id: 1–64 characters of letters, digits, `.`, `_`, `-`, starting with a letter or
 * digit, and never `..` (ids become folder names). Throws a `RangeError` saying what was expected.
 *
 * @example
 * ```ts
 * validateSnapshotId("demo"); // ok
 * validateSnapshotId("../x"); // throws RangeError
 * ```
 */
export function validateSnapshotId(id: string): string {
  if (!ID_PATTERN.test(id) || id.includes("..")) {
    throw new RangeError(
      `invalid snapshot id "${id}": expected 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit, without '..' or '/'`,
    );
  }
  return id;
}
