/**
 * The store's writer lock: one writer at a time per store file, held as an exclusive advisory lock
 * (`flock`) on `<store>.lock`. The lock file names its holder (pid, command, start time) so a
 * blocked writer can say who is writing and what to do. The OS drops the lock when the holder exits
 * or is killed, so a crashed writer never leaves the store locked.
 */

/** Who holds a store's writer lock, as recorded in the lock file. */
export interface LockHolder {
  pid: number;
  command: string;
  /** ISO timestamp of when the lock was taken. */
  since: string;
}

/** A held writer lock; `release()` is idempotent. */
export interface WriteLock {
  readonly path: string;
  release(): void;
}

/** A store that stayed locked by another process for longer than the caller was willing to wait. */
export class StoreLockedError extends Error {
  constructor(readonly store: string, readonly holder: LockHolder | undefined, readonly waitedMs: number) {
    super(
      `store ${store} is being written by ${describeHolder(holder)}; waited ${
        (waitedMs / 1000).toFixed(0)
      } s. Wait for that load to finish and retry, or stop it${
        holder ? ` (kill ${holder.pid})` : ""
      }: a stopped load leaves the store as it was before that load.`,
    );
    this.name = "StoreLockedError";
  }
}

/** Options of `acquireWriteLock`. */
export interface LockOptions {
  /** How long to wait for another writer before giving up (ms, default 10 000). */
  waitMs?: number;
  /** Told once when the lock is busy and we start waiting. */
  onWait?: (message: string) => void;
}

const POLL_MS = 100;
/** Lock files held by this process (flock does not exclude a second open in the same process on every OS). */
const heldHere = new Set<string>();

/** The lock file of a store. */
export function lockPathOf(store: string): string {
  return `${store}.lock`;
}

/**
 * Takes the writer lock of `store`, waiting up to `waitMs` for a current writer to finish; throws a
 * `StoreLockedError` naming the holder (pid, command, since) when it does not.
 *
 * @example
 * ```ts
 * const lock = await acquireWriteLock("data/quant.duckdb");
 * try { … } finally { lock.release(); }
 * ```
 */
export async function acquireWriteLock(store: string, options: LockOptions = {}): Promise<WriteLock> {
  const { waitMs = 10_000, onWait } = options;
  const path = lockPathOf(store);
  const started = performance.now();
  let told = false;
  while (true) {
    if (!heldHere.has(path)) {
      const file = await Deno.open(path, { read: true, write: true, create: true });
      if (await file.tryLock(true)) {
        heldHere.add(path);
        await file.truncate(0);
        const holder: LockHolder = {
          pid: Deno.pid,
          command: currentCommand(),
          since: new Date().toISOString(),
        };
        await file.write(new TextEncoder().encode(JSON.stringify(holder) + "\n"));
        let released = false;
        return {
          path,
          release() {
            if (released) return;
            released = true;
            heldHere.delete(path);
            file.close(); // closing the descriptor drops the flock
          },
        };
      }
      file.close();
    }
    const waited = performance.now() - started;
    const holder = await readHolder(path);
    if (waited >= waitMs) throw new StoreLockedError(store, holder, waited);
    if (!told) {
      told = true;
      onWait?.(
        `store ${store} is being written by ${describeHolder(holder)}; waiting up to ${
          (waitMs / 1000).toFixed(0)
        } s…`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The holder recorded in a lock file, or `undefined` when it is unreadable (being rewritten). */
export async function readHolder(lockPath: string): Promise<LockHolder | undefined> {
  try {
    const holder = JSON.parse(await Deno.readTextFile(lockPath));
    return typeof holder?.pid === "number" ? holder as LockHolder : undefined;
  } catch {
    return undefined;
  }
}

/** `PID 123 (deno task ingest synthetic, since 2024-01-02T10:00:00Z)` or a fallback. */
export function describeHolder(holder: LockHolder | undefined): string {
  return holder
    ? `PID ${holder.pid} (${holder.command}, since ${holder.since.replace(/\.\d+Z$/, "Z")})`
    : "another process";
}

/** The command line of process `pid` from /proc (Linux), on one line and at most 160 characters. */
export function processCommand(pid: number): string | undefined {
  try {
    const text = Deno.readTextFileSync(`/proc/${pid}/cmdline`).split("\0").join(" ").replace(/\s+/g, " ")
      .trim();
    return text.length > 160 ? `${text.slice(0, 159)}…` : text || undefined;
  } catch {
    return undefined;
  }
}

function currentCommand(): string {
  return processCommand(Deno.pid) ?? `deno ${Deno.mainModule}`;
}
