/**
 * A batch file end to end, as library calls: `loadBatch` reads, expands, checks and plans it (nothing
 * runs); `runBatchFile` runs it on worker processes (or in this process) after the disk guard.
 */
import { DEFAULT_SNAPSHOTS } from "../snapshot/paths.ts";
import { DEFAULT_RUNS_DIR } from "../track/types.ts";
import { readBatchFile } from "./batch_file.ts";
import { expandBatch, kindsNamed } from "./batch_spec.ts";
import { createJobCache } from "./cache.ts";
import { checkFreeSpace } from "./disk.ts";
import { JOB_KIND_NAMES, loadJobKind } from "./kinds/registry.ts";
import { type BatchPlan, planBatch } from "./plan.ts";
import { type Executor, inProcess, processPool } from "./pool.ts";
import { batchDir, type BatchResult, runBatch, type RunBatchOptions } from "./run_batch.ts";

/** Where a batch reads snapshots and records runs, when the caller chooses (else the file, else defaults). */
export interface BatchPlaces {
  readonly snapshotsDir?: string;
  readonly runsDir?: string;
}

/**
 * Reads, expands, checks and plans a batch file, loading the modules of the job kinds it names only
 * (a batch of backtests does not load the ML kinds' tfjs). Folders: `places` given here win over the
 * file's `snapshots:` / `runs:`, which win over the defaults (`snapshots/`, `runs/`). Every problem of
 * the file is a `BatchFileError` with line and column.
 *
 * @example
 * ```ts
 * const plan = await loadBatch("batches/nightly.yaml");
 * plan.jobs.map((j) => [j.spec.name, j.recorded ? "done" : "to run"]);
 * ```
 */
export async function loadBatch(path: string, places: BatchPlaces = {}): Promise<BatchPlan> {
  const source = await readBatchFile(path);
  const kinds = await Promise.all(kindsNamed(source).map(loadJobKind));
  const spec = expandBatch(source, kinds.filter((k) => k !== undefined), JOB_KIND_NAMES);
  return await planBatch(spec, {
    snapshotsDir: places.snapshotsDir ?? spec.snapshotsDir ?? DEFAULT_SNAPSHOTS,
    runsDir: places.runsDir ?? spec.runsDir ?? DEFAULT_RUNS_DIR,
  }, createJobCache());
}

/** Memory a worker process may take: the runtime, DuckDB and a demo-sized panel and signal, with room. */
const WORKER_BYTES = 1.5 * 2 ** 30;

/**
 * The default worker count: one per core, at most 8, and no more than half the available memory
 * holds (`WORKER_BYTES` each: every worker process loads its own panel).
 *
 * @example
 * ```ts
 * batchWorkers(2, 24 * 2 ** 30); // => 2
 * ```
 */
export function batchWorkers(
  cores: number = navigator.hardwareConcurrency || 1,
  available: number = Deno.systemMemoryInfo().available,
): number {
  return Math.max(1, Math.min(8, cores, Math.floor(available / 2 / WORKER_BYTES)));
}

/** Options of `runBatchFile`. */
export interface RunBatchFileOptions extends BatchPlaces, Omit<RunBatchOptions, "executor" | "batchDir"> {
  /** Worker processes (default `batchWorkers()`); 0 runs the jobs in this process. */
  readonly workers?: number;
  /** Enqueue the jobs on this BullMQ queue (`redis://HOST:PORT`) for `deno task worker`s instead. */
  readonly queue?: string;
  /** The queue's name (default `quantnb-jobs`). */
  readonly queueName?: string;
  /** Run on this executor instead (not closed here). */
  readonly executor?: Executor;
  /** The batch folder (default `reports/batch/<batch name>`). */
  readonly batchDir?: string;
  /** Refuse to start with less free disk than this where runs and the batch folder go (default 1 GiB). */
  readonly minFreeBytes?: number;
}

/**
 * Runs a batch file: plans it, checks free disk space, runs the jobs not done yet — on worker
 * processes, in this process, or through a Redis queue — and writes the summary (see `runBatch`).
 *
 * @example
 * ```ts
 * const result = await runBatchFile("batches/nightly.yaml", { workers: 2 });
 * console.log(result.counts, result.index);
 * ```
 */
export async function runBatchFile(path: string, options: RunBatchFileOptions = {}): Promise<BatchResult> {
  const plan = await loadBatch(path, options);
  const dir = options.batchDir ?? batchDir(plan.spec.name);
  checkFreeSpace([plan.places.runsDir, dir], options.minFreeBytes ?? 2 ** 30);
  const workers = options.workers ?? batchWorkers();
  const executor = options.executor ??
    (options.queue !== undefined
      // BullMQ is loaded only for a queued batch (~0.1 s of start-up otherwise)
      ? (await import("./queue/producer.ts")).queueExecutor(options.queue, { queueName: options.queueName })
      : workers === 0
      ? inProcess()
      : processPool(workers));
  try {
    return await runBatch(plan, { ...options, executor, batchDir: dir });
  } finally {
    if (!options.executor) await executor.close();
  }
}
