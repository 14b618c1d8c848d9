import { buildDemoData } from "../demo/build.ts";
import { runSuiteFile } from "../pipeline/suite_file.ts";
import { type Progress, progress } from "../nb/progress.ts";
import { buildIntradayDemo, type IntradayDemoPaths } from "../demo/intraday.ts";
import { runBatchFile } from "../jobs/batch.ts";
import { renderTextTable } from "../nb/text_table.ts";
import { COMMON_HELP, givenOption, parseTaskArgs, runTask } from "./args.ts";
import { printSuite } from "./suite.ts";
import { loadPanel } from "../panel/load.ts";
import { isoDate } from "../panel/types.ts";
import { writeFileAtomic } from "../util/atomic.ts";

const HELP = `deno task demo [options]

The main job on the embedded default data:
  1. generates the deterministic synthetic universe (500 securities × 10 years, seed 42) and loads
     the real S&P 500 sample (SPX, 2000-01-03 → 2020-04-17) into the store;
  2. snapshots it as "demo" (reused when the store is unchanged);
  3. writes a demo signal, a vendor's "sentiment" score, to data/demo_signal.parquet;
  4. runs the standard suite on it against the baselines (reversal_5d, momentum_12_1, value),
     records the run in runs/ and writes reports/demo/tearsheet.html, plus the best variant's daily
     net returns and the S&P 500's (reports/demo/returns.csv, spx.csv) for \`deno task metrics\`.
Re-running is idempotent: the same store gives the same snapshot and the same run. While the
generator parameters and code are unchanged and the files it wrote untouched, the store, snapshot
and signal are reused as they are (no regeneration).

With --intraday, the intraday demo instead (its own store, data/intraday.duckdb unless --db):
  1. generates a seeded synthetic B3 market, 30 securities × 40 sessions of minute bars (regular
     session 10:00–17:00 São Paulo) with the daily bars they aggregate to (not loaded again when the
     store exists);
  2. snapshots it as "intraday";
  3. writes an hourly reversal signal (data/intraday_signal.csv) and a batch file beside it
     (data/intraday_batch.yaml: hourly backtests at lags 0 and 1 bar, costs 0 and 10 bps,
     annualised by 252 × 7: the random-walk market has no reversal, and hourly turnover is costly;
     and short_term_reversal as an hourly portfolio: deno task run --interval 1h, lots, costs, taxes);
  4. runs that batch (a rerun skips the recorded runs) and prints its summary.

Options:
  --intraday         the intraday demo (above)
  --signal FILE      where to write the demo signal (default data/demo_signal.parquet)
  --workers N        suite workers (default: one per core)
  --runs DIR         run registry (default runs/)
  --reports DIR      reports folder (default reports/)
${COMMON_HELP}`;

