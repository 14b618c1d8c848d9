/**
 * `deno task clean [rules] [--dry-run]` — remove old runs and reports, old finished job records and
 * the temp folders crashed writes left behind, and apply retention rules to the store's bars.
 */
import { parseRetention, type RetentionRule } from "../bars/retention.ts";
import { clean, type CleanItem } from "../jobs/clean.ts";
import { defaultJobsDir } from "../jobs/control/job_record.ts";
import { renderTextTable } from "../nb/text_table.ts";
import { DEFAULT_RUNS_DIR } from "../track/types.ts";
import { COMMON_HELP, numberOption, parseTaskArgs, runTask, UsageError } from "./args.ts";

const HELP = `deno task clean [options]

Frees disk space. Always: temp folders left by crashed writes in runs/, snapshots/ and reports/
(never one a live writer holds) and records of jobs finished more than --jobs-days ago. On request:

  --runs-older-than DAYS     runs created more than DAYS ago
  --keep-runs N              all but the newest N runs
  --reports-older-than DAYS  entries of reports/ untouched for more than DAYS
  --jobs-days DAYS           finished job records kept this long (default 30)
  --retain RULE              a retention rule for the store's bars, repeatable: INTERVAL:DAYS[:TO],
                             e.g. 1m:90:5m (minute bars of sessions before today − 90 days become
                             5m bars) or 1h:3650 (hourly bars older than ten years removed); applied
                             finest first, atomically (the store is replaced only when all succeed)
  --dry-run                  list what would be removed; remove nothing

Folders:
  --runs DIR                 run registry (default runs/)
  --reports DIR              reports folder (default reports/)
  --jobs DIR                 jobs folder (default runs/.jobs)
${COMMON_HELP}

Example: deno task clean --keep-runs 500 --retain 1m:90:5m --retain 5m:730:1h

A removed run is gone: a batch that needs it again recomputes it.`;

/** `deno task clean`: see `--help`. Returns the exit code. */
export async function main(args: string[]): Promise<number> {
  return await runTask(async () => {
    const { values } = parseTaskArgs(args, {
      "runs-older-than": { type: "string" },
      "keep-runs": { type: "string" },
      "reports-older-than": { type: "string" },
      "jobs-days": { type: "string" },
      retain: { type: "string", multiple: true },
      "dry-run": { type: "boolean", default: false },
      runs: { type: "string", default: DEFAULT_RUNS_DIR },
      reports: { type: "string", default: "reports" },
      jobs: { type: "string" },
      json: { type: "boolean", default: false },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const items = await clean({
      runsDir: values.runs,
      reportsDir: values.reports,
      snapshotsDir: values.snapshots,
      jobsDir: values.jobs ?? defaultJobsDir(),
      runsOlderThanDays: numberOption(values, "runs-older-than", { min: 0 }),
      keepRuns: numberOption(values, "keep-runs", { integer: true, min: 0 }),
      reportsOlderThanDays: numberOption(values, "reports-older-than", { min: 0 }),
      jobsOlderThanDays: numberOption(values, "jobs-days", { min: 0 }),
      retention: retentionRules(values.retain ?? []),
      db: values.db,
      dryRun: values["dry-run"],
    });
    if (values.json) {
      console.log(JSON.stringify({ dry_run: values["dry-run"], items }, null, 2));
      return 0;
    }
    if (items.length) console.log(renderTextTable(items.map(row), { maxRows: items.length }));
    const mb = items.reduce((sum, i) => sum + i.bytes, 0) / 2 ** 20;
    console.log(
      `${values["dry-run"] ? "would remove" : "removed"} ${items.length} item${
        items.length === 1 ? "" : "s"
      }, ${mb.toFixed(1)} MB`,
    );
    return 0;
  }, HELP);
}

/** `--retain` rules, a usage error naming the bad one. */
function retentionRules(texts: readonly string[]): RetentionRule[] {
  try {
    return texts.map(parseRetention);
  } catch (error) {
    throw new UsageError(`--retain: ${(error as Error).message}`);
  }
}

function row(item: CleanItem) {
  return { kind: item.kind, path: item.path, mb: item.bytes / 2 ** 20, reason: item.reason };
}

if (import.meta.main) Deno.exit(await main(Deno.args));
