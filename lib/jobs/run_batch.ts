/**
 * Running a planned batch: which jobs to run (everything whose run is not recorded yet, or only the
 * failed ones with `retryFailed`, narrowed by `only` patterns), handing them to an executor (worker
 * processes, this process, or a Redis queue), one log file per job, an event per start and finish,
 * an overall progress bar, and the summary (CSV + HTML index) at the end — also when interrupted.
 *
 * Resume: a job's identity is the config hash of the run it records, and a run is recorded
 * atomically, so rerunning a batch after a crash or `kill -9` skips every job whose run is there and
 * runs the others; no completed run is lost and none is half-written.
 */
import { join } from "node:path";
import { type Progress, progress, type ProgressMode } from "../nb/progress.ts";
import { getRun } from "../track/get_run.ts";
import { appendEvent, type JobEvent, lastEvents } from "./batch_state.ts";
import { matchesPattern } from "./batch_spec.ts";
import type { JobMessage, JobReply } from "./execute.ts";
import { createJobCache } from "./cache.ts";
import { type BatchPlan, bindJob, type PlannedJob } from "./plan.ts";
import type { Executor } from "./pool.ts";
import { writeBatchSummary } from "./summary.ts";

/**
 * Where a job stands: `done` (its run was recorded before this invocation), `completed` (recorded
 * now), `failed`, `interrupted` (started by an earlier invocation that died), `cancelled` (stopped by
 * this one), `pending` (not started), `skipped` (not selected by `only` / `retryFailed`).
 */
export type BatchJobStatus =
  | "done"
  | "completed"
  | "failed"
  | "interrupted"
  | "cancelled"
  | "pending"
  | "skipped";

/** One job's outcome. */
export interface BatchJobResult {
  readonly job: PlannedJob;
  readonly status: BatchJobStatus;
  readonly run_id?: string;
  readonly metrics?: Readonly<Record<string, number>>;
  readonly error?: string;
  readonly seconds?: number;
}

/** A batch's outcome. */
export interface BatchResult {
  readonly batchDir: string;
  readonly jobs: readonly BatchJobResult[];
  /** Jobs per status. */
  readonly counts: Readonly<Record<BatchJobStatus, number>>;
  /** True when the batch was stopped before every selected job ran. */
  readonly cancelled: boolean;
  readonly summaryCsv: string;
  readonly index: string;
}

/** Which jobs to run. */
export interface SelectOptions {
  /** Job name patterns (see `matchesPattern`); a job matching any is selected. */
  readonly only?: readonly string[];
  /** Run only the jobs whose last attempt failed. */
  readonly retryFailed?: boolean;
}

/** Options of `runBatch`. */
export interface RunBatchOptions extends SelectOptions {
  readonly executor: Executor;
  /** The batch folder: events, logs, summary (see `batchDir`). */
  readonly batchDir: string;
  /** Stops dispatching and kills the running jobs when aborted (SIGINT). */
  readonly signal?: AbortSignal;
  /** Progress display (default: detected; see `progress`). */
  readonly progressMode?: ProgressMode;
  readonly progressWrite?: (text: string) => void;
  /** Called after each job finishes. */
  readonly onJob?: (result: BatchJobResult) => void;
}

/**
 * The default batch folder: `reports/batch/<batch name>`.
 *
 * @example
 * ```ts
 * batchDir("nightly"); // => "reports/batch/nightly"
 * ```
 */
export function batchDir(name: string, reportsDir = "reports"): string {
  return join(reportsDir, "batch", name.replace(/[^\w.-]+/g, "_"));
}

/**
 * Each job's status before running: `done` when its run is recorded, else what the batch folder's
 * events say of its last attempt (`failed`, `interrupted` when started and never finished,
 * `cancelled`) or `pending`. The last attempt is looked up by config hash, else by job name: a job
 * that failed and whose input file was then fixed has a new config hash, and is still the job that
 * failed.
 *
 * @example
 * ```ts
 * const statuses = await jobStatuses(plan, "reports/batch/nightly");
 * ```
 */
export async function jobStatuses(plan: BatchPlan, dir: string): Promise<Map<PlannedJob, BatchJobResult>> {
  const events = await lastEvents(dir);
  const out = new Map<PlannedJob, BatchJobResult>();
  for (const job of plan.jobs) {
    const last = (job.configHash ? events.byHash.get(job.configHash) : undefined) ??
      events.byName.get(job.spec.name);
    if (job.recorded) {
      out.set(job, { job, status: "done", run_id: job.recorded.run_id, seconds: last?.seconds });
    } else if (last?.status === "failed") {
      out.set(job, { job, status: "failed", error: last.error, seconds: last.seconds });
    } else if (last?.status === "running") out.set(job, { job, status: "interrupted" });
    else if (last?.status === "cancelled") out.set(job, { job, status: "cancelled" });
    else out.set(job, { job, status: "pending" });
  }
  return out;
}

