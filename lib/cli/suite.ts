import { formatReport } from "../signal/mod.ts";
import { PRESETS, type SuiteResult, suiteRows } from "../suite/mod.ts";
import { runSuiteFile } from "../pipeline/suite_file.ts";
import { type Progress, progress } from "../nb/progress.ts";
import { renderTextTable } from "../nb/text_table.ts";
import { COMMON_HELP, numberOption, parseTaskArgs, runTask, UsageError } from "./args.ts";

const HELP = `deno task suite --snapshot ID --signal FILE [options]

"Is this signal any good, and is it new?" Runs the signal and the baselines (reversal_5d,
momentum_12_1, value) over a config matrix, measures correlation with each baseline, gives a
green / yellow / red verdict, records the run in runs/ and writes its tear sheet.

Options:
  --snapshot ID      snapshot to test on (required)
  --signal FILE      CSV or Parquet: security_id, date_sig, signal [, date_avail, …] (required)
  --preset NAME      config matrix: ${
  Object.keys(PRESETS).join(", ")
} (default standard: lags 0,1,2 × residualize off,industry)
  --name NAME        signal name (default: the file's signal_name column, else the file name)
  --experiment NAME  group of runs (default: the signal name)
  --author NAME      recorded author (default $USER)
  --force            compute and record a new run even when an identical one is recorded
  --workers N        Web Workers (default: one per core, fewer when memory is short; 0 = in-process)
  --runs DIR         run registry folder (default runs/)
  --json             print the result as JSON instead of text
${COMMON_HELP}

An identical run (same snapshot content, signal file, preset, name, experiment and author) is
found in the registry BEFORE computing and returned at once; the same config under another name or
author is recorded under the new labels without recomputing. Identical suites started together
compute once (the others wait for it).

Exit codes: 0 ok, 1 failure, 2 invalid signal or usage.`;

/** `deno task suite`: see `--help`. Returns the exit code. */
export async function main(args: string[]): Promise<number> {
  return await runTask(async () => {
    const { values } = parseTaskArgs(args, {
      snapshot: { type: "string" },
      signal: { type: "string" },
      preset: { type: "string", default: "standard" },
      name: { type: "string" },
      experiment: { type: "string" },
      author: { type: "string" },
      force: { type: "boolean", default: false },
      workers: { type: "string" },
      runs: { type: "string", default: "runs" },
      json: { type: "boolean", default: false },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (!values.snapshot) throw new UsageError("--snapshot ID is required");
    if (!values.signal) throw new UsageError("--signal FILE is required");
    if (!(values.preset in PRESETS)) throw new UsageError(`unknown --preset "${values.preset}"`);
    const workers = numberOption(values, "workers", { integer: true, min: 0 });
    for (const label of ["name", "experiment", "author"] as const) {
      if (values[label] !== undefined && !values[label].trim()) {
        throw new UsageError(`--${label} must not be empty`);
      }
    }
    const log = values.json ? () => {} : console.log;
    let bar: Progress | undefined;
    const out = await runSuiteFile({
      snapshot: values.snapshot,
      snapshotsDir: values.snapshots,
      signalFile: values.signal,
      preset: values.preset,
      name: values.name,
      experiment: values.experiment,
      author: values.author,
      force: values.force,
      workers,
      runsDir: values.runs,
      onProgress: (_done, total) => {
        if (values.json) return;
        bar ??= progress(total, { label: "suite" });
        bar.tick();
      },
      onStage: (stage) => console.error(`suite: ${stage}…`),
      onWait: (holder) =>
        console.error(
          `suite: an identical run is being computed${
            holder ? ` by process ${holder.pid} on ${holder.hostname} since ${holder.since}` : ""
          }; waiting for it…`,
        ),
    });
    await bar?.done();
    if (!out.ok) {
      console.error(`${values.signal}: invalid signal\n${formatReport(out.validation)}`);
      return 2;
    }
    const { suite, run } = out;
    const tearsheet = `${run.dir}/tearsheet.html`;
    if (values.json) {
      console.log(
        JSON.stringify({ ...suiteJson(suite, run.run_id, tearsheet), reused: run.reused }, null, 2),
      );
    } else {
      printSuite(suite, log);
      log(`\nrun ${run.run_id}${describeReuse(run)}`);
      log(`tear sheet: ${tearsheet}`);
    }
    return 0;
  }, HELP);
}

/** How a run relates to earlier ones, for the last line. */
function describeReuse(run: { reused: boolean; tags: Readonly<Record<string, string>> }): string {
  if (run.reused) return " (identical run already recorded; reused, not recomputed)";
  if (run.tags.same_config_as) {
    return ` (same config as ${run.tags.same_config_as}; recorded under the new labels)`;
  }
  return "";
}

/** The verdict, the variant table and the uniqueness table as text. */
export function printSuite(suite: SuiteResult, log: (line: string) => void = console.log): void {
  const { color, reasons } = suite.verdict;
  log(`\nverdict: ${color.toUpperCase()}`);
  for (const reason of reasons) log(`  • ${reason}`);
  const rows = suiteRows(suite).map(({ annual_volatility: _v, hit_rate: _h, ic_mean, ...row }) => ({
    ...row,
    ic: ic_mean,
  }));
  log("");
  log(renderTextTable(rows, { plain: ["turnover"], maxRows: rows.length }));
  log("");
  log(renderTextTable(suite.uniqueness.map((u) => ({ ...u })), { caption: "uniqueness vs baselines" }));
}

/** The suite as plain JSON (no typed arrays): verdict, uniqueness, per-variant summaries. */
export function suiteJson(suite: SuiteResult, runId: string, tearsheet: string): Record<string, unknown> {
  const runs = [suite.signal, ...suite.baselines].map((run) => ({
    name: run.name,
    best: run.best.label,
    variants: run.variants.map((v) => ({
      label: v.label,
      config: v.result.config,
      summary: v.result.summary,
      ic: { mean: v.result.ic.mean, std: v.result.ic.std, ir: v.result.ic.ir, t_stat: v.result.ic.t_stat },
    })),
  }));
  return {
    run_id: runId,
    tearsheet,
    verdict: suite.verdict,
    uniqueness: suite.uniqueness,
    signal: runs[0],
    baselines: runs.slice(1),
  };
}

if (import.meta.main) Deno.exit(await main(Deno.args));
