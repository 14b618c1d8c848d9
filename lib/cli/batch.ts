/**
 * `deno task batch FILE.yaml|FILE.json [options]` — run a batch of jobs (backtests, suites, factor
 * analyses, …) unattended: checked before anything runs, in parallel worker processes, one log per
 * job, resumable after a crash, with a summary CSV and an HTML index.
 */
import { formatProblem } from "../jobs/batch_file.ts";
import { BatchFileError } from "../jobs/batch_file.ts";
import { batchWorkers, loadBatch, runBatchFile } from "../jobs/batch.ts";
import { JOB_KIND_NAMES } from "../jobs/kinds/registry.ts";
import { batchDir, type BatchResult, jobStatuses, selectJobs } from "../jobs/run_batch.ts";
import { currentJob, JobCancelled, runJob } from "../jobs/control/run_job.ts";
import { parseRedisUrl as parseQueueUrl } from "../jobs/queue/redis_url.ts";
import { renderTextTable } from "../nb/text_table.ts";
import { COMMON_HELP, givenOption, numberOption, parseTaskArgs, runTask, UsageError } from "./args.ts";

const HELP = `deno task batch FILE.yaml|FILE.json [options]

Runs every job of a batch file whose run is not recorded yet. The file lists jobs with defaults,
matrices and overrides; it is checked before anything runs (every problem with its line and
column). A job is identified by the config hash of the run it records, so rerunning the batch after
a failure, Ctrl-C or kill -9 skips the completed jobs and runs the rest, without duplicates.

  name: nightly
  defaults: { snapshot: demo }
  jobs:
    - kind: backtest
      job: mom-lag{lag}
      signal: data/demo_signal.parquet
      matrix: { lag: [0, 1, 2], residualize: [off, industry] }

Job kinds: ${JOB_KIND_NAMES.join(", ")} (options: those of the task, e.g. deno task backtest --help).

Options:
  --workers N        worker processes (default: one per core, here ${batchWorkers()}; 0 = in this process)
  --dry-run          list the expanded jobs in run order (dependencies first, "after") and which are
                     already done; run nothing
  --only PATTERN     run only jobs whose name matches (* and ? wildcards; plain text = substring);
                     repeat for several patterns; the jobs a selected one reads (a portfolio's
                     streams) run too, first, unless already done
  --retry-failed     run only the jobs whose last attempt failed
  --queue URL        redis://HOST:PORT: enqueue the jobs for "deno task worker" processes (on any machine)
                     instead of running them here; progress and summary as for a local run
  --queue-name NAME  queue name (default quantnb-jobs; the workers' --queue-name)
  --runs DIR         run registry (default: the file's "runs:", else runs/)
  --out DIR          batch folder: events, logs/, summary.csv, index.html (default reports/batch/<name>)
  --min-free-gb X    refuse to start with less free disk than X GiB (default 1)
  --jobs DIR         jobs folder the batch registers in (default runs/.jobs; see deno task jobs)
  --json             print the result as JSON
${COMMON_HELP}
  (--snapshots given here wins over the file's "snapshots:")

The batch runs as a job of kind "batch" (deno task jobs list shows its progress; one batch at a
time per jobs folder; deno task jobs cancel ID or Ctrl-C stops it, keeping every completed run).

Exit codes: 0 every selected job completed, 1 a job failed, 2 usage or an invalid batch file,
130 interrupted.`;

