/**
 * The run registry: every run, of any kind (`RUN_KINDS`), is recorded as an immutable folder of plain files,
 * `runs/<run_id>/{run.json, daily.parquet, summary.csv, <table>.parquet…, …artifacts}`, written atomically (temp folder +
 * rename). Queries run DuckDB in memory over the `runs/*\/run.json` and `daily.parquet` files, so there
 * is no shared writable database: notebooks and batch jobs never block each other (DuckDB allows one
 * read-write process per database file). MLflow-like experiments without a server.
 *
 * @example
 * ```ts
 * import { compareRuns, listRuns, recordRun } from "./mod.ts";
 * const run = await recordRun(input);              // reused: true when the same config ran before
 * const [latest, previous] = await listRuns({ signal: "momentum" });
 * const cmp = await compareRuns(latest.run_id, previous.run_id);
 * ```
 *
 * @module
 */
export {
  type ComputedRun,
  findRuns,
  readRunResult,
  recordOnce,
  recordRun,
  type RecordRunOptions,
  runConfigHash,
  type RunIdentity,
  type RunLabels,
  runLabels,
} from "./record_run.ts";
export { type LockHolder, withRunLock } from "./run_lock.ts";
export { decodeResult, encodeResult } from "./result_bundle.ts";
export { readTableParquet, writeTableParquet } from "./table_parquet.ts";
export { listRuns, type ListRunsOptions, type SkippedRun, warnSkipped } from "./list_runs.ts";
export { getRun, resolveRunDir, type RunsDirOptions } from "./get_run.ts";
export { readDaily } from "./read_daily.ts";
export {
  compareRuns,
  type EquityComparison,
  type MetricComparison,
  type ParamDifference,
  type RunComparison,
} from "./compare_runs.ts";
export { readDailyParquet, writeDailyParquet } from "./daily_parquet.ts";
export { summaryCsv } from "./summary_csv.ts";
export { runId, slugify } from "./run_id.ts";
export {
  type Daily,
  DEFAULT_RUNS_DIR,
  HEADLINE_METRICS,
  RUN_KINDS,
  type RunInput,
  type RunJson,
  type RunKind,
  type RunRecord,
  type RunSummary,
  type RunTable,
  type RunTags,
} from "./types.ts";
