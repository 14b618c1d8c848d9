/** The disk guard: refuse to start writing runs when the disk they go to is nearly full. */
import { statfsSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** Free bytes for this user on the filesystem holding `path` (or its nearest existing parent). */
export function freeBytes(path: string): number {
  let at = resolve(path);
  for (;;) {
    try {
      const s = statfsSync(at);
      return Number(s.bavail) * Number(s.bsize);
    } catch (error) {
      const parent = dirname(at);
      if (parent === at) throw error;
      at = parent;
    }
  }
}

/**
 * Throws when any of `paths` is on a filesystem with less than `minBytes` free, naming the path, the
 * free space and the threshold (and how to lower it).
 *
 * @example
 * ```ts
 * checkFreeSpace(["runs", "reports/batch/nightly"], 1 * 2 ** 30); // throws below 1 GiB free
 * ```
 */
export function checkFreeSpace(paths: readonly string[], minBytes: number): void {
  for (const path of paths) {
    const free = freeBytes(path);
    if (free < minBytes) {
      const gib = (x: number) => `${(x / 2 ** 30).toFixed(2)} GiB`;
      throw new Error(
        `not enough free disk space for ${path}: ${gib(free)} free, the batch needs at least ${
          gib(minBytes)
        } ` +
          `(free space with \`deno task clean\`, or lower the threshold with --min-free-gb)`,
      );
    }
  }
}