/** `deno task batch`: see `--help`. Returns the exit code. */
export async function main(args: string[]): Promise<number> {
  return await runTask(async () => {
    const { values, positionals } = parseTaskArgs(args, {
      workers: { type: "string" },
      "dry-run": { type: "boolean", default: false },
      only: { type: "string", multiple: true },
      "retry-failed": { type: "boolean", default: false },
      runs: { type: "string" },
      out: { type: "string" },
      "min-free-gb": { type: "string", default: "1" },
      jobs: { type: "string" },
      queue: { type: "string" },
      "queue-name": { type: "string" },
      json: { type: "boolean", default: false },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (positionals.length !== 1) {
      throw new UsageError("give exactly one batch file (FILE.yaml or FILE.json)");
    }
    const [file] = positionals;
    const workers = numberOption(values, "workers", { integer: true, min: 0 });
    const minFreeGb = numberOption(values, "min-free-gb", { min: 0 })!;
    if (values.queue !== undefined && workers !== undefined) {
      throw new UsageError(
        "--workers is for a local run; with --queue, workers are deno task worker processes",
      );
    }
    if (values.queue !== undefined) parseQueueUrl(values.queue);
    const places = {
      snapshotsDir: givenOption(args, "snapshots") ? values.snapshots : undefined,
      runsDir: values.runs,
    };
    const select = { only: values.only ?? [], retryFailed: values["retry-failed"] };
    try {
      if (values["dry-run"]) return await dryRun(file, places, select, values.out, values.json);
      const run = async (signal: AbortSignal): Promise<number> => {
        const result = await runBatchFile(file, {
          ...places,
          ...select,
          workers,
          queue: values.queue,
          queueName: values["queue-name"],
          batchDir: values.out,
          minFreeBytes: minFreeGb * 2 ** 30,
          signal,
        });
        printResult(result, values.json);
        if (result.cancelled) return 130;
        return result.counts.failed > 0 ? 1 : 0;
      };
      const inside = currentJob();
      if (inside) return await run(inside.signal);
      let code = 0;
      try {
        await runJob({
          kind: "batch",
          title: `batch ${file}`,
          command: ["deno", "task", "batch", ...args],
          jobsDir: values.jobs,
          dedicated: true,
          onWait: (holder) =>
            console.error(`waiting for batch job ${holder ?? "?"} to finish (one batch at a time)…`),
        }, async (job) => {
          code = await run(job.signal);
          if (code === 1) throw new Error("some jobs failed (see the batch summary)");
        });
      } catch (error) {
        if (error instanceof JobCancelled) return 130;
        if (code === 1) return 1;
        throw error;
      }
      return code;
    } catch (error) {
      if (error instanceof BatchFileError) {
        for (const p of error.problems) console.error(formatProblem(p));
        console.error(
          `${file}: ${error.problems.length} problem${
            error.problems.length === 1 ? "" : "s"
          }; nothing was run`,
        );
        return 2;
      }
      throw error;
    }
  }, HELP);
}

/** The outcome on the terminal (or as JSON). */
function printResult(result: BatchResult, json: boolean): void {
  const c = result.counts;
  if (json) {
    console.log(JSON.stringify(
      {
        batch_dir: result.batchDir,
        counts: c,
        cancelled: result.cancelled,
        summary_csv: result.summaryCsv,
        index: result.index,
        jobs: result.jobs.map((r) => ({
          job: r.job.spec.name,
          kind: r.job.spec.kind.kind,
          status: r.status,
          config_hash: r.job.configHash ?? null,
          run_id: r.run_id ?? null,
          error: r.error ?? null,
        })),
      },
      null,
      2,
    ));
    return;
  }
  for (const r of result.jobs) {
    if (r.status === "failed") console.error(`failed: ${r.job.spec.name}: ${r.error}`);
  }
  console.log(
    `batch ${result.batchDir}: ${c.completed} completed, ${c.done} already done, ${c.failed} failed` +
      (c.cancelled || c.pending ? `, ${c.cancelled} cancelled, ${c.pending} not started` : "") +
      (c.skipped ? `, ${c.skipped} not selected` : ""),
  );
  console.log(`summary ${result.summaryCsv}\nindex   ${result.index}`);
}

/** `--dry-run`: the expanded jobs, their status and whether this invocation would run them. */
async function dryRun(
  file: string,
  places: { snapshotsDir?: string; runsDir?: string },
  select: { only: string[]; retryFailed: boolean },
  out: string | undefined,
  json: boolean,
): Promise<number> {
  const plan = await loadBatch(file, places);
  const dir = out ?? batchDir(plan.spec.name);
  const statuses = await jobStatuses(plan, dir);
  const toRun = new Set(selectJobs(statuses, select));
  const rows = plan.jobs.map((job) => {
    const s = statuses.get(job)!;
    return {
      job: job.spec.name,
      kind: job.spec.kind.kind,
      status: s.status,
      run: toRun.has(job) ? "yes" : "no",
      after: job.dependencies.map((d) => d.spec.name).join(", "),
      config_hash: job.configHash ?? "(after its dependencies)",
      run_id: s.run_id ?? "",
    };
  });
  if (json) console.log(JSON.stringify({ batch: plan.spec.name, batch_dir: dir, jobs: rows }, null, 2));
  else {
    console.log(
      renderTextTable(rows, { maxRows: rows.length, caption: `batch ${plan.spec.name} (${file})` }),
    );
    const done = rows.filter((r) => r.status === "done").length;
    console.log(
      `\n${rows.length} jobs: ${done} already done, ${toRun.size} would run (dry run: nothing was run)`,
    );
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
