/**
 * Snapshots: immutable, versioned Parquet copies of the store with a manifest, and the catalog that
 * opens them read-only.
 *
 * @example
 * ```ts
 * import { createSnapshot, openSnapshot, verifySnapshot } from "./mod.ts";
 * await createSnapshot(store, "demo");
 * (await verifySnapshot("demo")).length; // => 0
 * ```
 * @module
 */
export { createSnapshot, type SnapshotOptions, storeFingerprint } from "./create.ts";
export { type Manifest, type ManifestFile, manifestHash, validateSnapshotId } from "./manifest.ts";
export { DEFAULT_SNAPSHOTS, readManifest, snapshotDir } from "./paths.ts";
export {
  checkSnapshot,
  contentHash,
  SnapshotIntegrityError,
  VERIFIED_CACHE,
  verifiedManifest,
  type VerifyProblem,
  verifySnapshot,
} from "./verify.ts";
export {
  listSnapshots,
  type OpenSnapshot,
  openSnapshot,
  type SnapshotEntry,
  type SnapshotViews,
  withSnapshotViews,
} from "./catalog.ts";
