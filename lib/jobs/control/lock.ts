/**
 * File locks that a crash cannot leave behind: an exclusive `flock` on a lock file. The kernel
 * releases it when its holder exits or dies, however it dies (`kill -9` included), so a lock is never
 * stale; the file itself stays and only says who held it last. Locks are per machine (`flock` is not
 * shared across hosts through a network folder).
 */

/** A lock this process holds. */
export interface HeldLock {
  readonly path: string;
  /** Releases the lock (idempotent). */
  release(): void;
}

/**
 * Takes the lock of `path` if it is free (creating the file), writing `holder` into it as JSON;
 * `undefined` when another holder has it (in any process, this one included).
 *
 * @example
 * ```ts
 * const lock = await tryLock("runs/.jobs/.locks/suite.lock", { job_id: id, pid: Deno.pid });
 * if (!lock) console.log("a suite job is running");
 * lock?.release();
 * ```
 */
export async function tryLock(path: string, holder?: unknown): Promise<HeldLock | undefined> {
  const file = await Deno.open(path, { read: true, write: true, create: true });
  let locked = false;
  try {
    locked = await file.tryLock(true);
  } finally {
    if (!locked) file.close();
  }
  if (!locked) return undefined;
  if (holder !== undefined) {
    await file.truncate(0);
    const bytes = new TextEncoder().encode(JSON.stringify(holder));
    for (let k = 0; k < bytes.length;) k += await file.write(bytes.subarray(k));
  }
  let held = true;
  return {
    path,
    release() {
      if (!held) return;
      held = false;
      file.close(); // closing the descriptor drops the flock
    },
  };
}

/**
 * Whether someone holds the lock of `path` (false when the file does not exist).
 *
 * @example
 * ```ts
 * await isLocked("runs/.jobs/20240102-101500-suite-ab12/alive.lock"); // => true while the job's process lives
 * ```
 */
export async function isLocked(path: string): Promise<boolean> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true, write: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
  try {
    const free = await file.tryLock(true);
    if (free) await file.unlock();
    return !free;
  } finally {
    file.close();
  }
}

/** The holder written into a lock file, if it is readable JSON. */
export async function lockHolder<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as T;
  } catch {
    return undefined;
  }
}
