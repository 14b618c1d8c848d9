/**
 * One writer per config hash: check-and-record is atomic across processes. A lock is an exclusive
 * `flock` on `runs/.locks/<config_hash>.lock`; the kernel releases it when its holder exits or dies,
 * so a crashed run never blocks the next one. The holder writes who it is into the file, so a waiting
 * process can say what it waits for. Released locks are removed (and `.locks` once empty).
 *
 * Taking and releasing a free lock are synchronous calls (microseconds each, where a run of async
 * file ops costs a round trip through the runtime's thread pool per op); only waiting for a held
 * lock is asynchronous.
 */
import { join } from "node:path";
import { removeQuietly, statSyncOrUndefined } from "../util/fs.ts";

/** Who holds a lock, as written into the lock file. */
export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  readonly since: string;
}

/**
 * Runs `fn` holding the lock of `configHash` in `runsDir`. When another process (or another call in
 * this one) holds it, calls `onWait(holder)` once and waits until it is released. The lock file is
 * removed on release; a waiter that wakes on a removed file takes the lock anew (the inode check), so
 * two holders never overlap.
 *
 * @example
 * ```ts
 * await withRunLock("runs", "3fa94c0e12d7", async () => {
 *   // look for an identical run, else compute and record it
 * }, (h) => console.error(`waiting for process ${h.pid}`));
 * ```
 */
export async function withRunLock<T>(
  runsDir: string,
  configHash: string,
  fn: () => Promise<T>,
  onWait: (holder: LockHolder | undefined) => void = () => {},
): Promise<T> {
  if (!/^[0-9a-f]{6,64}$/.test(configHash)) {
    throw new RangeError(`config hash must be hex, found "${configHash}"`);
  }
  const dir = join(runsDir, ".locks");
  const path = join(dir, `${configHash}.lock`);
  let waited = false;
  for (;;) {
    try {
      Deno.mkdirSync(dir, { recursive: true });
    } catch (e) {
      // EEXIST from a recursive mkdir: another holder removed the empty folder while it was made
      if (e instanceof Deno.errors.AlreadyExists) continue;
      throw e;
    }
    let file: Deno.FsFile;
    try {
      file = Deno.openSync(path, { read: true, write: true, create: true });
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) continue; // another holder removed the empty folder just now
      throw e;
    }
    let held = false;
    try {
      if (!file.tryLockSync(true)) {
        if (!waited) onWait(await readHolder(path));
        waited = true;
        await file.lock(true);
      }
      // The holder before us may have removed the file after we opened it: then our lock is on an
      // unlinked inode that nobody else will see, so start over on the current file.
      const mine = file.statSync(), current = statSyncOrUndefined(path);
      if (!current || current.ino !== mine.ino) continue;
      held = true;
      if (mine.size > 0) file.truncateSync(0); // left by a holder that died
      const holder: LockHolder = {
        pid: Deno.pid,
        hostname: hostname(),
        since: new Date().toISOString(),
      };
      const bytes = new TextEncoder().encode(JSON.stringify(holder));
      for (let written = 0; written < bytes.length;) written += file.writeSync(bytes.subarray(written));
      return await fn();
    } finally {
      if (held) {
        removeQuietly(path);
        removeQuietly(dir); // only when no other lock is in it
      }
      file.close();
    }
  }
}

async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    const parsed = JSON.parse(await Deno.readTextFile(path));
    return typeof parsed?.pid === "number" ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function hostname(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown"; // no --allow-sys
  }
}
