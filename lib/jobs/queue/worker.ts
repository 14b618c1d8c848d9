/**
 * The consumer side of scale-out: a BullMQ worker that takes batch jobs from the queue and runs them
 * on `concurrency` worker processes of this machine (`processPool`), reading snapshots and writing
 * runs in the folders the batch named (or this machine's own mount points of them). The CPU work is
 * in the child processes, so this process keeps renewing the jobs' locks; if it is killed, its locks
 * expire and BullMQ's stalled-job check hands the jobs to another worker, which finds an already
 * recorded run and records nothing twice.
 */
import { Worker } from "bullmq";
import type { JobMessage, JobReply } from "../execute.ts";
import { processPool } from "../pool.ts";
import { hostName } from "../control/job_record.ts";
import { DEFAULT_QUEUE, parseRedisUrl } from "./redis_url.ts";

/** Options of `runQueueWorker`. */
export interface QueueWorkerOptions {
  /** `redis://HOST:PORT`. */
  readonly url: string;
  readonly queueName?: string;
  /** Jobs run at once (worker processes; default 1). */
  readonly concurrency?: number;
  /** This machine's path of the shared snapshot / run folders (default: the paths the batch gives). */
  readonly snapshotsDir?: string;
  readonly runsDir?: string;
  /** How long a job's lock lasts without renewal before the job counts as stalled (default 30 s). */
  readonly lockMs?: number;
  /** How often this worker looks for stalled jobs (default 30 s). */
  readonly stalledIntervalMs?: number;
  /** Times a job may stall (its worker died) and be handed on before it fails (default 3). */
  readonly maxStalledCount?: number;
  /** Stops taking jobs when aborted; running ones finish first. */
  readonly signal?: AbortSignal;
  /** One line per job started and finished (default: stderr). */
  readonly onEvent?: (line: string) => void;
}

/**
 * Runs a queue worker until `signal` aborts, then lets the running jobs finish and closes.
 *
 * @example
 * ```ts
 * await runQueueWorker({ url: "redis://10.0.0.5:6379", concurrency: 2, signal });
 * ```
 */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<void> {
  const concurrency = options.concurrency ?? 1;
  const pool = processPool(concurrency);
  const say = options.onEvent ?? ((line: string) => console.error(line));
  const me = `${hostName()} pid ${Deno.pid}`;
  const worker = new Worker<JobMessage, JobReply>(options.queueName ?? DEFAULT_QUEUE, async (job) => {
    const message: JobMessage = {
      ...job.data,
      snapshotsDir: options.snapshotsDir ?? job.data.snapshotsDir,
      runsDir: options.runsDir ?? job.data.runsDir,
    };
    say(`${new Date().toISOString()} start ${message.name} (${job.id})`);
    let logged: Promise<unknown> = Promise.resolve();
    const reply = await pool.run(message, {
      log: (line) => (logged = logged.then(() => job.log(line)).catch(() => {})),
      progress: (done, total) => void job.updateProgress({ done, total }).catch(() => {}),
    });
    await logged;
    say(
      `${new Date().toISOString()} ${reply.status} ${message.name}${
        reply.error ? `: ${reply.error.split("\n")[0]}` : ""
      }`,
    );
    return reply;
  }, {
    connection: parseRedisUrl(options.url),
    concurrency,
    lockDuration: options.lockMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 30_000,
    maxStalledCount: options.maxStalledCount ?? 3,
    name: me,
  });
  worker.on("error", (error) => say(`worker error: ${error.message}`));
  await worker.waitUntilReady();
  say(`worker ${me} on ${options.url} queue ${options.queueName ?? DEFAULT_QUEUE}, ${concurrency} at a time`);
  await new Promise<void>((resolve) => {
    if (options.signal?.aborted) resolve();
    options.signal?.addEventListener("abort", () => resolve(), { once: true });
  });
  say(`worker ${me}: stopping (running jobs finish first)`);
  await worker.close();
  await pool.close();
}
