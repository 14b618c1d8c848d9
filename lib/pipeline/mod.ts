/**
 * Pipelines: orchestration above the engines and `report` — run a job, record it in the registry,
 * render its tear sheet — so that no engine or suite module imports `report` and data flows one way:
 * a suite from files, a strategy run (weights → simulated portfolio → recorded run with its tear
 * sheet), and the comparison of recorded runs.
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
export {
  type OptimizeJobOptions,
  type OptimizeJobResult,
  runOptimizeJob,
  strategyObjectiveSource,
} from "./optimize.ts";
export {
  planPortfolioJob,
  type PortfolioJobOptions,
  type PortfolioJobResult,
  type PortfolioPlan,
  runPortfolioJob,
} from "./portfolio.ts";
export {
  planStreamPluginRun,
  runStreamPluginRun,
  STREAM_INITIAL_CASH,
  type StreamPluginPlan,
  type StreamPluginRunOptions,
} from "./plugin_run.ts";
export {
  backtestRunInput,
  planPluginBacktest,
  type PluginBacktestOptions,
  type PluginBacktestPlan,
  runPluginBacktest,
  type StoredPluginBacktest,
} from "./plugin_backtest.ts";

export {
  loadRunData,
  runCommand,
  type RunData,
  runStrategy,
  runStrategyView,
  type StrategyRun,
  type StrategyRunOptions,
  tearsheetPath,
} from "./strategy_run.ts";
export {
  compareHtml,
  compareStrategies,
  returnCorrelation,
  type StrategyComparison,
} from "./compare_runs.ts";
