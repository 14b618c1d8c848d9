/**
 * Running work as a job: registered in the jobs folder, at most one running job per kind (a kind
 * lock the kernel releases if the process dies), pending while another job of its kind runs,
 * its progress reports recorded, its console copied to its log, cancellable (`cancelJob`), and
 * ending completed, failed (with the error) or cancelled.
 */
import { join } from "node:path";
import { type ProgressState, watchProgress } from "../../nb/progress.ts";
import {
  defaultJobsDir,
  hostName,
  jobPaths,
  type JobRecord,
  kindLockPath,
  newJobId,
  readJob,
  writeJob,
} from "./job_record.ts";
import { type HeldLock, lockHolder, tryLock } from "./lock.ts";
import { exists } from "../../util/fs.ts";

/** How to run a job. */
export interface RunJobOptions {
  /** The kind: one running job per kind at a time. */
  readonly kind: string;
  readonly title?: string;
  /** The command it stands for, as `deno task …` words (shown by `jobs list`). */
  readonly command?: readonly string[];
  readonly jobsDir?: string;
  /** Use this id (a launcher that made the folder); default a new one. */
  readonly jobId?: string;
  /** Copy everything printed through `console` into the job's log. */
  readonly captureConsole?: boolean;
  /** The job has a process of its own: SIGINT / SIGTERM cancel it. */
  readonly dedicated?: boolean;
  /** Called once when the job waits for another job of its kind. */
  readonly onWait?: (holder: string | undefined) => void;
}

/** What the work sees of its job. */
export interface JobHandle {
  readonly jobId: string;
  readonly dir: string;
  /** Aborted when the job is cancelled. */
  readonly signal: AbortSignal;
  /** One line into the job's log. */
  log(line: string): void;
}

/** Thrown by `runJob` when the job was cancelled. */
export class JobCancelled extends Error {
  constructor(readonly jobId: string) {
    super(`job ${jobId} was cancelled`);
    this.name = "JobCancelled";
  }
}

const POLL_MS = 200;

/** The job this process is running work for (set by `runJob` while its work runs), if any. */
let current: JobHandle | undefined;

/**
 * The job whose work this process is running, if any: a task that registers itself as a job checks
 * it, so a task started by `deno task jobs start` is not registered twice.
 *
 * @example
 * ```ts
 * if (!currentJob()) await runJob({ kind: "batch" }, work); else await work(currentJob()!);
 * ```
 */
