/**
 * Running one job wherever it lands (a local worker process, a queue worker on another machine, or
 * in the batch's own process): the job travels as data (kind, option values, config hash), is
 * parsed again by its kind, checked to still be the run that was planned, and skipped when that run
 * is already recorded — so a job delivered twice records one run.
 */
import type { JobCache } from "./cache.ts";
import type { JobContext, JobValues } from "./kind.ts";
import { loadJobKind } from "./kinds/registry.ts";
import { findRuns, runConfigHash } from "../track/record_run.ts";

/** A job as data, as it is handed to a worker. */
export interface JobMessage {
  readonly name: string;
  readonly kind: string;
  readonly values: JobValues;
  /** The config hash the batch planned: the worker refuses a job whose inputs now hash otherwise. */
  readonly configHash: string;
  readonly snapshotsDir: string;
  readonly runsDir: string;
}

/** What a worker answers for a job. */
export interface JobReply {
  readonly status: "completed" | "failed";
  readonly run_id?: string;
  /** The run was already recorded (by an earlier attempt, another worker or an earlier batch). */
  readonly reused?: boolean;
  /** The run's metrics (JSON: non-finite values as null). */
  readonly metrics?: Readonly<Record<string, number | null>>;
  readonly error?: string;
  readonly seconds: number;
}

/** Metrics as JSON can carry them (non-finite → null). */
function jsonMetrics(metrics: Readonly<Record<string, number>>): Record<string, number | null> {
  return Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, Number.isFinite(v) ? v : null]));
}

/**
 * Runs one job and answers for it; never throws (a failure is a reply with the error, its stack in
 * the log). Writes a header and a closing line to the job's log.
 *
 * @example
 * ```ts
 * const reply = await executeJob(message, { cache, log: console.log, progress: () => {} });
 * reply.status; // => "completed"
 * ```
 */
export async function executeJob(
  message: JobMessage,
  io: { cache: JobCache; log: (line: string) => void; progress: JobContext["progress"]; worker?: string },
): Promise<JobReply> {
  const start = performance.now();
  const seconds = () => Math.round(performance.now() - start) / 1000;
  const { log } = io;
  log(
    `=== ${new Date().toISOString()} job ${message.name} (${message.kind}, config ${message.configHash})${
      io.worker ? ` on ${io.worker}` : ""
    }`,
  );
  try {
    const kind = await loadJobKind(message.kind);
    if (!kind) {
      throw new Error(`unknown job kind "${message.kind}" (this worker's code is older than the batch's?)`);
    }
    const places = { snapshotsDir: message.snapshotsDir, runsDir: message.runsDir };
    const options = kind.parse(message.values);
    const identity = await kind.identity(options, places, io.cache);
    const hash = await runConfigHash(identity);
    if (hash !== message.configHash) {
      throw new Error(
        `the job's inputs changed since the batch was planned (config hash ${message.configHash}, now ${hash}): ` +
          `its snapshot or an input file differs here`,
      );
    }
    const [existing] = await findRuns(hash, { runsDir: message.runsDir });
    if (existing) {
      log(`=== already recorded as run ${existing.run_id}: nothing to do`);
      return {
        status: "completed",
        run_id: existing.run_id,
        reused: true,
        metrics: jsonMetrics(existing.metrics),
        seconds: seconds(),
      };
    }
    const context: JobContext = { ...places, log, progress: io.progress, cache: io.cache };
    const run = await kind.run(options, identity, context);
    if (run.config_hash !== hash) {
      throw new Error(
        `the ${kind.kind} job recorded run ${run.run_id}, not the run planned (config hash ${hash})`,
      );
    }
    log(`=== ${run.reused ? "reused" : "recorded"} run ${run.run_id} in ${seconds()} s`);
    return {
      status: "completed",
      run_id: run.run_id,
      reused: run.reused,
      metrics: jsonMetrics(run.metrics),
      seconds: seconds(),
    };
  } catch (error) {
    const e = error as Error;
    log(`=== failed after ${seconds()} s: ${e.stack ?? e.message}`);
    return { status: "failed", error: e.message, seconds: seconds() };
  }
}
