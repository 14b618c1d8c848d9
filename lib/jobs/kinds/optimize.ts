/**
 * Job kinds `optimize` and `walk_forward`: a parameter search (`deno task optimize grid|random`, the
 * method as `search:`) and a walk-forward optimisation (`deno task optimize walk-forward`), with the
 * task's options (`param` and `constraint` as lists) and through the same library calls:
 * `planOptimizeJob` says which run a job records, `runOptimizeJob` computes and records it (trials or
 * windows as Parquet, report, preset.json). `workers` defaults to 0 (trials in the job's own process:
 * the batch already runs jobs in parallel).
 *
 * ```yaml
 * - kind: optimize
 *   signal: data/demo_signal.parquet
 *   search: random
 *   trials: 50
 *   param: [lag=0:3:1, "fractile=5,10"]
 * - kind: walk_forward
 *   signal: data/demo_signal.parquet
 *   is: 3y
 *   oos: 1y
 * ```
 */
import {
  OPTIMIZE_OPTIONS,
  type OptimizeSettings,
  optimizeSettings,
  optimizeSpace,
} from "../../cli/optimize.ts";
import { type OptimizeJobOptions, planOptimizeJob, runOptimizeJob } from "../../pipeline/optimize.ts";
import { defineKind, type JobKind, jobList, type JobValues } from "../kind.ts";

/** An optimisation job: the snapshot, the signal file (engine `backtest`) and the task's settings. */
export interface OptimizeJob extends OptimizeSettings {
  readonly snapshot: string;
  readonly signal?: string;
}

/** The job's `runOptimizeJob` options in the places of a batch (the space file read). */
async function jobOptions(job: OptimizeJob, snapshotsDir: string): Promise<OptimizeJobOptions> {
  const { signal, spaceFile: _file, ...settings } = job;
  return { ...settings, snapshotsDir, signalFile: signal, space: await optimizeSpace(job) };
}

function parse(values: JobValues, mode: "grid" | "random" | "walk-forward"): OptimizeJob {
  const settings = optimizeSettings(
    { ...values, param: jobList(values.param), constraint: jobList(values.constraint) },
    mode,
  );
  if (settings.engine === "backtest" && !values.signal) {
    throw new RangeError('the backtest engine needs "signal" (a signal file)');
  }
  return { snapshot: values.snapshot as string, signal: values.signal as string | undefined, ...settings };
}

/** A kind running `runOptimizeJob` in one mode family (the search's, or the walk-forward's). */
function optimizationKind(
  spec: Pick<JobKind, "kind" | "runKind" | "description">,
  mode: (values: JobValues) => "grid" | "random" | "walk-forward",
): JobKind {
  return defineKind<OptimizeJob>({
    ...spec,
    options: { ...OPTIMIZE_OPTIONS, workers: { type: "string", default: "0" } },
    required: ["snapshot"],
    files: ["signal", "space"],
    page: "report.html",
    parse: (values) => parse(values, mode(values)),
    identity: async (job, places) =>
      (await planOptimizeJob(await jobOptions(job, places.snapshotsDir))).identity,
    async run(job, _identity, context) {
      const out = await runOptimizeJob({
        ...await jobOptions(job, context.snapshotsDir),
        runsDir: context.runsDir,
        command: `deno task optimize ${job.mode} --snapshot ${job.snapshot}${
          job.signal ? ` --signal ${job.signal}` : ""
        }`,
        onProgress: (done, total) => context.progress(done, total),
        log: (line) => context.log(line),
      });
      return out.run;
    },
  });
}

/** The `optimize` job kind: a grid or random search (see the module doc). */
export const optimizeKind = optimizationKind(
  {
    kind: "optimize",
    runKind: "optimize",
    description: "a grid or random search of the backtest's parameters (deno task optimize grid|random)",
  },
  (values) => (values.search === "random" ? "random" : "grid"),
);

/** The `walk_forward` job kind (see the module doc). */
export const walkForwardKind = optimizationKind(
  {
    kind: "walk_forward",
    runKind: "walk_forward",
    description: "a walk-forward optimisation, judged out of sample (deno task optimize walk-forward)",
  },
  () => "walk-forward",
);
