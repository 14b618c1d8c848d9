/**
 * `deno task jobs list|show ID|log ID [--follow]|cancel ID|start KIND -- ARGS` — job control for
 * long work: background jobs of any task, one running job per kind, statuses, progress, logs.
 */
import {
  defaultJobsDir,
  type JobRecord,
  listJobs,
  readJob,
  resolveJobId,
} from "../jobs/control/job_record.ts";
import { cancelJob } from "../jobs/control/run_job.ts";
import { JOB_TASKS, runTaskJob, startJob } from "../jobs/control/start_job.ts";
import { followLog } from "../jobs/control/watch.ts";
import { renderTextTable } from "../nb/text_table.ts";
import { COMMON_HELP, parseTaskArgs, runTask, UsageError } from "./args.ts";

const HELP = `deno task jobs <command> [options]

Background jobs: any task started with "jobs start" runs in a process of its own (it survives the
terminal or notebook that started it), at most one running job per kind (the others wait as
pending), with its status, progress and log kept in the jobs folder. A job whose process died
(crash, kill -9, reboot) is shown as failed; its kind's lock is released by the kernel.

  list [--all]              jobs, newest first (pending and running, and the last 20 finished; --all: every one)
  show ID                   one job: status, progress, times, error, command
  log ID [--follow]         its log; --follow keeps printing until the job ends
  cancel ID                 stop a pending or running job (it ends as cancelled)
  start KIND [-- ARGS…]     run "deno task KIND ARGS…" as a job and print its id
                            kinds: ${Object.keys(JOB_TASKS).join(", ")}

ID is a job id or any part of exactly one (e.g. its last 4 characters).

Options:
  --jobs DIR         jobs folder (default runs/.jobs, or QUANTNB_JOBS)
  --json             list / show as JSON
${COMMON_HELP}`;

const FINISHED_SHOWN = 20;

/** `deno task jobs`: see `--help`. Returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const split = args.indexOf("--");
  const [own, passed] = split < 0 ? [args, []] : [args.slice(0, split), args.slice(split + 1)];
  return await runTask(async () => {
    const { values, positionals } = parseTaskArgs(own, {
      jobs: { type: "string" },
      all: { type: "boolean", default: false },
      follow: { type: "boolean", short: "f", default: false },
      json: { type: "boolean", default: false },
      id: { type: "string" },
    });
    const [command, ref, ...extra] = positionals;
    if (values.help || !command) {
      console.log(HELP);
      return values.help ? 0 : 2;
    }
    const jobsDir = values.jobs ?? defaultJobsDir();
    const needId = async () => {
      if (!ref || extra.length) throw new UsageError(`jobs ${command} takes one job ID`);
      return await resolveJobId(jobsDir, ref);
    };
    switch (command) {
      case "list": {
        const jobs = await listJobs(jobsDir);
        const live = jobs.filter((j) => j.status === "pending" || j.status === "running");
        const shown = values.all
          ? jobs
          : [...live, ...jobs.filter((j) => !live.includes(j)).slice(0, FINISHED_SHOWN)];
        if (values.json) console.log(JSON.stringify(shown, null, 2));
        else if (shown.length === 0) console.log(`no jobs in ${jobsDir}`);
        else console.log(renderTextTable(shown.map(row), { maxRows: shown.length }));
        return 0;
      }
      case "show": {
        const record = await readJob(jobsDir, await needId());
        console.log(values.json ? JSON.stringify(record, null, 2) : describe(record));
        return 0;
      }
      case "log": {
        let partial = "";
        const record = await followLog(jobsDir, await needId(), (text) => {
          const lines = (partial + text).split("\n");
          partial = lines.pop()!;
          for (const line of lines) console.log(line);
        }, { follow: values.follow });
        if (partial) console.log(partial);
        if (values.follow) {
          console.error(`job ${record.job_id}: ${record.status}${record.error ? `: ${record.error}` : ""}`);
        }
        return 0;
      }
      case "cancel": {
        const id = await needId();
        const before = await cancelJob(jobsDir, id);
        if (before.status !== "pending" && before.status !== "running") {
          console.log(`job ${id} already ${before.status}`);
          return 0;
        }
        const deadline = Date.now() + 15_000;
        let record = before;
        while ((record.status === "pending" || record.status === "running") && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          record = await readJob(jobsDir, id);
        }
        console.log(`job ${id}: ${record.status}`);
        return record.status === "cancelled" ? 0 : 1;
      }
      case "start": {
        if (!ref || extra.length) throw new UsageError("jobs start KIND [-- ARGS…]");
        if (!Object.hasOwn(JOB_TASKS, ref)) {
          throw new UsageError(`unknown job kind "${ref}"; kinds: ${Object.keys(JOB_TASKS).join(", ")}`);
        }
        const record = await startJob(ref, passed, { jobsDir });
        console.log(values.json ? JSON.stringify(record, null, 2) : record.job_id);
        return 0;
      }
      case "run": {
        // the job process `start` launches
        if (!ref || !values.id) throw new UsageError("jobs run --id ID KIND -- ARGS (started by jobs start)");
        return await runTaskJob(ref, passed, { jobsDir, jobId: values.id });
      }
      default:
        throw new UsageError(`unknown command "${command}"; commands: list, show, log, cancel, start`);
    }
  }, HELP);
}

/** A job as a table row. */
function row(j: JobRecord) {
  const p = j.progress;
  return {
    job_id: j.job_id,
    kind: j.kind,
    status: j.status,
    progress: p && p.total > 0 ? `${p.done}/${p.total} ${p.label}` : "",
    started: (j.started_at ?? j.created_at).replace("T", " ").slice(0, 19),
    title: j.title.length > 48 ? j.title.slice(0, 47) + "…" : j.title,
  };
}

/** A job in words, for `jobs show`. */
function describe(j: JobRecord): string {
  const p = j.progress;
  return [
    `job      ${j.job_id}`,
    `kind     ${j.kind}`,
    `status   ${j.status}${j.waiting_for ? ` (waiting for ${j.waiting_for})` : ""}`,
    p ? `progress ${p.label} ${p.done}/${p.total} (at ${p.updated_at})` : "",
    `created  ${j.created_at}`,
    j.started_at ? `started  ${j.started_at}` : "",
    j.finished_at ? `finished ${j.finished_at}` : "",
    `process  pid ${j.pid} on ${j.hostname}`,
    j.command.length ? `command  ${j.command.join(" ")}` : "",
    j.error ? `error    ${j.error}` : "",
  ].filter(Boolean).join("\n");
}

if (import.meta.main) Deno.exit(await main(Deno.args));