/**
 * The jobs to run: not done, selected by `only` (any pattern), and with `retryFailed` only those whose
 * last attempt failed — plus every dependency of a selected job that is not done (it runs first).
 *
 * @example
 * ```ts
 * selectJobs(statuses, { only: ["mom-*"] }).map((j) => j.spec.name);
 * ```
 */
export function selectJobs(
  statuses: Map<PlannedJob, BatchJobResult>,
  options: SelectOptions = {},
): PlannedJob[] {
  const { only = [], retryFailed = false } = options;
  const chosen = new Set(
    [...statuses.values()].filter(({ job, status }) =>
      status !== "done" && (only.length === 0 || only.some((p) => matchesPattern(job.spec.name, p))) &&
      (!retryFailed || status === "failed")
    ).map((r) => r.job),
  );
  const add = (job: PlannedJob) => {
    for (const dep of job.dependencies) {
      if (!chosen.has(dep) && statuses.get(dep)?.status !== "done") {
        chosen.add(dep);
        add(dep);
      }
    }
  };
  for (const job of [...chosen]) add(job);
  // in plan order, which runs dependencies first
  return [...statuses.keys()].filter((job) => chosen.has(job));
}

/** The message a worker gets for a job. */
export function jobMessage(plan: BatchPlan, job: PlannedJob): JobMessage {
  if (!job.configHash) throw new Error(`job "${job.spec.name}" is not planned yet (its dependencies' runs)`);
  return {
    name: job.spec.name,
    kind: job.spec.kind.kind,
    values: job.values,
    configHash: job.configHash,
    snapshotsDir: plan.places.snapshotsDir,
    runsDir: plan.places.runsDir,
  };
}

/** Metrics from JSON (null → NaN). */
function numbers(
  metrics: Readonly<Record<string, number | null>> | undefined,
): Record<string, number> | undefined {
  return metrics && Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, v ?? NaN]));
}

/** A log file of the batch folder, appended to line by line. */
class LogFile {
  #file: Deno.FsFile;
  #encoder = new TextEncoder();
  constructor(path: string) {
    this.#file = Deno.openSync(path, { append: true, create: true });
  }
  line(text: string): void {
    const bytes = this.#encoder.encode(text + "\n");
    for (let k = 0; k < bytes.length;) k += this.#file.writeSync(bytes.subarray(k));
  }
  close(): void {
    this.#file.close();
  }
}

/**
 * Runs the selected jobs of a planned batch on `executor` (see the module doc) and writes the
 * summary. A failing job is recorded as failed with its error and the others go on; an abort stops
 * dispatching, kills the running jobs (recorded as cancelled) and still writes the summary.
 *
 * @example
 * ```ts
 * const result = await runBatch(plan, { executor: processPool(2), batchDir: batchDir(plan.spec.name) });
 * result.counts.failed; // => 0
 * ```
 */
