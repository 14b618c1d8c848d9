/**
 * What the jobs one worker runs share: loaded panels, read signals, snapshot manifests and file
 * hashes, so 200 backtests of one snapshot load its panel once. Entries are keyed by content
 * (manifest hash, file size and mtime), so a changed input is read again; the panel and signal
 * caches keep the most recently used few.
 */
import { loadPanel } from "../panel/load.ts";
import type { Interval } from "../bars/session.ts";
import type { Panel } from "../panel/types.ts";
import type { ParsedSignal } from "../signal/parse_signal.ts";
import { readSignal, readSignalName } from "../signal/read_signal.ts";
import type { Manifest } from "../snapshot/manifest.ts";
import { readManifest } from "../snapshot/paths.ts";
import { sha256File } from "../util/hash.ts";

/** The caches of one worker. */
export interface JobCache {
  /** The snapshot's manifest. */
  manifest(snapshot: string, snapshotsDir: string): Promise<Manifest>;
  /** SHA-256 of a file's bytes (hashed again when its size or mtime changes). */
  fileHash(path: string): Promise<string>;
  /** The snapshot's panel with (at least) these fields, at `interval` (default daily). */
  panel(
    snapshot: string,
    snapshotsDir: string,
    fields: readonly string[],
    interval?: Interval,
  ): Promise<Panel>;
  /** The signal file, read and parsed. */
  signal(path: string): Promise<ParsedSignal>;
  /** The signal file's `signal_name` (read without the rest of the file), if it has one. */
  signalName(path: string): Promise<string | undefined>;
}

/** A map that keeps its `capacity` most recently used entries. */
class Lru<V> {
  #entries = new Map<string, Promise<V>>();
  constructor(readonly capacity: number) {}
  get(key: string, make: () => Promise<V>): Promise<V> {
    let value = this.#entries.get(key);
    if (value) this.#entries.delete(key);
    else {
      value = make();
      value.catch(() => this.#entries.delete(key));
    }
    this.#entries.set(key, value);
    while (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
    return value;
  }
}

/**
 * A file's identity for caching: path, size and modification time (a synchronous stat: every job
 * asks it of its snapshot's manifest and its input files).
 */
function fileKey(path: string): string {
  const info = Deno.statSync(path);
  return `${path}\0${info.size}\0${info.mtime?.getTime() ?? 0}`;
}

/**
 * A fresh set of caches: up to `panels` panels (default 2) and `signals` signals (default 8).
 *
 * @example
 * ```ts
 * const cache = createJobCache();
 * const panel = await cache.panel("demo", "snapshots", ["ret", "mcap"]);
 * ```
 */
export function createJobCache({ panels = 2, signals = 8 } = {}): JobCache {
  const manifests = new Lru<Manifest>(16);
  const hashes = new Lru<string>(256);
  const panelCache = new Lru<Panel>(panels);
  const signalCache = new Lru<ParsedSignal>(signals);
  const names = new Lru<string | undefined>(256);
  const cache: JobCache = {
    async manifest(snapshot, snapshotsDir) {
      let key: string;
      try {
        key = fileKey(`${snapshotsDir}/${snapshot}/manifest.json`);
      } catch {
        key = `${snapshot}?`;
      }
      return await manifests.get(`${snapshotsDir}\0${key}`, () => readManifest(snapshot, snapshotsDir));
    },
    async fileHash(path) {
      return await hashes.get(fileKey(path), () => sha256File(path));
    },
    async panel(snapshot, snapshotsDir, fields, interval) {
      const { hash } = await cache.manifest(snapshot, snapshotsDir);
      const wanted = [...new Set(fields)].sort();
      const key = `${snapshotsDir}\0${snapshot}\0${hash}\0${wanted.join(",")}\0${interval ?? "1d"}`;
      return await panelCache.get(key, () => loadPanel({ snapshot, snapshotsDir, fields: wanted, interval }));
    },
    async signal(path) {
      return await signalCache.get(fileKey(path), () => readSignal(path));
    },
    async signalName(path) {
      return await names.get(fileKey(path), () => readSignalName(path));
    },
  };
  return cache;
}
