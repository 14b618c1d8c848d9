/**
 * Planning a batch: each job's input files checked, the identity of the run it records computed
 * (snapshot hash, input file hashes, full params → config hash) and looked up in the run registry,
 * before anything runs. A job whose run is recorded is done; two jobs that would record the same run
 * are an error.
 */
import { join } from "node:path";
import { runConfigHash } from "../track/record_run.ts";
import { slugify } from "../track/run_id.ts";
import type { BatchProblem } from "./batch_file.ts";
import { BatchFileError } from "./batch_file.ts";
import type { BatchSpec, JobSpec } from "./batch_spec.ts";
import type { JobCache } from "./cache.ts";
import type { JobIdentity, JobPlaces } from "./kind.ts";

/** A recorded run found in the registry. */
export interface RecordedRun {
  readonly run_id: string;
  readonly dir: string;
}

/** One planned job: its spec, the run it records, and that run if it is already recorded. */
export interface PlannedJob {
  readonly spec: JobSpec;
  readonly identity: JobIdentity;
  /** `runConfigHash(identity)`: the job's id across reruns, workers and machines. */
  readonly configHash: string;
  /** The run already recorded with this config hash, if any (the job is then done). */
  readonly recorded?: RecordedRun;
  /** The job's log file name (under the batch folder's `logs/`). */
  readonly logName: string;
}

/** A planned batch. */
export interface BatchPlan {
  readonly spec: BatchSpec;
  readonly places: JobPlaces;
  readonly jobs: readonly PlannedJob[];
}

const HASH_SUFFIX = /-([0-9a-f]{12})$/;

/**
 * Every visible run folder of `runsDir` with a `run.json`, by config hash (run ids end with it), from
 * one listing of the folder.
 *
 * @example
 * ```ts
 * (await recordedRuns("runs")).get("3fa94c0e12d7")?.run_id;
 * ```
 */
export async function recordedRuns(runsDir: string): Promise<Map<string, RecordedRun>> {
  const found = new Map<string, RecordedRun>();
  const candidates: string[] = [];
  try {
    for await (const entry of Deno.readDir(runsDir)) {
      if (entry.isDirectory && !entry.name.startsWith(".") && HASH_SUFFIX.test(entry.name)) {
        candidates.push(entry.name);
      }
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return found;
    throw error;
  }
  candidates.sort();
  await Promise.all(candidates.map(async (name) => {
    const dir = join(runsDir, name);
    try {
      await Deno.lstat(join(dir, "run.json"));
    } catch {
      return;
    }
    const hash = HASH_SUFFIX.exec(name)![1];
    if (!found.has(hash) || found.get(hash)!.run_id > name) found.set(hash, { run_id: name, dir });
  }));
  return found;
}

/** A job's log file name: its name as a slug plus its config hash (stable across reruns). */
function logName(spec: JobSpec, configHash: string): string {
  return `${slugify(spec.name)}-${configHash}.log`;
}

/**
 * Plans a batch: checks every job's input files exist, computes each job's run identity and config
 * hash, and finds the runs already recorded. Problems (a missing file or snapshot, two jobs recording
 * the same run) are thrown together as a `BatchFileError` at their lines.
 *
 * @example
 * ```ts
 * const plan = await planBatch(spec, { snapshotsDir: "snapshots", runsDir: "runs" }, createJobCache());
 * plan.jobs.filter((j) => j.recorded).length; // jobs already done
 * ```
 */
export async function planBatch(spec: BatchSpec, places: JobPlaces, cache: JobCache): Promise<BatchPlan> {
  const problems: BatchProblem[] = [];
  const problem = (job: JobSpec, key: string | undefined, message: string) =>
    problems.push({ file: spec.file, ...(key && job.locs[key] ? job.locs[key] : job.loc), message });
  const planned = await Promise.all(spec.jobs.map(async (job) => {
    let missing = false;
    for (const key of job.kind.files) {
      const path = job.values[key];
      if (typeof path !== "string") continue;
      const info = await Deno.stat(path).catch(() => undefined);
      if (!info?.isFile) {
        problem(job, key, `"${key}": ${info ? `${path} is not a file` : `no such file ${path}`}`);
        missing = true;
      }
    }
    if (missing) return undefined;
    try {
      const identity = await job.kind.identity(job.options, places, cache);
      return { spec: job, identity, configHash: await runConfigHash(identity) };
    } catch (error) {
      const message = (error as Error).message;
      const key = /snapshot/i.test(message) ? "snapshot" : undefined;
      problem(job, key, message);
      return undefined;
    }
  }));
  if (problems.length) throw new BatchFileError(problems);
  const recorded = await recordedRuns(places.runsDir);
  const byHash = new Map<string, JobSpec>();
  const jobs: PlannedJob[] = [];
  for (const p of planned) {
    const { spec: job, identity, configHash } = p!;
    const twin = byHash.get(configHash);
    if (twin) {
      problem(
        job,
        undefined,
        `job "${job.name}" would record the same run as job "${twin.name}" (line ${twin.loc.line}): same kind, inputs and config`,
      );
      continue;
    }
    byHash.set(configHash, job);
    jobs.push({
      spec: job,
      identity,
      configHash,
      recorded: recorded.get(configHash),
      logName: logName(job, configHash),
    });
  }
  if (problems.length) throw new BatchFileError(problems);
  return { spec, places, jobs };
}