export function currentJob(): JobHandle | undefined {
  return current;
}
const PROGRESS_EVERY_MS = 250;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` as a job of `options.kind` (see the module doc) and returns its final record and
 * result. Waits (status pending, polling so a cancel is seen) while another job of the kind runs.
 * A failure of `work` marks the job failed and is rethrown; a cancel aborts `handle.signal`, marks
 * the job cancelled and throws `JobCancelled`.
 *
 * @example
 * ```ts
 * const { record } = await runJob({ kind: "batch", title: "nightly" }, async (job) => {
 *   return await runBatchFile("nightly.yaml", { signal: job.signal });
 * });
 * record.status; // => "completed"
 * ```
 */
export async function runJob<T>(
  options: RunJobOptions,
  work: (handle: JobHandle) => Promise<T>,
): Promise<{ record: JobRecord; result: T }> {
  const jobsDir = options.jobsDir ?? defaultJobsDir();
  const jobId = options.jobId ?? newJobId(options.kind);
  const paths = jobPaths(jobsDir, jobId);
  await Deno.mkdir(paths.dir, { recursive: true });
  await Deno.mkdir(join(jobsDir, ".locks"), { recursive: true });
  const alive = (await tryLock(paths.alive, { pid: Deno.pid }))!;
  const logFile = await Deno.open(paths.log, { append: true, create: true });
  const encoder = new TextEncoder();
  const log = (line: string) => {
    const bytes = encoder.encode(line.endsWith("\n") ? line : line + "\n");
    for (let k = 0; k < bytes.length;) k += logFile.writeSync(bytes.subarray(k));
  };
  let record: JobRecord = {
    job_id: jobId,
    kind: options.kind,
    title: options.title ?? options.kind,
    command: options.command ?? [],
    status: "pending",
    pid: Deno.pid,
    hostname: hostName(),
    dedicated: options.dedicated ?? false,
    created_at: new Date().toISOString(),
  };
  let writing = Promise.resolve();
  const save = (next: Partial<JobRecord>) => {
    record = { ...record, ...next };
    const snapshot = record;
    writing = writing.then(() => writeJob(jobsDir, snapshot)).catch(() => {});
    return writing;
  };
  await save({});

  const controller = new AbortController();
  const cancelRequested = async () => controller.signal.aborted || await exists(paths.cancel);
  const onSignal = () => controller.abort();
  if (options.dedicated) {
    Deno.addSignalListener("SIGINT", onSignal);
    Deno.addSignalListener("SIGTERM", onSignal);
  }
  let kindLock: HeldLock | undefined;
  let stopProgress = () => {};
  let poller: ReturnType<typeof setInterval> | undefined;
  const restore = captureConsole(options.captureConsole ? log : undefined);
  try {
    const lockPath = kindLockPath(jobsDir, options.kind);
    let waited = false;
    while (
      !(kindLock = await tryLock(lockPath, { job_id: jobId, pid: Deno.pid, hostname: record.hostname }))
    ) {
      if (await cancelRequested()) {
        await save({ status: "cancelled", finished_at: new Date().toISOString(), waiting_for: undefined });
        throw new JobCancelled(jobId);
      }
      const holder = (await lockHolder<{ job_id?: string }>(lockPath))?.job_id;
      if (!waited) {
        options.onWait?.(holder);
        log(`waiting for job ${holder ?? "?"} (one ${options.kind} job at a time)`);
        await save({ waiting_for: holder });
        waited = true;
      }
      await sleep(POLL_MS);
    }
    await save({ status: "running", started_at: new Date().toISOString(), waiting_for: undefined });
    log(`job ${jobId} (${options.kind}) started on ${record.hostname}, pid ${Deno.pid}`);
    poller = setInterval(async () => {
      if (!controller.signal.aborted && await exists(paths.cancel)) controller.abort();
    }, POLL_MS);
    let lastSaved = 0;
    stopProgress = watchProgress((state: ProgressState) => {
      const now = Date.now();
      if (!state.finished && now - lastSaved < PROGRESS_EVERY_MS) return;
      lastSaved = now;
      save({
        progress: {
          label: state.label,
          done: state.done,
          total: state.total,
          updated_at: new Date(now).toISOString(),
        },
      });
    });
    let result: T;
    const previous = current;
    try {
      current = { jobId, dir: paths.dir, signal: controller.signal, log };
      result = await work(current);
    } catch (error) {
      if (controller.signal.aborted) {
        log(`job cancelled`);
        await save({ status: "cancelled", finished_at: new Date().toISOString() });
        throw new JobCancelled(jobId);
      }
      const e = error as Error;
      log(`job failed: ${e.stack ?? e.message}`);
      await save({ status: "failed", finished_at: new Date().toISOString(), error: e.message });
      throw error;
    } finally {
      current = previous;
    }
    const status = controller.signal.aborted ? "cancelled" : "completed";
    log(`job ${status}`);
    await save({ status, finished_at: new Date().toISOString() });
    return { record, result };
  } finally {
    restore();
    stopProgress();
    if (poller !== undefined) clearInterval(poller);
    if (options.dedicated) {
      Deno.removeSignalListener("SIGINT", onSignal);
      Deno.removeSignalListener("SIGTERM", onSignal);
    }
    await writing;
    kindLock?.release();
    logFile.close();
    alive.release();
  }
}

/** Copies `console.log/info/warn/error` output into `log` (as well as printing it); returns the undo. */
function captureConsole(log: ((line: string) => void) | undefined): () => void {
  if (!log) return () => {};
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error };
  for (const name of Object.keys(saved) as (keyof typeof saved)[]) {
    console[name] = (...parts: unknown[]) => {
      saved[name](...parts);
      log(parts.map((p) => (typeof p === "string" ? p : Deno.inspect(p))).join(" "));
    };
  }
  return () => Object.assign(console, saved);
}

/**
 * Asks a job to stop: writes its `cancel` file (a pending job leaves the queue, a running job's
 * signal is aborted) and, for a job with a process of its own on this machine, sends it SIGTERM.
 * Returns the job's record as it stands (a finished job is left as it is).
 *
 * @example
 * ```ts
 * await cancelJob("runs/.jobs", "20240102-101500-suite-3fa9");
 * ```
 */
export async function cancelJob(jobsDir: string, jobId: string): Promise<JobRecord> {
  const record = await readJob(jobsDir, jobId);
  if (record.status !== "pending" && record.status !== "running") return record;
  await Deno.writeTextFile(jobPaths(jobsDir, jobId).cancel, new Date().toISOString() + "\n");
  if (record.dedicated && record.hostname === hostName()) {
    try {
      Deno.kill(record.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  return record;
}
