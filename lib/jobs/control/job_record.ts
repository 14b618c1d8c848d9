/**
 * The job registry: one folder per job under the jobs folder (default `runs/.jobs`, or
 * `QUANTNB_JOBS`): `job.json` (kind, status, progress, who runs it; rewritten atomically), `log.txt`
 * (appended as the job runs), `alive.lock` (held by the job's process for its whole life) and, when
 * asked, `cancel`. A job that says it is pending or running but whose process no longer holds its
 * `alive.lock` died (crash, `kill -9`, reboot): reading it marks it failed.
 */
import { join } from "node:path";
import { writeFileAtomic } from "../../util/atomic.ts";
import { envOr } from "../../util/env.ts";
import { isLocked } from "./lock.ts";

/** Where a job stands. */
export const JOB_STATUSES = ["pending", "running", "completed", "failed", "cancelled"] as const;

/** One of `JOB_STATUSES`. */
export type JobStatus = typeof JOB_STATUSES[number];

/** A job's progress, as its last progress report said. */
export interface JobProgress {
  readonly label: string;
  readonly done: number;
  readonly total: number;
  readonly updated_at: string;
}

/** The content of `job.json`. */
export interface JobRecord {
  readonly job_id: string;
  /** The kind (a task name: ingest, suite, batch, …); one job of a kind runs at a time. */
  readonly kind: string;
  readonly title: string;
  /** The command it runs, as `deno task …` words. */
  readonly command: readonly string[];
  readonly status: JobStatus;
  readonly pid: number;
  readonly hostname: string;
  /** True when the job has a process of its own (`deno task jobs start`): cancel may signal it. */
  readonly dedicated: boolean;
  readonly created_at: string;
  readonly started_at?: string;
  readonly finished_at?: string;
  readonly progress?: JobProgress;
  /** While pending: the job of the same kind it waits for. */
  readonly waiting_for?: string;
  readonly error?: string;
}

/** The default jobs folder: `QUANTNB_JOBS`, else `runs/.jobs`. */
export function defaultJobsDir(): string {
  return envOr("QUANTNB_JOBS", "runs/.jobs");
}

/** The files of a job. */
export interface JobPaths {
  readonly dir: string;
  readonly record: string;
  readonly log: string;
  readonly alive: string;
  readonly cancel: string;
}

/** Paths of a job's files. */
export function jobPaths(jobsDir: string, jobId: string): JobPaths {
  const dir = join(jobsDir, jobId);
  return {
    dir,
    record: join(dir, "job.json"),
    log: join(dir, "log.txt"),
    alive: join(dir, "alive.lock"),
    cancel: join(dir, "cancel"),
  };
}

/** The lock file of a job kind. */
export function kindLockPath(jobsDir: string, kind: string): string {
  return join(jobsDir, ".locks", `${kind}.lock`);
}

/**
 * A new job id: `<yyyymmdd-hhmmss UTC>-<kind>-<4 random hex>`.
 *
 * @example
 * ```ts
 * newJobId("suite"); // => "20240102-101500-suite-3fa9"
 * ```
 */
export function newJobId(kind: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  const random = Array.from(crypto.getRandomValues(new Uint8Array(2)), (b) => b.toString(16).padStart(2, "0"))
    .join("");
  return `${stamp}-${kind}-${random}`;
}

/** Writes `job.json` atomically. */
export async function writeJob(jobsDir: string, record: JobRecord): Promise<void> {
  await writeFileAtomic(jobPaths(jobsDir, record.job_id).record, JSON.stringify(record, null, 2) + "\n");
}

/** This machine's name (as recorded in jobs). */
export function hostName(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown";
  }
}

/**
 * Reads a job, marking it failed when it claims to be pending or running on this machine but its
 * process is gone (nobody holds its `alive.lock`).
 *
 * @example
 * ```ts
 * (await readJob("runs/.jobs", id)).status; // => "running"
 * ```
 */
export async function readJob(jobsDir: string, jobId: string): Promise<JobRecord> {
  const paths = jobPaths(jobsDir, jobId);
  let record: JobRecord;
  try {
    record = JSON.parse(await Deno.readTextFile(paths.record)) as JobRecord;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new Error(`no job ${jobId} in ${jobsDir}`);
    throw new Error(`${paths.record}: ${(error as Error).message}`);
  }
  if ((record.status === "pending" || record.status === "running") && record.hostname === hostName()) {
    if (!(await isLocked(paths.alive))) {
      // re-read: the job may have finished between the first read and the lock check
      const now = JSON.parse(await Deno.readTextFile(paths.record)) as JobRecord;
      if (now.status !== "pending" && now.status !== "running") return now;
      record = {
        ...now,
        status: "failed",
        finished_at: new Date().toISOString(),
        error:
          `the job's process (pid ${now.pid} on ${now.hostname}) ended without finishing: crashed or killed`,
      };
      await writeJob(jobsDir, record);
    }
  }
  return record;
}

/**
 * Every job of the jobs folder, newest first (folders without a readable `job.json` are left out).
 *
 * @example
 * ```ts
 * (await listJobs()).filter((j) => j.status === "running");
 * ```
 */
export async function listJobs(jobsDir: string = defaultJobsDir()): Promise<JobRecord[]> {
  const ids: string[] = [];
  try {
    for await (const entry of Deno.readDir(jobsDir)) {
      if (entry.isDirectory && !entry.name.startsWith(".")) ids.push(entry.name);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  const jobs: JobRecord[] = [];
  for (const id of ids) {
    try {
      jobs.push(await readJob(jobsDir, id));
    } catch {
      // a folder being created (no job.json yet) or not a job
    }
  }
  return jobs.sort((a, b) => b.created_at.localeCompare(a.created_at) || b.job_id.localeCompare(a.job_id));
}

/**
 * The id of the job `ref` names: an id, or a part of exactly one id (e.g. its random suffix).
 *
 * @example
 * ```ts
 * await resolveJobId("runs/.jobs", "3fa9"); // => "20240102-101500-suite-3fa9"
 * ```
 */
export async function resolveJobId(jobsDir: string, ref: string): Promise<string> {
  const ids = (await listJobs(jobsDir)).map((j) => j.job_id);
  if (ids.includes(ref)) return ref;
  const matches = ids.filter((id) => id.includes(ref));
  if (matches.length === 1) return matches[0];
  throw new Error(
    matches.length
      ? `"${ref}" matches ${matches.length} jobs: ${matches.slice(0, 5).join(", ")}`
      : `no job "${ref}" in ${jobsDir}`,
  );
}
