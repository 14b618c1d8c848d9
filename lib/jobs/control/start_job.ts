/**
 * Starting a task as a background job: `startJob("suite", ["--snapshot", "demo", …])` launches
 * `deno task jobs run` in a session of its own (it outlives the notebook kernel or terminal that
 * started it), with everything it prints going to the job's log, and returns once the job is
 * registered. The job process runs the task's `main` under `runJob` (`runTaskJob`).
 */
import { fileURLToPath } from "node:url";
import { defaultJobsDir, jobPaths, type JobRecord, newJobId, readJob } from "./job_record.ts";
import { JobCancelled, runJob } from "./run_job.ts";

/** The tasks that run as jobs (the job kind is the task's name), each by its command-line module. */
export const JOB_TASKS: Readonly<Record<string, string>> = {
  batch: "../../cli/batch.ts",
  backtest: "../../cli/backtest.ts",
  suite: "../../cli/suite.ts",
  factor: "../../cli/factor.ts",
  ingest: "../../cli/ingest.ts",
  snapshot: "../../cli/snapshot.ts",
  demo: "../../cli/demo.ts",
  python: "../../cli/python.ts",
  research: "../../cli/research.ts",
  run: "../../cli/run.ts",
  optimize: "../../cli/optimize.ts",
  portfolio: "../../cli/portfolio.ts",
  clean: "../../cli/clean.ts",
};

/** How long a cancelled task may take to stop by itself before its job process exits. */
const GRACE_MS = 3000;

const JOBS_CLI = fileURLToPath(new URL("../../cli/jobs.ts", import.meta.url));
const CONFIG = fileURLToPath(new URL("../../../deno.json", import.meta.url));

/** Checks a job kind is a task that runs as a job. */
export function checkJobTask(kind: string): void {
  if (!Object.hasOwn(JOB_TASKS, kind)) {
    throw new RangeError(
      `"${kind}" is not a task that runs as a job; tasks: ${Object.keys(JOB_TASKS).join(", ")}`,
    );
  }
}

/**
 * Runs task `kind` with `args` as a job in THIS process (the job process `startJob` launches):
 * its `main`, with SIGINT / SIGTERM cancelling it (a task that does not stop within 3 s is abandoned;
 * the caller exits). Returns the task's exit code (130 when cancelled).
 *
 * @example
 * ```ts
 * Deno.exit(await runTaskJob("suite", ["--snapshot", "demo", "--signal", "s.parquet"], { jobId }));
 * ```
 */
export async function runTaskJob(
  kind: string,
  args: readonly string[],
  options: { jobsDir?: string; jobId?: string } = {},
): Promise<number> {
  checkJobTask(kind);
  const module = await import(new URL(JOB_TASKS[kind], import.meta.url).href) as {
    main: (args: string[]) => Promise<number>;
  };
  try {
    const { result } = await runJob({
      kind,
      title: [kind, ...args].join(" "),
      command: ["deno", "task", kind, ...args],
      jobsDir: options.jobsDir,
      jobId: options.jobId,
      dedicated: true,
    }, async (job) => {
      // a task that ignores the cancel is stopped GRACE_MS after it (the process then exits)
      const stopped = new Promise<never>((_, reject) =>
        job.signal.addEventListener("abort", () => setTimeout(() => reject(new Error("cancelled")), GRACE_MS))
      );
      const code = await Promise.race([module.main([...args]), stopped]);
      if (code !== 0) throw new Error(`deno task ${kind} exited with code ${code} (see the log)`);
      return code;
    });
    return result;
  } catch (error) {
    return error instanceof JobCancelled ? 130 : 1;
  }
}

/**
 * Starts task `kind` with `args` as a background job (see the module doc) and returns its record
 * once it is registered (pending or already running).
 *
 * @example
 * ```ts
 * const job = await startJob("suite", ["--snapshot", "demo", "--signal", "data/demo_signal.parquet"]);
 * job.job_id; // => "20240102-101500-suite-3fa9"
 * ```
 */
export async function startJob(
  kind: string,
  args: readonly string[] = [],
  options: { jobsDir?: string; timeoutMs?: number } = {},
): Promise<JobRecord> {
  checkJobTask(kind);
  const jobsDir = options.jobsDir ?? defaultJobsDir();
  const jobId = newJobId(kind);
  const paths = jobPaths(jobsDir, jobId);
  await Deno.mkdir(paths.dir, { recursive: true });
  await Deno.writeTextFile(paths.log, "");
  const command = [
    Deno.execPath(),
    "run",
    "-A",
    "--quiet",
    "--config",
    CONFIG,
    JOBS_CLI,
    "run",
    "--jobs",
    jobsDir,
    "--id",
    jobId,
    kind,
    "--",
    ...args,
  ];
  // a session of its own (setsid), output appended to the log, no terminal input
  const child = new Deno.Command("setsid", {
    args: ["sh", "-c", 'exec "$@" >>"$0" 2>&1 </dev/null', paths.log, ...command],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  child.unref();
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    try {
      return await readJob(jobsDir, jobId);
    } catch {
      // not registered yet
    }
    if (Date.now() > deadline) {
      const log = await Deno.readTextFile(paths.log).catch(() => "");
      throw new Error(
        `job ${jobId} did not start within ${options.timeoutMs ?? 60_000} ms${log ? `:\n${log}` : ""}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
