/**
 * Batch runs, job control and queue workers.
 *
 * - Batches: `runBatchFile("nightly.yaml", { workers: 2 })` expands a batch file (defaults, matrices,
 *   overrides; every problem with its line and column), skips the jobs whose run is recorded (a job is
 *   the config hash of its run), runs the rest on worker processes with one log per job, and writes
 *   `summary.csv` and `index.html`; `loadBatch` plans without running.
 * - Queue: `deno task batch FILE --queue redis://HOST:PORT` enqueues on BullMQ (`queueExecutor`);
 *   `deno task worker` (`runQueueWorker`) runs them on any machine, once each.
 * - Jobs: `startJob("suite", args)` runs a task in the background, one running job per kind;
 *   `watchJob(job)` shows its status, progress and log live in a notebook cell; `listJobs`, `readJob`,
 *   `cancelJob`; `runJob` runs work of this process as a job.
 *
 * @example
 * ```ts
 * import { startJob, watchJob } from "quantnb";
 * await watchJob(await startJob("batch", ["batches/nightly.yaml", "--workers", "2"]));
 * ```
 *
 * @module
 */
export { BatchFileError, type BatchProblem, formatProblem, type Loc } from "./batch_file.ts";
export { type BatchSpec, expandBatch, type JobSpec, matchesPattern } from "./batch_spec.ts";
export {
  type BatchPlaces,
  batchWorkers,
  loadBatch,
  runBatchFile,
  type RunBatchFileOptions,
} from "./batch.ts";
export { type BatchPlan, bindJob, planBatch, type PlannedJob } from "./plan.ts";
export {
  batchDir,
  type BatchJobResult,
  type BatchJobStatus,
  type BatchResult,
  jobStatuses,
  runBatch,
  type RunBatchOptions,
  selectJobs,
} from "./run_batch.ts";
export { JOB_KINDS } from "./kinds/mod.ts";
export { type JobKind, type JobOptionDef } from "./kind.ts";
export { type Executor, inProcess, processPool } from "./pool.ts";
export { batchSummaryRows, writeBatchSummary } from "./summary.ts";
export { checkFreeSpace, freeBytes } from "./disk.ts";
export {
  defaultJobsDir,
  JOB_STATUSES,
  type JobRecord,
  type JobStatus,
  listJobs,
  readJob,
  resolveJobId,
} from "./control/job_record.ts";
export {
  cancelJob,
  currentJob,
  JobCancelled,
  type JobHandle,
  runJob,
  type RunJobOptions,
} from "./control/run_job.ts";
export { JOB_TASKS, startJob } from "./control/start_job.ts";
export { followLog, jobView, watchJob } from "./control/watch.ts";
export { queueExecutor, type QueueExecutorOptions, queueJobId } from "./queue/producer.ts";
export { type QueueWorkerOptions, runQueueWorker } from "./queue/worker.ts";
export { DEFAULT_QUEUE, parseRedisUrl, type RedisConnection } from "./queue/redis_url.ts";
