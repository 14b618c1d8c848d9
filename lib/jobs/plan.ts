/**
 * Planning a batch: each job's input files checked, the identity of the run it records computed
 * (snapshot hash, input file hashes, full params → config hash) and looked up in the run registry,
 * before anything runs. A job whose run is recorded is done; two jobs that would record the same run
 * are an error.
 */
import { join } from "node:path";
import { findRuns, runConfigHash } from "../track/record_run.ts";
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

/**
 * One planned job: its spec, the run it records, and that run if it is already recorded. A job
 * reading other jobs' runs (`JobSpec.dependencies`) is planned once those runs are recorded (here
 * when they already are, else by `bindJob` when the batch has run them); until then it has no
 * identity.
 */
export interface PlannedJob {
  readonly spec: JobSpec;
  /** The option values the job runs with (the spec's, with its dependencies' runs once bound). */
  readonly values: JobSpec["values"];
  /** The planned jobs it depends on (run before it). */
  readonly dependencies: readonly PlannedJob[];
  /** The run it records; undefined while its dependencies' runs are not recorded. */
  readonly identity?: JobIdentity;
  /** `runConfigHash(identity)`: the job's id across reruns, workers and machines. */
  readonly configHash?: string;
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
function logName(spec: JobSpec, configHash: string | undefined): string {
  return configHash ? `${slugify(spec.name)}-${configHash}.log` : `${slugify(spec.name)}.log`;
}

/**
 * Plans a job whose dependencies' runs are recorded: its values with their run ids (`JobKind.bind`),
 * parsed again by its kind, its identity and config hash, and its run if already recorded.
 *
 * @example
 * ```ts
 * const bound = await bindJob(job, ["20240102-101500-mom-3fa94c0e12d7"], places, cache);
 * bound.configHash; bound.recorded?.run_id;
 * ```
 */
export async function bindJob(
  job: PlannedJob,
  runIds: readonly string[],
  places: JobPlaces,
  cache: JobCache,
  recorded?: ReadonlyMap<string, RecordedRun>,
): Promise<PlannedJob> {
  const { kind } = job.spec;
  const values = kind.bind!(job.spec.values, runIds);
  const identity = await kind.identity(kind.parse(values), places, cache);
  const configHash = await runConfigHash(identity);
  const [found] = recorded ? [recorded.get(configHash)] : await findRuns(configHash, places);
  return {
    ...job,
    values,
    identity,
    configHash,
    recorded: found && { run_id: found.run_id, dir: found.dir },
    logName: logName(job.spec, configHash),
  };
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
    if (job.dependencies.length) return { spec: job };
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
  const byName = new Map<string, PlannedJob>();
  const jobs: PlannedJob[] = [];
  // in dependency order (expandBatch): a job's dependencies are planned before it
  for (const p of planned) {
    const { spec: job, identity, configHash } = p!;
    let plannedJob: PlannedJob = {
      spec: job,
      values: job.values,
      dependencies: job.dependencies.map((name) => byName.get(name)!),
      identity,
      configHash,
      recorded: configHash ? recorded.get(configHash) : undefined,
      logName: logName(job, configHash),
    };
    const runIds = plannedJob.dependencies.map((d) => d.recorded?.run_id);
    if (runIds.length && runIds.every((id) => id !== undefined)) {
      try {
        plannedJob = await bindJob(plannedJob, runIds as string[], places, cache, recorded);
      } catch (error) {
        problem(job, job.kind.dependsOn, (error as Error).message);
        continue;
      }
    }
    byName.set(job.name, plannedJob);
    const twin = plannedJob.configHash ? byHash.get(plannedJob.configHash) : undefined;
    if (twin) {
      problem(
        job,
        undefined,
        `job "${job.name}" would record the same run as job "${twin.name}" (line ${twin.loc.line}): same kind, inputs and config`,
      );
      continue;
    }
    if (plannedJob.configHash) byHash.set(plannedJob.configHash, job);
    jobs.push(plannedJob);
  }
  if (problems.length) throw new BatchFileError(problems);
  return { spec, places, jobs };
}
