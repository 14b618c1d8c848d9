/**
 * The producer side of scale-out: an `Executor` that enqueues each job on a BullMQ queue instead of
 * running it, and resolves when a worker (`deno task worker`, on any machine) has answered. A job's
 * BullMQ id is its config hash (with its registry), so enqueueing it while it waits or runs (a
 * second producer) adds nothing; a job finished in an earlier batch is removed and enqueued again. The job's log lines, kept in
 * Redis by the worker, are written to the batch's log file when the job ends.
 */
import { resolve } from "node:path";
import { Job, Queue, QueueEvents } from "bullmq";
import { sha256Hex } from "../../util/hash.ts";
import type { JobMessage, JobReply } from "../execute.ts";
import type { Executor, JobHooks } from "../pool.ts";
import { DEFAULT_QUEUE, parseRedisUrl } from "./redis_url.ts";

/** Options of `queueExecutor`. */
export interface QueueExecutorOptions {
  /** Queue name (default `quantnb-jobs`); workers must use the same. */
  readonly queueName?: string;
  /** How often pending jobs are also looked up directly, in case an event was missed (default 2 s). */
  readonly pollMs?: number;
  /** How long to wait for Redis to answer before failing the jobs with the reason (default 10 s). */
  readonly connectMs?: number;
}

interface Pending {
  readonly hooks: JobHooks;
  readonly resolve: (reply: JobReply) => void;
  readonly start: number;
}

/**
 * A job's BullMQ id: its config hash and a short hash of the run registry it records into, so the
 * same job sent twice to one registry is one queue entry, and two registries get one each.
 */
export async function queueJobId(message: Pick<JobMessage, "configHash" | "runsDir">): Promise<string> {
  return `${message.configHash}-${(await sha256Hex(resolve(message.runsDir))).slice(0, 8)}`;
}

/** A reply from a BullMQ return value (a JSON string or an object). */
function asReply(value: unknown): JobReply {
  const reply = typeof value === "string" ? JSON.parse(value) : value;
  if (!reply || typeof reply !== "object" || !("status" in reply)) {
    return {
      status: "failed",
      error: `the worker answered ${JSON.stringify(value)}, not a job reply`,
      seconds: 0,
    };
  }
  return reply as JobReply;
}

/**
 * Resolves once `queue` is connected; rejects after `ms` with the last connection error (Redis's
 * client retries forever, so an unreachable or mistyped URL would otherwise wait in silence).
 */
function reachable(url: string, queue: Queue, ms: number): Promise<void> {
  let last = "";
  queue.on("error", (error) => (last = error.message));
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(new Error(`could not reach Redis at ${url} within ${ms / 1000} s${last ? `: ${last}` : ""}`)),
      ms,
    );
    queue.waitUntilReady().then(
      () => (clearTimeout(timer), resolve()),
      (error) => (clearTimeout(timer), reject(error)),
    );
  });
}

/**
 * An executor over the BullMQ queue at `url` (`redis://HOST:PORT`). Every job is enqueued at once
 * (`size` is unbounded); `kill` stops waiting and removes this producer's jobs not started yet
 * (running ones finish on their workers, and their runs are recorded).
 *
 * @example
 * ```ts
 * const executor = queueExecutor("redis://127.0.0.1:6379");
 * const result = await runBatch(plan, { executor, batchDir });
 * await executor.close();
 * ```
 */
export function queueExecutor(url: string, options: QueueExecutorOptions = {}): Executor {
  const connection = parseRedisUrl(url);
  const name = options.queueName ?? DEFAULT_QUEUE;
  const queue = new Queue(name, { connection });
  // The job events' connection is opened once Redis answers: a QueueEvents that never connected
  // cannot be closed (its close waits for the connection).
  let events: QueueEvents | undefined;
  const ready = reachable(url, queue, options.connectMs ?? 10_000).then(async () => {
    events = new QueueEvents(name, { connection });
    events.on("completed", ({ jobId, returnvalue }) => void finish(jobId, asReply(returnvalue)));
    events.on("failed", ({ jobId, failedReason }) => void finish(jobId, failedReply(jobId, failedReason)));
    await events.waitUntilReady();
  });
  ready.catch(() => {}); // each job's run() reports it
  const pending = new Map<string, Pending>();
  const finishing = new Set<string>();

  const finish = async (id: string, reply: JobReply) => {
    const p = pending.get(id);
    if (!p || finishing.has(id)) return;
    finishing.add(id);
    try {
      const { logs } = await queue.getJobLogs(id, 0, -1, true);
      for (const line of logs) p.hooks.log(line);
    } catch (error) {
      p.hooks.log(`=== could not read the job's log from Redis: ${(error as Error).message}`);
    }
    pending.delete(id);
    finishing.delete(id);
    p.resolve(reply);
  };
  const failedReply = (id: string, reason: string): JobReply => ({
    status: "failed",
    error: reason,
    seconds: Math.round(performance.now() - (pending.get(id)?.start ?? performance.now())) / 1000,
  });

  /**
   * Looks a job up directly: finishes it when it is completed or failed. The state is read first and
   * the job after it: a job read before its state (a worker finishing in between) still holds no
   * return value although its state already says completed.
   */
  const check = async (id: string) => {
    const state = await queue.getJobState(id);
    if (state !== "completed" && state !== "failed") return;
    const job = await Job.fromId(queue, id);
    if (!job) return;
    if (state === "completed") await finish(id, asReply(job.returnvalue));
    else await finish(id, failedReply(id, job.failedReason));
  };
  const poller = setInterval(() => {
    for (const id of pending.keys()) check(id).catch(() => {});
  }, options.pollMs ?? 2000);

  return {
    size: Number.MAX_SAFE_INTEGER,
    async run(message: JobMessage, hooks: JobHooks): Promise<JobReply> {
      try {
        await ready;
      } catch (error) {
        return { status: "failed", error: (error as Error).message, seconds: 0 };
      }
      const id = await queueJobId(message);
      const done = new Promise<JobReply>((resolve) =>
        pending.set(id, { hooks, resolve, start: performance.now() })
      );
      try {
        // a finished job of an earlier batch is no proof of a run now: the registry decides (the batch
        // only sends jobs whose run is not recorded), so it is replaced
        const old = await Job.fromId(queue, id);
        if (old && ((await old.isFailed()) || (await old.isCompleted()))) await old.remove();
        await queue.add(message.kind, message, {
          jobId: id,
          attempts: 1,
          removeOnComplete: { age: 24 * 3600 },
          removeOnFail: { age: 24 * 3600 },
        });
      } catch (error) {
        await finish(id, failedReply(id, `could not enqueue the job on ${url}: ${(error as Error).message}`));
      }
      return await done;
    },
    async close() {
      clearInterval(poller);
      await events?.close();
      await queue.close();
    },
    kill() {
      for (const [id, p] of pending) {
        const reply = failedReply(id, "cancelled");
        pending.delete(id);
        p.resolve(reply);
        Job.fromId(queue, id).then(async (job) => {
          if (job && (await job.isWaiting())) await job.remove();
        }).catch(() => {});
      }
    },
  };
}