export async function runBatch(plan: BatchPlan, options: RunBatchOptions): Promise<BatchResult> {
  const { executor, signal } = options;
  const dir = options.batchDir;
  await Deno.mkdir(join(dir, "logs"), { recursive: true });
  const statuses = await jobStatuses(plan, dir);
  const selected = new Set(selectJobs(statuses, options));
  const results = new Map<PlannedJob, BatchJobResult>();
  for (const [job, status] of statuses) {
    results.set(
      job,
      selected.has(job)
        ? { job, status: "pending" }
        : status.status === "done"
        ? status
        : { ...status, status: status.status === "pending" ? "skipped" : status.status },
    );
  }
  const queue = [...selected];
  let running = 0, failed = 0;
  const bar: Progress | undefined = queue.length
    ? progress(queue.length, {
      label: `batch ${plan.spec.name}`,
      mode: options.progressMode,
      write: options.progressWrite,
      detail: () =>
        [failed ? `${failed} failed` : "", running ? `${running} running` : ""].filter(Boolean).join(" · "),
    })
    : undefined;
  const event = (job: PlannedJob, e: Omit<JobEvent, "at" | "job" | "name">) =>
    appendEvent(dir, { at: new Date().toISOString(), job: job.configHash ?? "", name: job.spec.name, ...e });
  const finish = (planned: PlannedJob, result: BatchJobResult, reused?: boolean) => {
    results.set(planned, result);
    event(result.job, {
      status: result.status === "completed"
        ? "completed"
        : result.status === "cancelled"
        ? "cancelled"
        : "failed",
      run_id: result.run_id,
      reused,
      error: result.error,
      seconds: result.seconds,
    });
    if (result.status === "failed") failed++;
    if (result.status !== "cancelled") bar?.tick();
    options.onJob?.(result);
  };
  const cache = createJobCache();

  /** A job whose dependencies ran: failed when one did not complete, else planned with their runs. */
  const ready = async (planned: PlannedJob): Promise<PlannedJob | string> => {
    const runIds: string[] = [];
    for (const dep of planned.dependencies) {
      const r = results.get(dep)!;
      if (!r.run_id || (r.status !== "done" && r.status !== "completed")) {
        return `dependency "${dep.spec.name}" ${r.status === "failed" ? "failed" : `is ${r.status}`}${
          r.error ? `: ${r.error.split("\n")[0]}` : ""
        }`;
      }
      runIds.push(r.run_id);
    }
    if (planned.configHash) return planned;
    try {
      return await bindJob(planned, runIds, plan.places, cache);
    } catch (error) {
      return (error as Error).message;
    }
  };

  const runOne = async (planned: PlannedJob) => {
    const job = await ready(planned);
    if (typeof job === "string") {
      const log = new LogFile(join(dir, "logs", planned.logName));
      log.line(`=== ${new Date().toISOString()} job ${planned.spec.name} not run: ${job}`);
      log.close();
      finish(planned, { job: planned, status: "failed", error: job, seconds: 0 });
      return;
    }
    const log = new LogFile(join(dir, "logs", job.logName));
    running++;
    bar?.tick(0);
    event(job, { status: "running" });
    let reply: JobReply;
    try {
      reply = await executor.run(jobMessage(plan, job), {
        log: (line) => log.line(line),
        progress: () => {},
      });
    } finally {
      running--;
      log.close();
    }
    const cancelled = signal?.aborted && reply.status === "failed";
    const result: BatchJobResult = cancelled
      ? { job, status: "cancelled", error: "cancelled", seconds: reply.seconds }
      : reply.status === "completed"
      ? {
        job,
        status: "completed",
        run_id: reply.run_id,
        metrics: numbers(reply.metrics),
        seconds: reply.seconds,
      }
      : { job, status: "failed", error: reply.error, seconds: reply.seconds };
    finish(planned, result, reply.reused);
  };

  // Each lane takes the first queued job whose dependencies have all finished, else waits for a
  // job to finish; the plan's order runs dependencies first, so some job is always ready or running.
  const unfinished = new Set(queue);
  let wake = () => {};
  let finished = new Promise<void>((resolve) => (wake = resolve));
  const lane = async () => {
    while (queue.length && !signal?.aborted) {
      const k = queue.findIndex((job) => job.dependencies.every((d) => !unfinished.has(d)));
      if (k < 0) {
        await finished;
        continue;
      }
      const [job] = queue.splice(k, 1);
      await runOne(job);
      unfinished.delete(job);
      const woken = wake;
      finished = new Promise<void>((resolve) => (wake = resolve));
      woken();
    }
  };
  const abort = () => executor.kill();
  signal?.addEventListener("abort", abort, { once: true });
  try {
    await Promise.all(Array.from({ length: Math.min(executor.size, queue.length) }, lane));
  } finally {
    signal?.removeEventListener("abort", abort);
    await bar?.done();
  }
  for (const [job, r] of results) {
    if (r.status === "done" && !r.metrics) {
      const run = await getRun(r.run_id!, { runsDir: plan.places.runsDir }).catch(() => undefined);
      if (run) results.set(job, { ...r, metrics: run.metrics });
    }
  }
  const jobs = plan.jobs.map((job) => results.get(job)!);
  const counts = Object.fromEntries(
    (["done", "completed", "failed", "interrupted", "cancelled", "pending", "skipped"] as const).map((
      s,
    ) => [s, 0]),
  ) as Record<BatchJobStatus, number>;
  for (const r of jobs) counts[r.status]++;
  const { summaryCsv, index } = await writeBatchSummary(plan, jobs, dir);
  return { batchDir: dir, jobs, counts, cancelled: Boolean(signal?.aborted), summaryCsv, index };
}
