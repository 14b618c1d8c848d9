/**
 * `deno task worker --queue redis://HOST:PORT [--concurrency N]` — take batch jobs from a Redis
 * queue (BullMQ) and run them here, on as many machines as you like.
 */
import { runQueueWorker } from "../jobs/queue/worker.ts";
import { DEFAULT_QUEUE, parseRedisUrl } from "../jobs/queue/redis_url.ts";
import { COMMON_HELP, givenOption, numberOption, parseTaskArgs, runTask, UsageError } from "./args.ts";

const HELP = `deno task worker --queue redis://HOST:PORT [options]

Takes the jobs "deno task batch FILE --queue redis://HOST:PORT" enqueues and runs them on this
machine, N at a time (worker processes). Start it on every machine that should help: each needs
this project, the snapshots and the run registry the batch names (a shared folder, or the same
content under --snapshots / --runs). A job whose inputs hash otherwise here fails instead of
recording a different run. A job is its run's config hash: delivered twice, it records one run.
If a worker dies mid-job, its lock expires and another worker takes the job over (BullMQ's
stalled-job check).

Options:
  --queue URL          redis://HOST:PORT[/DB] (required)
  --queue-name NAME    queue (default ${DEFAULT_QUEUE})
  --concurrency N      jobs at once on this machine (default 1)
  --runs DIR           this machine's path of the batch's run registry (default: the batch's)
  --lock-seconds S     a job whose worker stops renewing its lock for S seconds is handed on (default 30)
  --stalled-seconds S  how often to look for such jobs (default 30)
${COMMON_HELP}
  (--snapshots given here replaces the batch's snapshot folder on this machine)

Stops on Ctrl-C / SIGTERM after the running jobs finish (a second Ctrl-C exits at once).`;

/** `deno task worker`: see `--help`. Returns the exit code. */
export async function main(args: string[]): Promise<number> {
  return await runTask(async () => {
    const { values } = parseTaskArgs(args, {
      queue: { type: "string" },
      "queue-name": { type: "string" },
      concurrency: { type: "string", default: "1" },
      runs: { type: "string" },
      "lock-seconds": { type: "string", default: "30" },
      "stalled-seconds": { type: "string", default: "30" },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (!values.queue) throw new UsageError("--queue redis://HOST:PORT is required");
    try {
      parseRedisUrl(values.queue);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const concurrency = numberOption(values, "concurrency", { integer: true, min: 1 })!;
    const lock = numberOption(values, "lock-seconds", { min: 0.5 })!;
    const stalled = numberOption(values, "stalled-seconds", { min: 0.5 })!;
    const controller = new AbortController();
    let stops = 0;
    const stop = () => {
      if (++stops > 1) Deno.exit(130);
      controller.abort();
    };
    Deno.addSignalListener("SIGINT", stop);
    Deno.addSignalListener("SIGTERM", stop);
    try {
      await runQueueWorker({
        url: values.queue,
        queueName: values["queue-name"],
        concurrency,
        snapshotsDir: givenOption(args, "snapshots") ? values.snapshots : undefined,
        runsDir: values.runs,
        lockMs: lock * 1000,
        stalledIntervalMs: stalled * 1000,
        signal: controller.signal,
      });
    } finally {
      Deno.removeSignalListener("SIGINT", stop);
      Deno.removeSignalListener("SIGTERM", stop);
    }
    return 0;
  }, HELP);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