/** `deno task demo`: see `--help`. Returns the exit code. */
export async function main(args: string[]): Promise<number> {
  return await runTask(async () => {
    const { values } = parseTaskArgs(args, {
      workers: { type: "string" },
      runs: { type: "string", default: "runs" },
      reports: { type: "string", default: "reports" },
      signal: { type: "string", default: "data/demo_signal.parquet" },
      intraday: { type: "boolean", default: false },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const started = performance.now();
    if (values.intraday) {
      await intradayDemo({
        db: givenOption(args, "db") ? values.db : undefined,
        snapshotsDir: values.snapshots,
        signalFile: givenOption(args, "signal") ? values.signal : undefined,
        runsDir: values.runs,
        reportsDir: values.reports,
        workers: values.workers === undefined ? 0 : Number(values.workers),
      });
      console.log(`\ndone in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      return 0;
    }
    const { manifest, tables } = await buildDemoData({
      db: values.db,
      snapshotsDir: values.snapshots,
      signalFile: values.signal,
      log: console.log,
    });
    console.log(`\nstore ${values.db}`);
    for (const t of tables) {
      console.log(
        `  ${t.table.padEnd(18)} ${String(t.rows).padStart(9)} rows` +
          (t.securities !== null ? `  ${String(t.securities).padStart(4)} securities` : "                 ") +
          (t.start ? `  ${t.start} → ${t.end}` : ""),
      );
    }
    console.log(`\nsnapshot ${manifest.snapshot_id}  hash ${manifest.hash}`);
    console.log(
      `  ${manifest.securities} securities, ${manifest.rows.prices} price rows, ${manifest.date_range.prices?.min} → ${manifest.date_range.prices?.max}`,
    );
    console.log(`demo signal ${values.signal}`);

    let bar: Progress | undefined;
    const out = await runSuiteFile({
      snapshot: "demo",
      snapshotsDir: values.snapshots,
      signalFile: values.signal,
      runsDir: values.runs,
      workers: values.workers === undefined ? undefined : Number(values.workers),
      onProgress: (_done, total) => {
        bar ??= progress(total, { label: "standard suite" });
        bar.tick();
      },
    });
    await bar?.done();
    if (!out.ok) throw new Error(`the demo signal failed validation: ${out.validation.problems[0]?.message}`);
    printSuite(out.suite);
    const tearsheet = `${values.reports}/demo/tearsheet.html`;
    await Deno.mkdir(`${values.reports}/demo`, { recursive: true });
    await Deno.copyFile(`${out.run.dir}/tearsheet.html`, tearsheet);
    // Return series for `deno task metrics`: the best variant's net daily return and the S&P 500.
    const best = out.suite.signal.best.result.daily;
    const spx = await loadPanel({
      snapshot: "demo",
      snapshotsDir: values.snapshots,
      assetClass: "index",
      fields: ["ret"],
    });
    await writeFileAtomic(`${values.reports}/demo/returns.csv`, returnsCsv(best.date, best.net));
    await writeFileAtomic(`${values.reports}/demo/spx.csv`, returnsCsv(spx.dates, spx.fields.ret));
    console.log(`\nrun ${out.run.run_id}${out.run.reused ? " (unchanged; reused)" : ""}`);
    console.log(`tear sheet ${tearsheet}`);
    console.log(
      `returns    ${values.reports}/demo/returns.csv (try: deno task metrics ${values.reports}/demo/returns.csv --benchmark ${values.reports}/demo/spx.csv)`,
    );
    console.log(
      `strategies deno task strategies list; deno task run momentum_12_1 --snapshot demo --lot 100 --tax brazil --cash-rate cdi --benchmark SPX; then deno task compare RUN_ID RUN_ID`,
    );
    console.log(`\ndone in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  }, HELP);
}

/** The intraday demo: data, snapshot, signal and batch file, then the batch run and its summary. */
async function intradayDemo(
  options: IntradayDemoPaths & { runsDir: string; reportsDir: string; workers: number },
): Promise<void> {
  const demo = await buildIntradayDemo({ ...options, log: console.log });
  console.log(`\nintraday store ${options.db ?? "data/intraday.duckdb"}`);
  for (const t of demo.tables.filter((t) => t.rows > 0)) {
    console.log(
      `  ${t.table.padEnd(18)} ${String(t.rows).padStart(9)} rows  ${t.start ?? ""} → ${t.end ?? ""}`,
    );
  }
  console.log(`snapshot ${demo.manifest.snapshot_id}  hash ${demo.manifest.hash}`);
  console.log(`signal ${demo.signalFile}\nbatch ${demo.batchFile}\n`);
  const result = await runBatchFile(demo.batchFile, {
    workers: options.workers,
    runsDir: options.runsDir,
    batchDir: `${options.reportsDir}/batch/intraday`,
  });
  console.log(renderTextTable(
    result.jobs.map((j) => ({
      job: j.job.spec.name,
      status: j.status,
      sharpe: j.metrics?.sharpe ?? NaN,
      annual_return: j.metrics?.annual_return ?? NaN,
      annual_volatility: j.metrics?.annual_volatility ?? NaN,
      bars: j.metrics?.n_days ?? NaN,
      run_id: j.run_id ?? "",
    })),
    { maxRows: result.jobs.length, caption: "hourly runs (annualised by 252 sessions × 7 bars)" },
  ));
  if (result.counts.failed) {
    throw new Error(`${result.counts.failed} intraday run(s) failed: see ${result.index}`);
  }
  console.log(`\nsummary ${result.summaryCsv}\nindex   ${result.index}`);
  console.log(
    `next    deno task backtest --snapshot intraday --signal ${demo.signalFile} --interval 1h --mincos 5 --fractile 30,70; ` +
      `deno task run short_term_reversal --snapshot intraday --interval 1h --schedule daily --lot 100; ` +
      `deno task batch ${demo.batchFile} --dry-run; deno task clean --db ${
        options.db ?? "data/intraday.duckdb"
      } --retain 1m:90:5m --dry-run`,
  );
}

/** A `date,ret` CSV (the format `deno task metrics` reads); NaN returns are left empty. */
function returnsCsv(dates: Float64Array, ret: Float64Array): string {
  const lines = ["date,ret"];
  dates.forEach((d, k) => lines.push(`${isoDate(d)},${Number.isNaN(ret[k]) ? "" : ret[k]}`));
  return lines.join("\n") + "\n";
}

if (import.meta.main) Deno.exit(await main(Deno.args));
