/**
 * Pipelines: orchestration above the engines and `report` — run a job, record it in the registry,
 * render its tear sheet — so that no engine or suite module imports `report` and data flows one way.
 *
 * @example
 * ```ts
 * import { runSuiteFile } from "./mod.ts";
 * const out = await runSuiteFile({ snapshot: "demo", signalFile: "data/demo_signal.parquet" });
 * ```
 * @module
 */
export {
  recordSuite,
  type RecordSuiteOptions,
  type StoredSuite,
  suiteIdentity,
  suiteRunInput,
} from "./record_suite.ts";
export { runSuiteFile, type SuiteFileOptions, type SuiteFileResult } from "./suite_file.ts";
